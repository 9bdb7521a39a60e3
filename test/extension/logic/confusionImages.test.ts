import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetAccumulator } from '../../../src/core/evaluate/datasetSummary';
import { datasetMessage, imagesForCell } from '../../../src/extension/logic/confusionImages';
import { parseHostToDatasetMessage } from '../../../src/shared/protocol';
import { fakeRecord } from './records';

// fakeRecord's 3-class matrix: counts[1*3+2] = 0, counts[2*3+0] = 1, counts[0*3+2] = 1.
const withCell = (name: string, dogAsBackground: number) =>
  fakeRecord(name, { confusion: { counts: [5, 0, 1, 0, 0, 0, dogAsBackground, 0, 1], unknown: [0, 0, 0] } });

test('images of a confusion cell are ranked by their a→b pixels, empty ones left out, cut at the limit', () => {
  const records = [withCell('b', 4), withCell('a', 4), withCell('c', 9), withCell('none', 0)];
  assert.deepEqual(imagesForCell(records, 3, { label: 2, predicted: 0 }), {
    images: [
      { name: 'c', count: 9 },
      { name: 'a', count: 4 },
      { name: 'b', count: 4 },
    ],
    total: 3,
  });
  assert.deepEqual(imagesForCell(records, 3, { label: 2, predicted: 0 }, 1), {
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
