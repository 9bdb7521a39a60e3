import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRecord, filterByClass, isSortKey, rankRecords } from '../../../src/extension/logic/sortKeys';
import { fakeRecord } from './records';

const records = [
  fakeRecord('b', { adaptive: 0.9, miou: 0.7, classesPresent: [0, 1] }),
  fakeRecord('a', { adaptive: 0.2, miou: 0.1, classesPresent: [0] }),
  fakeRecord('c', { adaptive: null, miou: null, classesPresent: [] }),
  fakeRecord('d', { adaptive: 0.9, miou: 0.5, classesPresent: [2] }),
];

test('losses rank highest first, ties by name, images without a value last', () => {
  assert.deepEqual(
    rankRecords(records, 'adaptive').map((r) => r.name),
    ['b', 'd', 'a', 'c'],
  );
});

test('scores rank lowest first', () => {
  assert.deepEqual(
    rankRecords(records, 'miou').map((r) => r.name),
    ['a', 'd', 'b', 'c'],
  );
});

test('class filter keeps images whose label or prediction holds the class', () => {
  assert.deepEqual(
    filterByClass(records, 0).map((r) => r.name),
    ['b', 'a'],
  );
  assert.equal(filterByClass(records, undefined).length, 4);
  assert.equal(filterByClass(records, 7).length, 0);
});

test('sort keys and descriptions', () => {
  assert.ok(isSortKey('mergeEffect'));
  assert.ok(!isSortKey('toString'));
  assert.equal(describeRecord(records[0]!, 'adaptive'), 'Adaptive loss 0.9000');
  assert.equal(describeRecord(records[0]!, 'pixelAccuracy'), 'Pixel accuracy 90.0%');
  assert.equal(describeRecord(records[2]!, 'adaptive'), 'no valid pixel');
});
