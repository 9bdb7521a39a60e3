import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageRecord } from '../../../src/core';
import {
  cellOptions,
  classOptions,
  DELTA_SORT_KEY,
  galleryItemsMessage,
  galleryOrder,
  gallerySortKeys,
  normalizeQuery,
} from '../../../src/extension/logic/galleryOrder';
import { parseHostToGalleryMessage, type GalleryQuery } from '../../../src/shared/protocol/gallery';
import { RecordColumns } from '../../../src/extension/logic/recordColumns';
import { fakeRecord } from './records';

// 3 classes; confusion counts are row-major label × prediction.
const a = fakeRecord('a', {
  adaptive: 0.2,
  miou: 0.9,
  classesPresent: [0, 1],
  confusion: { counts: [5, 2, 0, 0, 3, 0, 0, 0, 0], unknown: [0, 0, 0] },
});
const b = fakeRecord('b', {
  adaptive: 0.9,
  miou: 0.4,
  classesPresent: [0, 2],
  confusion: { counts: [5, 0, 0, 0, 0, 0, 0, 0, 4], unknown: [0, 0, 0] },
});
const c = fakeRecord('c', {
  adaptive: null,
  miou: null,
  classesPresent: [1],
  confusion: { counts: [0, 7, 0, 0, 1, 0, 0, 0, 0], unknown: [0, 0, 0] },
});
const d = fakeRecord('d', {
  adaptive: 0.5,
  miou: 0.6,
  classesPresent: [0, 1, 2],
  confusion: { counts: [1, 0, 0, 0, 1, 0, 0, 0, 1], unknown: [0, 0, 0] },
});
const records = new RecordColumns();
for (const record of [a, b, c, d]) records.set(record);
const context = { numClasses: 3 };
const query = (change: Partial<GalleryQuery> = {}): GalleryQuery => ({
  sortKey: 'adaptive',
  classId: null,
  cell: null,
  delta: 'any',
  ...change,
});
const names = (entries: readonly { name: string }[]): string[] => entries.map((entry) => entry.name);

test('sorted by any metric, hardest first, undefined last, each with its value', () => {
  const byLoss = galleryOrder(records, query(), context);
  assert.deepEqual(names(byLoss), ['b', 'd', 'a', 'c']);
  assert.deepEqual(
    byLoss.map((entry) => entry.value),
    [0.9, 0.5, 0.2, null],
  );
  assert.deepEqual(names(galleryOrder(records, query({ sortKey: 'miou' }), context)), ['b', 'd', 'a', 'c']);
  assert.deepEqual(names(galleryOrder(records, query({ sortKey: 'nonsense' }), context)), ['b', 'd', 'a', 'c']);
});

test('filters by class and by confusion cell (label 0 predicted 1: only a)', () => {
  assert.deepEqual(names(galleryOrder(records, query({ classId: 2 }), context)), ['b', 'd']);
  assert.deepEqual(names(galleryOrder(records, query({ cell: { label: 0, predicted: 1 } }), context)), ['a', 'c']);
  assert.deepEqual(names(galleryOrder(records, query({ classId: 0, cell: { label: 0, predicted: 1 } }), context)), [
    'a',
  ]);
});

test('while comparing: sort by the mIoU change (largest drop first) and filter by its sign', () => {
  const other = new Map<string, ImageRecord>([
    ['a', fakeRecord('a', { miou: 0.5 })], // −0.4
    ['b', fakeRecord('b', { miou: 0.5 })], // +0.1
    ['d', fakeRecord('d', { miou: 0.55 })], // −0.05
  ]);
  const comparing = { numClasses: 3, comparison: other };
  const byDelta = galleryOrder(records, query({ sortKey: DELTA_SORT_KEY }), comparing);
  assert.deepEqual(names(byDelta), ['a', 'd', 'b', 'c']);
  assert.ok(Math.abs(byDelta[0]!.value! - -0.4) < 1e-12);
  assert.deepEqual(names(galleryOrder(records, query({ delta: 'worse' }), comparing)), ['d', 'a']);
  assert.deepEqual(names(galleryOrder(records, query({ delta: 'better' }), comparing)), ['b']);
  // Without B there is neither the delta key nor a delta filter.
  assert.deepEqual(normalizeQuery(query({ sortKey: DELTA_SORT_KEY, delta: 'worse' }), context), query());
  assert.equal(gallerySortKeys(true)[0]!.key, DELTA_SORT_KEY);
  assert.ok(!gallerySortKeys(false).some((key) => key.key === DELTA_SORT_KEY));
});

test('menus: classes with their image counts, the largest off-diagonal cells first', () => {
  assert.deepEqual(classOptions(records, ['bg', 'cat', 'dog'], 3), [
    { id: 0, name: 'bg', images: 3 },
    { id: 1, name: 'cat', images: 3 },
    { id: 2, name: 'dog', images: 2 },
  ]);
  const summary = {
    confusion: [
      [11, 9, 0],
      [0, 5, 0],
      [3, 0, 5],
    ],
  } as unknown as Parameters<typeof cellOptions>[0];
  assert.deepEqual(cellOptions(summary), [
    { label: 0, predicted: 1, pixels: 9 },
    { label: 2, predicted: 0, pixels: 3 },
  ]);
});

test('the message passes the webview-side parser and carries NaN for undefined values', () => {
  const entries = galleryOrder(records, query(), context);
  const message = galleryItemsMessage({
    title: 'predictions',
    columns: records,
    entries,
    query: query(),
    context,
    classNames: ['bg', 'cat', 'dog'],
    summary: undefined,
  });
  const parsed = parseHostToGalleryMessage(message);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.deepEqual(message.names, ['b', 'd', 'a', 'c']);
  assert.ok(Number.isNaN(message.values[3]));
  assert.equal(message.total, 4);
});
