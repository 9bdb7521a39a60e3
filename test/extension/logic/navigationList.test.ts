import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeOpenedFrom,
  navigationNames,
  positionIn,
  stepIn,
  type NavigationSources,
} from '../../../src/extension/logic/navigationList';
import { RecordColumns } from '../../../src/extension/logic/recordColumns';
import type { ImageRecord } from '../../../src/core';
import { fakeRecord } from './records';

function columnsOf(records: readonly ImageRecord[]): RecordColumns {
  const columns = new RecordColumns();
  for (const record of records) columns.set(record);
  return columns;
}

/** 3 classes; `cell` pixels labelled 2 and predicted 0 (counts[2·3 + 0]). */
const withCell = (name: string, cell: number) =>
  fakeRecord(name, { confusion: { counts: [5, 0, 1, 0, 0, 0, cell, 0, 1], unknown: [0, 0, 0] } });

const records = [withCell('a', 4), withCell('b', 0), withCell('c', 9), withCell('d', 4)];
/** The hard-example order the view shows (a sort the store made): deliberately not the cell order. */
const sources: NavigationSources = {
  orderedNames: () => ['b', 'd', 'a', 'c'],
  columns: columnsOf(records),
};

test('the hard-example list is the view order', () => {
  assert.deepEqual(navigationNames({ kind: 'hardExamples' }, sources), ['b', 'd', 'a', 'c']);
});

test("a confusion cell's list holds only images with its pixels, most first, ties by name, without the panel's cut", () => {
  // Counted by hand from the records above: c 9, a 4, d 4, b none.
  assert.deepEqual(navigationNames({ kind: 'confusionCell', pair: { label: 2, predicted: 0 } }, sources), [
    'c',
    'a',
    'd',
  ]);
  const many = Array.from({ length: 250 }, (_, i) => withCell(`img${String(i).padStart(3, '0')}`, 1 + (i % 7)));
  const names = navigationNames(
    { kind: 'confusionCell', pair: { label: 2, predicted: 0 } },
    { orderedNames: () => [], columns: columnsOf(many) },
  );
  assert.equal(names.length, 250, 'every image of the cell can be reached, not only the 200 the panel lists');
  assert.equal(names[0], 'img006', 'the first image with 7 such pixels');
});

test('a handed-over list (the gallery) is stepped through as given', () => {
  const from = { kind: 'list', title: 'gallery', names: ['d', 'a'] } as const;
  assert.deepEqual(navigationNames(from, sources), ['d', 'a']);
  assert.equal(describeOpenedFrom(from, []), 'gallery');
});

test('stepping wraps at both ends and says where it landed', () => {
  const names = ['c', 'a', 'd'];
  assert.deepEqual(stepIn(names, 'a', 1), { name: 'd', position: { index: 2, total: 3 } });
  assert.deepEqual(stepIn(names, 'd', 1), { name: 'c', position: { index: 0, total: 3 } });
  assert.deepEqual(stepIn(names, 'c', -1), { name: 'd', position: { index: 2, total: 3 } });
  assert.deepEqual(stepIn(['only'], 'only', 1), { name: 'only', position: { index: 0, total: 1 } });
});

test('an image that left its list (re-filtered) steps to the first, or back to the last; an empty list goes nowhere', () => {
  assert.equal(stepIn(['c', 'a', 'd'], 'gone', 1)?.name, 'c');
  assert.equal(stepIn(['c', 'a', 'd'], 'gone', -1)?.name, 'd');
  assert.equal(stepIn([], 'a', 1), undefined);
});

test('positions are 0-based; an image outside the list has none', () => {
  assert.deepEqual(positionIn(['c', 'a', 'd'], 'd'), { index: 2, total: 3 });
  assert.equal(positionIn(['c', 'a', 'd'], 'b'), undefined);
});

test('the list is named for the header', () => {
  assert.equal(describeOpenedFrom({ kind: 'hardExamples' }, []), 'hard examples');
  assert.equal(
    describeOpenedFrom({ kind: 'confusionCell', pair: { label: 2, predicted: 0 } }, ['road', 'sky', 'car']),
    'cell car → road',
  );
  assert.equal(
    describeOpenedFrom({ kind: 'confusionCell', pair: { label: 1, predicted: 0 } }, []),
    'cell class 1 → class 0',
  );
});
