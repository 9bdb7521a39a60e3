import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetAccumulator } from '../../../src/core/evaluate/datasetSummary';
import { toRecord } from '../../../src/core/evaluate/record';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { DEFAULT_METRIC_OPTIONS, type MetricOptions } from '../../../src/core/options';
import type { JsonReport } from '../../../src/core/report/jsonReport';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { Prediction } from '../../../src/core/types';
import { REPO_ROOT } from '../../helpers/golden';
import {
  frequencyWeightedIoU,
  intersectAndUnion,
  nanMean,
  sumAreas,
  totalAreaToMetrics,
  type Areas,
} from '../../helpers/mmsegOracle';
import { decode, REAL, REAL_SKIP, vocIdsFromColours } from '../../helpers/realData';

const IGNORE = 255;

/** The oracle's NaN is the engine's null. */
const nullable = (value: number): number | null => (Number.isNaN(value) ? null : value);

function assertClose(actual: number | null | undefined, expected: number, what: string): void {
  const want = nullable(expected);
  if (want === null || actual === null || actual === undefined) {
    assert.equal(actual, want, `${what}: ${actual} vs oracle ${want}`);
    return;
  }
  assert.ok(Math.abs(actual - want) <= 1e-12, `${what}: ${actual} vs oracle ${want}`);
}

function assertList(actual: readonly (number | null)[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((value, c) => assertClose(actual[c], value, `${what}[${c}]`));
}

/** Every mmseg figure of the summary against the oracle on the summed areas. */
function assertDataset(dataset: JsonReport['dataset'], areas: Areas, what: string): void {
  const m = totalAreaToMetrics(areas);
  assertList(dataset.perClassAccuracy ?? [], m.Acc, `${what} perClassAccuracy`);
  assertClose(dataset.meanAccuracy, nanMean(m.Acc), `${what} meanAccuracy`);
  assertList(dataset.perClassPrecision ?? [], m.Precision, `${what} perClassPrecision`);
  assertClose(dataset.meanPrecision, nanMean(m.Precision), `${what} meanPrecision`);
  assertList(dataset.perClassDice ?? [], m.Dice, `${what} perClassDice`);
  assertClose(dataset.meanDice, nanMean(m.Dice), `${what} meanDice`);
  assertList(dataset.perClassFscore ?? [], m.Fscore, `${what} perClassFscore`);
  assertClose(dataset.meanFscore, nanMean(m.Fscore), `${what} meanFscore`);
  assertClose(dataset.fwIoU, frequencyWeightedIoU(areas), `${what} fwIoU`);
  // The figures SegLens had already follow the same conventions: IoU, mIoU and aAcc.
  assertList(dataset.perClassIoU, m.IoU, `${what} perClassIoU`);
  assertClose(dataset.miou, nanMean(m.IoU), `${what} mIoU`);
  assertClose(dataset.pixelAccuracy, m.aAcc, `${what} pixel accuracy`);
}

type Role = 'both' | 'labelOnly' | 'predictionOnly' | 'neither';

interface RandomImage {
  width: number;
  height: number;
  label: number[];
  predicted: number[];
}

/**
 * Images whose classes each have a role: in labels and predictions, in labels only, in predictions
 * only, or in neither; some pixels void, some predictions outside 0..C-1, now and then an image all void.
 */
function randomDataset(seed: number): { numClasses: number; images: RandomImage[]; roles: Role[] } {
  const random = seededRandom(seed);
  const numClasses = 2 + Math.floor(random() * 11);
  const roles: Role[] = Array.from({ length: numClasses }, () => {
    const r = random();
    return r < 0.5 ? 'both' : r < 0.7 ? 'labelOnly' : r < 0.9 ? 'predictionOnly' : 'neither';
  });
  const labelled = roles.flatMap((role, c) => (role === 'both' || role === 'labelOnly' ? [c] : []));
  const predictable = roles.flatMap((role, c) => (role === 'both' || role === 'predictionOnly' ? [c] : []));
  const outside = random() < 0.5 ? 0.05 : 0;
  const pick = (ids: readonly number[]): number => ids[Math.floor(random() * ids.length)]!;
  const images = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
    const width = 1 + Math.floor(random() * 9);
    const height = 1 + Math.floor(random() * 9);
    const allVoid = random() < 0.05;
    const label: number[] = [];
    const predicted: number[] = [];
    for (let p = 0; p < width * height; p++) {
      const y = allVoid || labelled.length === 0 || random() < 0.1 ? IGNORE : pick(labelled);
      label.push(y);
      const r = random();
      if (r < outside || predictable.length === 0) predicted.push(numClasses + 3);
      else if (r < 0.6 && predictable.includes(y)) predicted.push(y);
      else predicted.push(pick(predictable));
    }
    return { width, height, label, predicted };
  });
  return { numClasses, images, roles };
}

/** Hard maps through either fused kernel (v1 or the paper's loss), or soft scores through the general path. */
function prediction(image: RandomImage, numClasses: number, soft: boolean): Prediction {
  const { width, height, predicted } = image;
  if (!soft) return { type: 'hard', map: { width, height, ids: Uint16Array.from(predicted) } };
  const values = new Float32Array(width * height * numClasses);
  predicted.forEach((q, p) => (values[p * numClasses + q] = 5));
  return { type: 'soft', scores: { width, height, channels: numClasses, kind: 'logits', layout: 'hwc', values } };
}

test('per-class accuracy, precision, Dice, F-score, their means and fwIoU equal mmseg IoUMetric (retyped) on 300 random datasets', () => {
  const seen = { predictedNotLabelled: 0, labelledNotPredicted: 0, absent: 0, soft: 0, paper: 0 };
  for (let seed = 1; seed <= 300; seed++) {
    const random = seededRandom(seed * 7919);
    const { numClasses, images } = randomDataset(seed);
    // Soft scores cannot hold an id outside 0..C-1: only datasets without one go through the soft path.
    const soft = random() < 0.3 && images.every((image) => image.predicted.every((q) => q < numClasses));
    const paper = random() < 0.4;
    const options: MetricOptions = {
      ...DEFAULT_METRIC_OPTIONS,
      numClasses,
      scales: [2, 4],
      ...(paper ? { pooling: 'gaussian', minkowski: 5 } : {}),
    };
    seen.soft += soft ? 1 : 0;
    seen.paper += paper ? 1 : 0;
    const accumulator = new DatasetAccumulator(numClasses);
    const perImage: Areas[] = [];
    images.forEach((image, i) => {
      const label = { width: image.width, height: image.height, ids: Uint16Array.from(image.label) };
      const { metrics } = evaluatePair(label, prediction(image, numClasses, soft), options);
      const name = `image${i}`;
      accumulator.add(toRecord({ name, predictionFile: `${name}.png`, labelFile: `${name}.png` }, metrics, []));
      const areas = intersectAndUnion(image.predicted, image.label, numClasses, IGNORE);
      perImage.push(areas);
      const m = totalAreaToMetrics(areas);
      assertClose(metrics.meanAccuracy, nanMean(m.Acc), `seed ${seed} ${name} meanAccuracy`);
      assertClose(metrics.meanDice, nanMean(m.Dice), `seed ${seed} ${name} meanDice`);
    });
    const total = sumAreas(perImage, numClasses);
    assertDataset(accumulator.summary(), total, `seed ${seed}`);
    for (let c = 0; c < numClasses; c++) {
      const [label, predicted] = [total.label[c]!, total.predLabel[c]!];
      if (label === 0 && predicted > 0) seen.predictedNotLabelled++;
      if (label > 0 && predicted === 0) seen.labelledNotPredicted++;
      if (label === 0 && predicted === 0) seen.absent++;
    }
  }
  // The cases the conventions are about all occurred (and are checked above, class by class).
  for (const [what, count] of Object.entries(seen)) assert.ok(count > 10, `${what}: ${count}`);
});

test('a class predicted but absent from the labels has Dice 0 and no accuracy or F-score; one never predicted has no precision', () => {
  // 1x4: class 0 labelled twice and found once; class 1 only predicted; class 2 only labelled; class 3 in neither.
  const label = { width: 4, height: 1, ids: Uint8Array.from([0, 0, 2, 255]) };
  const predicted = { width: 4, height: 1, ids: Uint8Array.from([0, 1, 1, 1]) };
  const options = { ...DEFAULT_METRIC_OPTIONS, numClasses: 4, scales: [2] };
  const { metrics } = evaluatePair(label, { type: 'hard', map: predicted }, options);
  const accumulator = new DatasetAccumulator(4);
  accumulator.add(toRecord({ name: 'x', predictionFile: 'x', labelFile: 'x' }, metrics, []));
  const dataset = accumulator.summary();
  // By hand: TP = [1, 0, 0, 0], label area = [2, 0, 1, 0], predicted area (valid pixels) = [1, 2, 0, 0].
  assert.deepEqual(dataset.perClassAccuracy, [0.5, null, 0, null]);
  assert.deepEqual(dataset.perClassPrecision, [1, 0, null, null]);
  assert.deepEqual(dataset.perClassDice, [2 / 3, 0, 0, null]);
  assert.deepEqual(dataset.perClassFscore, [2 / 3, null, null, null]);
  assert.equal(dataset.meanDice, (2 / 3 + 0 + 0) / 3);
  assert.equal(dataset.meanAccuracy, 0.25);
  // fwIoU: class 0 (IoU 1/2) weighs 2/3, class 2 (IoU 0) 1/3.
  assert.equal(dataset.fwIoU, (2 * 0.5 + 1 * 0) / 3);
  assert.equal(metrics.meanAccuracy, 0.25);
  assert.equal(metrics.meanDice, (2 / 3 + 0 + 0) / 3);
});

test('an image with no valid pixel has no mean accuracy, Dice or fwIoU', () => {
  const label = { width: 2, height: 1, ids: Uint8Array.from([255, 255]) };
  const options = { ...DEFAULT_METRIC_OPTIONS, numClasses: 3, scales: [2] };
  const { metrics } = evaluatePair(label, { type: 'hard', map: { ...label, ids: Uint8Array.from([1, 2]) } }, options);
  assert.equal(metrics.meanAccuracy, null);
  assert.equal(metrics.meanDice, null);
  const accumulator = new DatasetAccumulator(3);
  accumulator.add(toRecord({ name: 'x', predictionFile: 'x', labelFile: 'x' }, metrics, []));
  const dataset = accumulator.summary();
  assert.equal(dataset.fwIoU, null);
  assert.equal(dataset.meanFscore, null);
  assert.deepEqual(dataset.perClassDice, [null, null, null]);
});

const VAINF = join(REAL, 'voc-vainf-deeplabv3plus', 'samples');

test(
  "real VOC predictions (VainF's 14 DeepLabV3 crops): the CLI's JSON equals mmseg IoUMetric on the files read naively",
  {
    skip: REAL_SKIP,
  },
  () => {
    const run = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'dist', 'cli.js'),
        'eval',
        VAINF,
        '--labels',
        VAINF,
        '--dataset',
        'voc',
        '--json',
        '--workers',
        '0',
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.images.length, 14);
    const perImage = report.images.map((image) => {
      const label = vocIdsFromColours(decode(join(VAINF, `${image.name}_target.png`)).values);
      const predicted = vocIdsFromColours(decode(join(VAINF, `${image.name}_pred.png`)).values);
      const areas = intersectAndUnion(predicted, label, 21, IGNORE);
      const m = totalAreaToMetrics(areas);
      assertClose(image.meanAccuracy, nanMean(m.Acc), `${image.name} meanAccuracy`);
      assertClose(image.meanDice, nanMean(m.Dice), `${image.name} meanDice`);
      return areas;
    });
    const total = sumAreas(perImage, 21);
    assertDataset(report.dataset, total, 'VainF');
    // JSON writes an undefined figure as null: a VOC class absent from these 14 crops.
    const absent = total.label.findIndex((area, c) => area === 0 && total.predLabel[c] === 0);
    assert.ok(absent >= 0, 'some class is absent from both');
    assert.equal(report.dataset.perClassDice?.[absent], null);
  },
);
