import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetAccumulator, type DatasetSummary } from '../../../src/core/evaluate/datasetSummary';
import { datasetMessage, imagesForCell } from '../../../src/extension/logic/confusionImages';
import { RecordColumns } from '../../../src/extension/logic/recordColumns';
import { parseHostToDatasetMessage } from '../../../src/shared/protocol';
import { fakeRecord } from './records';

// fakeRecord's 3-class matrix: counts[1*3+2] = 0, counts[2*3+0] = 1, counts[0*3+2] = 1.
const withCell = (name: string, dogAsBackground: number) =>
  fakeRecord(name, { confusion: { counts: [5, 0, 1, 0, 0, 0, dogAsBackground, 0, 1], unknown: [0, 0, 0] } });

test('images of a confusion cell are ranked by their a→b pixels, empty ones left out, cut at the limit', () => {
  const columns = new RecordColumns();
  for (const record of [withCell('b', 4), withCell('a', 4), withCell('c', 9), withCell('none', 0)]) columns.set(record);
  const ranked = columns.cellImages({ label: 2, predicted: 0 });
  assert.deepEqual(imagesForCell(ranked), {
    images: [
      { name: 'c', count: 9 },
      { name: 'a', count: 4 },
      { name: 'b', count: 4 },
    ],
    total: 3,
  });
  assert.deepEqual(imagesForCell(ranked, 1), {
    images: [{ name: 'c', count: 9 }],
    total: 3,
  });
});

test('the dataset message carries the summed matrix and passes the protocol check', () => {
  const accumulator = new DatasetAccumulator(3);
  accumulator.add(withCell('a', 2));
  accumulator.add(withCell('b', 3));
  const message = datasetMessage('predictions', accumulator.summary(), ['background', 'cat'], []);
  assert.deepEqual(Array.from(message.confusion), [10, 0, 2, 0, 0, 0, 5, 0, 2]);
  assert.deepEqual(message.classNames, ['background', 'cat', 'class 2']);
  assert.equal(message.images, 2);
  assert.ok(parseHostToDatasetMessage(message).ok);
});

test('the dataset message takes every figure of the protocol tables the summary has, nested ones lifted out', () => {
  const accumulator = new DatasetAccumulator(3);
  accumulator.add(withCell('a', 2));
  const summary = accumulator.summary();
  const plain = datasetMessage('predictions', summary, [], []);
  assert.deepEqual(Object.keys(plain.classFigures).sort(), [
    'perClassAccuracy',
    'perClassBoundaryIoU',
    'perClassDice',
    'perClassFscore',
    'perClassIoU',
    'perClassPrecision',
  ]);
  assert.deepEqual(plain.classFigures.perClassIoU, summary.perClassIoU);
  for (const key of ['miou', 'meanImageMiou', 'pixelAccuracy', 'boundaryMiou', 'meanAccuracy', 'meanDice'] as const)
    assert.equal(plain.figures[key], summary[key], key);
  assert.equal(plain.reliability, null, 'hard predictions: no reliability diagram');
  assert.deepEqual(Array.from(plain.unknownPredictions), summary.unknownPredictions);
  // What the metrics and calibration work add to the summary (the shapes of the JSON report).
  const bins = [{ lo: 0.9, hi: 1, count: 4, confidence: 0.95, accuracy: 0.75 }];
  const richer = {
    ...summary,
    perClassDice: [0.5, null, 0],
    fwIoU: 0.4,
    // Only the figures the panel reads; the rest of dataset.cityscapes does not matter here.
    cityscapes: {
      perClassIIoU: [null, 0.3, 0.2],
      meanIIoU: 0.25,
      categoryIoU: 0.6,
    } as unknown as DatasetSummary['cityscapes'],
    calibration: { ece: 0.2, perClassEce: [0.1, null, 0.3], bins },
  };
  const message = datasetMessage('predictions', richer, [], []);
  assert.deepEqual(message.classFigures.perClassDice, [0.5, null, 0]);
  assert.deepEqual(message.classFigures.perClassIIoU, [null, 0.3, 0.2]);
  assert.deepEqual(message.classFigures.perClassEce, [0.1, null, 0.3]);
  assert.equal(message.figures.fwIoU, 0.4);
  assert.equal(message.figures.meanIIoU, 0.25);
  assert.equal(message.figures.categoryIoU, 0.6);
  assert.equal(message.figures.ece, 0.2);
  assert.deepEqual(message.reliability, bins);
  assert.ok(parseHostToDatasetMessage(message).ok);
});
