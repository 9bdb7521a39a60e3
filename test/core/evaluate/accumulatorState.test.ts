import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetAccumulator } from '../../../src/core/evaluate/datasetSummary';
import { toRecord, type ImageRecord } from '../../../src/core/evaluate/record';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { CALIBRATION_BINS } from '../../../src/core/metrics/calibration';
import { DEFAULT_METRIC_OPTIONS } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap } from '../../../src/core/types';

const CLASSES = 19; // Cityscapes' train classes: the instance sums are pooled only then
const VOID = 255;

/**
 * A record of a random 19-class image, as read back from a results file (plain JSON), with calibration
 * sums and Cityscapes instance counts of random fractions added (the figures summed exactly), or, for
 * `missing`, no instance data.
 */
function randomRecord(seed: number, missing: boolean): ImageRecord {
  const random = seededRandom(seed);
  const width = 5 + Math.floor(random() * 12);
  const height = 4 + Math.floor(random() * 9);
  const ids = (): Uint8Array =>
    Uint8Array.from({ length: width * height }, () => (random() < 0.1 ? VOID : Math.floor(random() * CLASSES)));
  const label: ClassMap = { width, height, ids: ids() };
  const prediction: ClassMap = { width, height, ids: ids() };
  const options = { ...DEFAULT_METRIC_OPTIONS, numClasses: CLASSES, ignoreIndex: VOID };
  const { metrics } = evaluatePair(label, { type: 'hard', map: prediction }, options);
  const name = `image_${String(seed).padStart(4, '0')}`;
  const bins = (whole: boolean): number[] =>
    Array.from({ length: CALIBRATION_BINS }, () => (whole ? Math.floor(random() * 50) : random() * 37.3));
  const perClass = [2, 7, 11].map((classId) => ({
    classId,
    count: bins(true),
    confidence: bins(false),
    correct: bins(true),
  }));
  const counts = (n: number): number[] => Array.from({ length: n }, () => random() * 1e4);
  const record = {
    ...toRecord({ name, predictionFile: `${name}.png`, labelFile: `${name}_labelIds.png` }, metrics, []),
    calibration: { count: bins(true), confidence: bins(false), correct: bins(true), perClass },
    cityscapesInstances: missing
      ? null
      : {
          tpWeighted: counts(19),
          fnWeighted: counts(19),
          categoryTpWeighted: counts(2),
          categoryFnWeighted: counts(2),
        },
  };
  return JSON.parse(JSON.stringify(record)) as ImageRecord;
}

test('accumulators of parts, their states sent as plain data and added up, give the figures of one accumulator of all', () => {
  const records = Array.from({ length: 60 }, (_, i) => randomRecord(i + 1, false));
  const whole = new DatasetAccumulator(CLASSES);
  records.forEach((record) => whole.add(record));
  // Three parts of uneven size, each folded in its own order, as a merge's worker threads fold chunks.
  const parts = [records.slice(0, 7), records.slice(7, 41).reverse(), records.slice(41)];
  const merged = new DatasetAccumulator(CLASSES);
  for (const part of parts) {
    const accumulator = new DatasetAccumulator(CLASSES);
    part.forEach((record) => accumulator.add(record));
    merged.addState(structuredClone(accumulator.state()));
  }
  const summary = whole.summary();
  assert.ok(
    summary.cityscapes !== undefined && summary.calibration !== null,
    'instance and calibration figures pooled',
  );
  assert.deepEqual(merged.summary(), summary);
});

test('added states name the same first label without instance data as one accumulator', () => {
  const records = Array.from({ length: 12 }, (_, i) => randomRecord(i + 100, i === 3 || i === 9));
  const whole = new DatasetAccumulator(CLASSES);
  records.forEach((record) => whole.add(record));
  const merged = new DatasetAccumulator(CLASSES);
  for (const part of [records.slice(6), records.slice(0, 6)]) {
    const accumulator = new DatasetAccumulator(CLASSES);
    part.forEach((record) => accumulator.add(record));
    merged.addState(structuredClone(accumulator.state()));
  }
  const cityscapes = merged.summary().cityscapes;
  assert.deepEqual(cityscapes, whole.summary().cityscapes);
  assert.match(JSON.stringify(cityscapes), /2 of 12 labels .*image_0103_labelIds\.png/);
  assert.throws(() => merged.addState(new DatasetAccumulator(21).state()), /21 classes to 19/);
});
