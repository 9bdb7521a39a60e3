import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRecord, isSortKey } from '../../../src/extension/logic/sortKeys';
import { columnsOf, fakeRecord } from './records';

const records = [
  fakeRecord('b', { adaptive: 0.9, miou: 0.7, classesPresent: [0, 1] }),
  fakeRecord('a', { adaptive: 0.2, miou: 0.1, classesPresent: [0] }),
  fakeRecord('c', { adaptive: null, miou: null, classesPresent: [] }),
  fakeRecord('d', { adaptive: 0.9, miou: 0.5, classesPresent: [2] }),
];
const columns = columnsOf(records);
const ranked = (key: 'adaptive' | 'miou'): string[] => columns.namesOf(columns.rank(columns.slots(), key));
const withClass = (classId: number | undefined): string[] =>
  columns.namesOf(columns.withClass(columns.slots(), classId));

test('losses rank highest first, ties by name, images without a value last', () => {
  assert.deepEqual(ranked('adaptive'), ['b', 'd', 'a', 'c']);
});

test('scores rank lowest first', () => {
  assert.deepEqual(ranked('miou'), ['a', 'd', 'b', 'c']);
});

test('class filter keeps images whose label or prediction holds the class', () => {
  assert.deepEqual(withClass(0), ['b', 'a']);
  assert.equal(withClass(undefined).length, 4);
  assert.equal(withClass(7).length, 0);
});

test('sort keys and descriptions', () => {
  assert.ok(isSortKey('mergeEffect'));
  assert.ok(!isSortKey('toString'));
  assert.equal(describeRecord(records[0]!, 'adaptive'), 'Adaptive loss 0.9000');
  assert.equal(describeRecord(records[0]!, 'pixelAccuracy'), 'Pixel accuracy 90.0%');
  assert.equal(describeRecord(records[2]!, 'adaptive'), 'no valid pixel');
});
