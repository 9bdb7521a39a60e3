import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetAccumulator } from '../../../src/core/evaluate/datasetSummary';
import { fromWireRecord, sparseConfusionOf, toWireRecord, type ImageRecord } from '../../../src/core/evaluate/record';
import { addConfusion, emptyConfusion, iouSummary } from '../../../src/core/metrics/confusion';
import { hotSpots } from '../../../src/core/metrics/hotSpots';
import { pixelCostMap } from '../../../src/core/metrics/crossEntropy';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { hardPixelTerms } from '../../../src/core/metrics/pixelTerms';
import {
  addSparseConfusion,
  classesPresent,
  denseCounts,
  sparseConfusion,
} from '../../../src/core/metrics/sparseConfusion';
import type { MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap, ConfusionMatrix, HotSpot } from '../../../src/core/types';

/** A matrix with a few used classes among many, as an image's is; sometimes empty, sometimes dense. */
function randomMatrix(seed: number): ConfusionMatrix {
  const random = seededRandom(seed);
  const C = 1 + Math.floor(random() * (random() < 0.3 ? 200 : 25));
  const matrix = emptyConfusion(C);
  const fill = random() < 0.1 ? 0 : random() < 0.2 ? 1 : random() * 0.05;
  for (let i = 0; i < C * C; i++) if (random() < fill) matrix.counts[i] = 1 + Math.floor(random() * 1e6);
  for (let c = 0; c < C; c++) if (random() < fill) matrix.unknown[c] = 1 + Math.floor(random() * 1e3);
  return matrix;
}

/** IoU the way the spec reads: column sums by walking each column. */
function naiveIoU(matrix: ConfusionMatrix): (number | null)[] {
  const n = matrix.numClasses;
  return Array.from({ length: n }, (_, c) => {
    let labelled = matrix.unknown[c]!;
    let predictedAs = 0;
    for (let j = 0; j < n; j++) {
      labelled += matrix.counts[c * n + j]!;
      predictedAs += matrix.counts[j * n + c]!;
    }
    const tp = matrix.counts[c * n + c]!;
    const union = labelled + predictedAs - tp;
    return union > 0 ? tp / union : null;
  });
}

test('the sparse form of a confusion matrix holds exactly its non-zero cells, and rebuilds it', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const matrix = randomMatrix(seed);
    const sparse = sparseConfusion(matrix);
    const nonZero = Array.from(matrix.counts.keys()).filter((i) => matrix.counts[i] !== 0);
    assert.deepEqual(Array.from(sparse.cells), nonZero, `seed ${seed}: cells`);
    assert.deepEqual(
      Array.from(sparse.counts),
      nonZero.map((i) => matrix.counts[i]!),
    );
    assert.deepEqual(Array.from(sparse.unknown), Array.from(matrix.unknown));
    assert.deepEqual(denseCounts(sparse), Array.from(matrix.counts), `seed ${seed}: dense`);
  }
});

test('adding the sparse form equals adding the dense matrix; classes present are those with a pixel', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const matrix = randomMatrix(seed);
    const C = matrix.numClasses;
    const viaDense = randomMatrix(seed + 1000);
    if (viaDense.numClasses !== C) continue;
    const viaSparse: ConfusionMatrix = {
      numClasses: C,
      counts: viaDense.counts.slice(),
      unknown: viaDense.unknown.slice(),
    };
    addConfusion(viaDense, matrix);
    addSparseConfusion(viaSparse, sparseConfusion(matrix));
    assert.deepEqual(viaSparse, viaDense, `seed ${seed}`);
  }
  for (let seed = 1; seed <= 300; seed++) {
    const matrix = randomMatrix(seed);
    const C = matrix.numClasses;
    const naive = Array.from({ length: C }, (_, c) => c).filter((c) => {
      let total = matrix.unknown[c]!;
      for (let j = 0; j < C; j++) total += matrix.counts[c * C + j]! + matrix.counts[j * C + c]!;
      return total > 0;
    });
    assert.deepEqual(classesPresent(sparseConfusion(matrix)), naive, `seed ${seed}`);
  }
  assert.throws(() => addSparseConfusion(emptyConfusion(3), sparseConfusion(emptyConfusion(4))));
});

test('IoU from the row-major pass equals the column walk', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const matrix = randomMatrix(seed);
    assert.deepEqual(iouSummary(matrix).perClassIoU, naiveIoU(matrix), `seed ${seed}`);
  }
});

/** A hard pair with a few of many classes present, blobs and errors. */
function hardPair(seed: number, numClasses: number): { label: ClassMap; prediction: ClassMap } {
  const random = seededRandom(seed);
  const width = 8 + Math.floor(random() * 60);
  const height = 8 + Math.floor(random() * 40);
  const used = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * numClasses));
  const label = new Uint16Array(width * height);
  const predicted = new Uint16Array(width * height);
  for (let p = 0; p < label.length; p++) {
    const blob = Math.floor((p % width) / 7) + 3 * Math.floor(p / width / 5);
    label[p] = random() < 0.05 ? 255 : used[blob % used.length]!;
    predicted[p] = random() < 0.2 ? used[Math.floor(random() * used.length)]! : random() < 0.02 ? 999 : label[p]!;
  }
  return { label: { width, height, ids: label }, prediction: { width, height, ids: predicted } };
}

const PAIR = { name: 'img', predictionFile: 'p.png', labelFile: 'l.png' };

test('a record from a worker reads, serialises and pools exactly as one with dense arrays', () => {
  for (const numClasses of [2, 21, 150]) {
    const options: MetricOptions = { numClasses, ignoreIndex: 255, scales: [2, 4, 8], hardEpsilon: 1e-3 };
    const fromWorkers = new DatasetAccumulator(numClasses);
    const fromFiles = new DatasetAccumulator(numClasses);
    for (let seed = 1; seed <= 20; seed++) {
      const { label, prediction } = hardPair(seed * 7 + numClasses, numClasses);
      const { metrics } = evaluatePair(label, { type: 'hard', map: prediction }, options);
      const record = fromWireRecord(toWireRecord(PAIR, metrics, []));
      assert.ok(sparseConfusionOf(record), 'a worker record keeps its sparse form');
      const dense = {
        counts: Array.from(metrics.confusion.counts),
        unknown: Array.from(metrics.confusion.unknown),
      };
      assert.deepEqual(record.confusion.counts, dense.counts);
      assert.deepEqual(record.confusion.unknown, dense.unknown);
      // JSON (part files, results files) and spreads see the same plain arrays as before.
      const json = JSON.parse(JSON.stringify(record)) as ImageRecord;
      assert.deepEqual(json.confusion, dense);
      assert.deepEqual({ ...record.confusion }, dense);
      assert.deepEqual(structuredClone(record).confusion, dense);
      assert.equal(sparseConfusionOf(json), undefined, 'a record read from a file has only its arrays');
      assert.deepEqual(
        record.classesPresent,
        Array.from({ length: numClasses }, (_, c) => c).filter(
          (c) =>
            dense.unknown[c]! > 0 ||
            dense.counts.some((n, i) => n > 0 && (Math.floor(i / numClasses) === c || i % numClasses === c)),
        ),
      );
      fromWorkers.add(record);
      fromFiles.add(json);
    }
    assert.deepEqual(fromWorkers.summary(), fromFiles.summary(), `${numClasses} classes`);
  }
});

test("a worker record's confusion shows only counts and unknown, builds its counts once, and its copies carry no sparse form", () => {
  const numClasses = 5;
  const options: MetricOptions = { numClasses, ignoreIndex: 255, scales: [2], hardEpsilon: 1e-3 };
  const { label, prediction } = hardPair(3, numClasses);
  const { metrics } = evaluatePair(label, { type: 'hard', map: prediction }, options);
  const record = fromWireRecord(toWireRecord(PAIR, metrics, []));
  assert.deepEqual(Object.keys(record.confusion), ['counts', 'unknown'], 'the order a plain record has');
  assert.deepEqual(Reflect.ownKeys({ ...record.confusion }), ['counts', 'unknown'], 'a spread copies no hidden field');
  const first = record.confusion.counts;
  assert.equal(record.confusion.counts, first, 'the dense counts are built once and kept');
  assert.deepEqual(Object.keys(record.confusion), ['counts', 'unknown'], 'reading them adds no visible field');
  assert.deepEqual(first, Array.from(metrics.confusion.counts));
  assert.ok(sparseConfusionOf(record));
  assert.ok(sparseConfusionOf({ ...record }), 'a spread record shares the confusion, sparse form and all');
  assert.equal(sparseConfusionOf(structuredClone(record)), undefined);
  assert.equal(sparseConfusionOf({ ...record, confusion: { ...record.confusion } }), undefined);
  // Two records never share counts.
  const other = fromWireRecord(
    toWireRecord(PAIR, evaluatePair(prediction, { type: 'hard', map: label }, options).metrics, []),
  );
  assert.notEqual(other.confusion.counts, first);
  assert.deepEqual(
    other.confusion.counts,
    Array.from(evaluatePair(prediction, { type: 'hard', map: label }, options).metrics.confusion.counts),
  );
});

test('hot spots are the same with band tables reused from images of other widths and class counts', () => {
  const options: MetricOptions = { numClasses: 40, ignoreIndex: 255, scales: [2, 4, 8], hardEpsilon: 1e-3 };
  const { label, prediction } = hardPair(5, 40);
  const spotsOf = (): readonly HotSpot[] =>
    evaluatePair(label, { type: 'hard', map: prediction }, options).maps.hotSpots;
  const general = (): readonly HotSpot[] => {
    const terms = hardPixelTerms(label, prediction, options);
    return hotSpots(terms, pixelCostMap(terms), options);
  };
  const first = spotsOf();
  assert.ok(first.length > 0, 'the image has hot spots');
  const firstGeneral = general();
  for (let seed = 1; seed <= 60; seed++) {
    const numClasses = 2 + (seed % 7) * 30;
    const other = hardPair(seed, numClasses);
    evaluatePair(other.label, { type: 'hard', map: other.prediction }, { ...options, numClasses });
  }
  assert.deepEqual(spotsOf(), first);
  assert.deepEqual(general(), firstGeneral);
});
