import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { folderCensus, idCensus, outOfRangeWarning, sampleIdCensus } from '../../../src/extension/logic/idRange';

/** The naive count the census must agree with: one pass per question, no shared state. */
function naive(label: number[], prediction: number[], numClasses: number, ignore: number) {
  const labelOutside = label.filter((y) => (y < 0 || y >= numClasses) && y !== ignore);
  const scored = label.map((y, p) => ({ y, k: prediction[p]! })).filter(({ y }) => y >= 0 && y < numClasses);
  const predictionOutside = scored.filter(({ k }) => k < 0 || k >= numClasses);
  return {
    label: { total: label.length, outside: labelOutside.length, ids: new Set(labelOutside) },
    prediction: {
      total: scored.length,
      outside: predictionOutside.length,
      ids: new Set(predictionOutside.map((s) => s.k)),
    },
  };
}

test('the census counts ids outside the classes and void as a naive count does; predictions on void are not scored', () => {
  const label = [0, 1, 2, 255, 11, 11, 40, 3, 255, 0];
  const prediction = [0, 12, 2, 99, 5, 1, 0, 150, 150, 10];
  const census = idCensus(Uint8Array.from(label), Uint8Array.from(prediction), 11, 255);
  const want = naive(label, prediction, 11, 255);
  assert.equal(census.label.total, want.label.total);
  assert.equal(census.label.outside, want.label.outside);
  assert.deepEqual(new Set(census.label.ids.keys()), want.label.ids);
  assert.equal(census.label.ids.get(11), 2);
  assert.equal(census.prediction.total, want.prediction.total);
  assert.equal(census.prediction.outside, want.prediction.outside);
  assert.deepEqual(new Set(census.prediction.ids.keys()), want.prediction.ids);
  assert.equal(census.prediction.ids.has(99), false, 'the prediction on a void label is not counted');
});

test('the warning names the dataset, the shares and the ids; at most 1% outside says nothing', () => {
  const where = { datasetName: 'camvid', predictionsDir: '/data/ADE/predictions', numClasses: 11, ignoreIndex: 255 };
  const census = (outside: number, total: number, ids: [number, number][]) => ({ outside, total, ids: new Map(ids) });
  const ok = { label: census(1, 100, [[12, 1]]), prediction: census(0, 100, []), images: 3 };
  assert.equal(outOfRangeWarning(where, ok), undefined, 'exactly 1% is not more than 1%');
  const wrong = {
    label: census(40, 100, [
      [150, 10],
      [11, 30],
    ]),
    prediction: census(2, 50, [[20, 2]]),
    images: 3,
  };
  assert.equal(
    outOfRangeWarning(where, wrong),
    '40.0% of label pixels (ids 11, 150) and 4.0% of prediction pixels (ids 20) in 3 images of …/ADE/predictions fall outside dataset camvid’s 11 classes and void 255: is it the right dataset?',
  );
  const many = {
    ...wrong,
    label: census(
      20,
      100,
      Array.from({ length: 20 }, (_, i): [number, number] => [20 + i, 1]),
    ),
  };
  assert.match(outOfRangeWarning(where, many) ?? '', /ids 20, 21, 22, 23, 24, 25, 26, 27 … \(20 ids\)/);
});

test('a sample of the folder is read as a run reads it: gray labels with ADE-like ids under an 11-class dataset', async () => {
  const root = mkdtempSync(join(tmpdir(), 'seglens-idrange-'));
  mkdirSync(join(root, 'p'));
  mkdirSync(join(root, 'l'));
  const width = 10;
  const height = 10;
  const label = new Uint16Array(width * height).map((_, p) => (p < 30 ? 40 : p % 11)); // 30% id 40
  const prediction = new Uint16Array(width * height).map((_, p) => p % 11);
  const gray = { kind: 'gray' as const, bitDepth: 8 as const };
  const pairs = [0, 1].map((i) => {
    writeFileSync(join(root, 'l', `${i}.png`), encodeIndexPng(width, height, label, gray));
    writeFileSync(join(root, 'p', `${i}.png`), encodeIndexPng(width, height, prediction, gray));
    return { name: String(i), labelFile: join(root, 'l', `${i}.png`), predictionFile: join(root, 'p', `${i}.png`) };
  });
  const engine = {
    metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 11, ignoreIndex: 255 },
    read: DEFAULT_READ_OPTIONS,
  };
  const sample = await sampleIdCensus([...pairs, { ...pairs[0]!, labelFile: join(root, 'missing.png') }], engine);
  assert.equal(sample.images, 2, 'the unreadable pair is left out');
  assert.equal(sample.label.outside, 60);
  assert.equal(sample.label.total, 200);
  assert.deepEqual([...sample.label.ids.keys()], [40]);
  assert.equal(sample.prediction.outside, 0);
  const warning = outOfRangeWarning(
    { datasetName: 'none', predictionsDir: join(root, 'p'), numClasses: 11, ignoreIndex: 255 },
    sample,
  );
  assert.match(
    warning ?? '',
    /^30\.0% of label pixels \(ids 40\) in 2 images of .* fall outside the settings’ 11 classes and void 255/,
  );
});

test('a sample of the flagged images stands for all of them, over all the folder’s pixels', () => {
  const sample = {
    label: { total: 200, outside: 60, ids: new Map([[40, 60]]) },
    prediction: { total: 150, outside: 10, ids: new Map([[99, 10]]) },
    images: 2,
  };
  const folder = folderCensus(sample, { flaggedImages: 6, images: 100, labelPixels: 10_000, scoredPixels: 8_000 });
  // 6 flagged images like the 2 read: 3 × the counts; the shares are over the whole folder.
  assert.deepEqual(folder.label, { total: 10_000, outside: 180, ids: new Map([[40, 60]]) });
  assert.deepEqual(folder.prediction, { total: 8_000, outside: 30, ids: new Map([[99, 10]]) });
  assert.equal(folder.images, 100);
  const where = { datasetName: 'voc', predictionsDir: '/d/p', numClasses: 21, ignoreIndex: 255 };
  assert.match(outOfRangeWarning(where, folder) ?? '', /^1\.8% of label pixels \(ids 40\) in 100 images/);
  const none = folderCensus(
    { ...sample, images: 0 },
    { flaggedImages: 6, images: 100, labelPixels: 1, scoredPixels: 1 },
  );
  assert.equal(none.label.outside, 0, 'nothing read, nothing claimed');
});
