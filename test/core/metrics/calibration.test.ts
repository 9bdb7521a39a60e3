import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetAccumulator } from '../../../src/core/evaluate/datasetSummary';
import { toRecord, type ImageRecord } from '../../../src/core/evaluate/record';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { DEFAULT_METRIC_OPTIONS, type MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import { naiveSoftmax } from '../../helpers/naiveSoftmax';
import type { ClassMap, SoftScores } from '../../../src/core/types';

const VOID = 255;
const BINS = 15;

interface Image {
  readonly width: number;
  readonly height: number;
  readonly label: number[];
  /** Pixel-major probabilities, computed here with Math.exp. */
  readonly probabilities: number[][];
  readonly scores: SoftScores;
}

function randomImage(seed: number, numClasses: number): Image {
  const random = seededRandom(seed);
  const width = 4 + Math.floor(random() * 25);
  const height = 3 + Math.floor(random() * 15);
  const pixels = width * height;
  const label = Array.from({ length: pixels }, () => (random() < 0.1 ? VOID : Math.floor(random() * numClasses)));
  const sharpness = 0.5 + random() * 4;
  const logits = label.map((y) =>
    Array.from({ length: numClasses }, (_, c) => sharpness * (random() * 2 - 1) + (c === y && random() < 0.6 ? 2 : 0)),
  );
  const probabilities = logits.map(naiveSoftmax);
  const layout = random() < 0.5 ? 'hwc' : 'chw';
  const values = new Float64Array(pixels * numClasses);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < numClasses; c++)
      values[layout === 'hwc' ? p * numClasses + c : c * pixels + p] = logits[p]![c]!;
  }
  return {
    width,
    height,
    label,
    probabilities,
    scores: { width, height, channels: numClasses, kind: 'logits', layout, values },
  };
}

function options(numClasses: number): MetricOptions {
  return { ...DEFAULT_METRIC_OPTIONS, numClasses, ignoreIndex: VOID, scales: [2] };
}

interface NaivePixel {
  readonly confidence: number;
  readonly predicted: number;
  readonly correct: boolean;
}

function naivePixels(image: Image): NaivePixel[] {
  return image.label.flatMap((y, p) => {
    if (y === VOID) return [];
    const row = image.probabilities[p]!;
    const confidence = Math.max(...row);
    const predicted = row.indexOf(confidence);
    return [{ confidence, predicted, correct: predicted === y }];
  });
}

/** Guo et al.'s ECE written out: bins ((m)/M, (m+1)/M], weighted |accuracy − confidence|. */
function naiveEce(pixels: readonly NaivePixel[]): number | null {
  if (pixels.length === 0) return null;
  let ece = 0;
  for (let m = 0; m < BINS; m++) {
    const inBin = pixels.filter((q) => q.confidence > m / BINS && q.confidence <= (m + 1) / BINS);
    if (inBin.length === 0) continue;
    const accuracy = inBin.filter((q) => q.correct).length / inBin.length;
    const confidence = inBin.reduce((sum, q) => sum + q.confidence, 0) / inBin.length;
    ece += (inBin.length / pixels.length) * Math.abs(accuracy - confidence);
  }
  return ece;
}

const close = (a: number | null | undefined, b: number | null, what: string): void => {
  if (b === null) return assert.equal(a, null, what);
  assert.ok(typeof a === 'number' && Math.abs(a - b) <= 1e-9, `${what}: ${a} vs ${b}`);
};

function record(image: Image, name: string, numClasses: number): ImageRecord {
  const label: ClassMap = { width: image.width, height: image.height, ids: Uint8Array.from(image.label) };
  const { metrics } = evaluatePair(label, { type: 'soft', scores: image.scores }, options(numClasses));
  return toRecord({ name, predictionFile: `${name}.npy`, labelFile: `${name}.png` }, metrics, []);
}

test('per-image ECE and share of unsure pixels equal a naive computation', () => {
  for (const numClasses of [2, 3, 21, 171]) {
    for (let seed = 1; seed <= 8; seed++) {
      const image = randomImage(seed * 97 + numClasses, numClasses);
      const r = record(image, `i${seed}`, numClasses);
      const pixels = naivePixels(image);
      close(r.ece, naiveEce(pixels), `C=${numClasses} seed ${seed} ece`);
      const unsure = pixels.filter((q) => q.confidence < 0.5).length;
      close(r.lowConfidenceShare, pixels.length ? unsure / pixels.length : null, `C=${numClasses} seed ${seed} unsure`);
    }
  }
});

test('dataset calibration pools pixels over images: ECE, per-class ECE and the 15 bins equal a naive pooled computation', () => {
  for (const numClasses of [2, 5, 21]) {
    const images = Array.from({ length: 6 }, (_, i) => randomImage(i * 13 + numClasses * 7, numClasses));
    const accumulator = new DatasetAccumulator(numClasses);
    // Half as a worker's records, half as read back from a results file: both pool the same.
    images.forEach((image, i) => {
      const r = record(image, `image${i}`, numClasses);
      accumulator.add(i % 2 === 0 ? r : (JSON.parse(JSON.stringify(r)) as ImageRecord));
    });
    const calibration = accumulator.summary().calibration;
    assert.ok(calibration);
    const pooled = images.flatMap(naivePixels);
    close(calibration.ece, naiveEce(pooled), `C=${numClasses} ece`);
    for (let c = 0; c < numClasses; c++) {
      close(calibration.perClassEce[c] ?? null, naiveEce(pooled.filter((q) => q.predicted === c)), `class ${c}`);
    }
    assert.equal(calibration.bins.length, BINS);
    calibration.bins.forEach((bin, m) => {
      const inBin = pooled.filter((q) => q.confidence > m / BINS && q.confidence <= (m + 1) / BINS);
      assert.equal(bin.count, inBin.length, `bin ${m} count`);
      close(bin.lo, m / BINS, 'lo');
      close(bin.hi, (m + 1) / BINS, 'hi');
      close(
        bin.accuracy,
        inBin.length ? inBin.filter((q) => q.correct).length / inBin.length : null,
        `bin ${m} accuracy`,
      );
      close(
        bin.confidence,
        inBin.length ? inBin.reduce((s, q) => s + q.confidence, 0) / inBin.length : null,
        `bin ${m} confidence`,
      );
    });
  }
});

test('hard predictions leave the dataset calibration null', () => {
  const accumulator = new DatasetAccumulator(2);
  const label: ClassMap = { width: 2, height: 1, ids: Uint8Array.from([0, 1]) };
  const { metrics } = evaluatePair(label, { type: 'hard', map: label }, options(2));
  accumulator.add(toRecord({ name: 'a', predictionFile: 'a.png', labelFile: 'a.png' }, metrics, []));
  assert.equal(accumulator.summary().calibration, null);
});

/**
 * A perfectly calibrated model: each pixel's top-1 probability q is drawn, and the label is the top
 * class with probability q. Its ECE is only sampling noise, which shrinks as pixels grow.
 */
function calibratedEce(pixels: number, seed: number, overconfidence = 0): number {
  const random = seededRandom(seed);
  const numClasses = 3;
  const width = 1000;
  const height = pixels / width;
  const values = new Float64Array(pixels * numClasses);
  const ids = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const q = 0.34 + random() * 0.66;
    const top = Math.floor(random() * numClasses);
    const rest = (1 - q) / (numClasses - 1);
    for (let c = 0; c < numClasses; c++) values[p * numClasses + c] = c === top ? q : rest;
    ids[p] = random() < q - overconfidence ? top : (top + 1 + Math.floor(random() * (numClasses - 1))) % numClasses;
  }
  const scores: SoftScores = { width, height, channels: numClasses, kind: 'probabilities', layout: 'hwc', values };
  const { metrics } = evaluatePair({ width, height, ids }, { type: 'soft', scores }, options(numClasses));
  return metrics.ece!;
}

test('a perfectly calibrated synthetic model has an ECE that goes to 0 as pixels grow', () => {
  const small = calibratedEce(1_000, 5);
  const medium = calibratedEce(100_000, 5);
  const large = calibratedEce(1_000_000, 5);
  assert.ok(small > medium && medium > large, `${small} > ${medium} > ${large}`);
  assert.ok(large < 0.003, `ECE at a million pixels ${large}`);
  // A model that claims q but is right with probability q − 0.2 is not: its ECE stays near 0.2.
  const overconfident = calibratedEce(1_000_000, 5, 0.2);
  assert.ok(Math.abs(overconfident - 0.2) < 0.005, `over-confident ECE ${overconfident}`);
});

test('entropy, margin and top-1 confidence maps equal a naive computation on every pixel, void included', () => {
  for (const numClasses of [2, 7, 150]) {
    const image = randomImage(numClasses * 3, numClasses);
    const label: ClassMap = { width: image.width, height: image.height, ids: Uint8Array.from(image.label) };
    const { maps } = evaluatePair(label, { type: 'soft', scores: image.scores }, options(numClasses));
    assert.ok(maps.entropy && maps.margin && maps.confidence && maps.labelIssues);
    image.probabilities.forEach((row, p) => {
      const sorted = [...row].sort((a, b) => b - a);
      const entropy = -row.reduce((sum, q) => sum + (q > 0 ? q * Math.log(q) : 0), 0);
      assert.ok(Math.abs(maps.confidence![p]! - sorted[0]!) < 1e-6, `confidence at ${p}`);
      assert.ok(Math.abs(maps.margin![p]! - (sorted[0]! - sorted[1]!)) < 1e-6, `margin at ${p}`);
      assert.ok(Math.abs(maps.entropy![p]! - entropy) < 1e-5, `entropy at ${p}: ${maps.entropy![p]} vs ${entropy}`);
      const y = image.label[p]!;
      assert.equal(maps.labelIssues![p], y !== VOID && row[y]! < 0.1 ? 1 : 0, `label issue at ${p}`);
    });
  }
});
