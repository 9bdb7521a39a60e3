import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeDelta,
  isCompareSortKey,
  perClassIoUDelta,
  rankByRegression,
  worstClassChange,
} from '../../../src/extension/logic/comparison';
import { fakeRecord } from './records';

const byName = (...records: ReturnType<typeof fakeRecord>[]) => new Map(records.map((r) => [r.name, r]));
const NAMES = ['road', 'sky', 'car'];

test('images are ranked by the largest mIoU regression of B, images B lacks last', () => {
  const a = [
    fakeRecord('x', { miou: 0.5 }),
    fakeRecord('y', { miou: 0.5 }),
    fakeRecord('z', { miou: 0.9 }),
    fakeRecord('only-a'),
  ];
  const b = byName(fakeRecord('x', { miou: 0.6 }), fakeRecord('y', { miou: 0.2 }), fakeRecord('z', { miou: 0.78 }));
  assert.deepEqual(
    rankByRegression(a, b).map((r) => r.name),
    ['y', 'z', 'x', 'only-a'],
  );
  // fakeRecord's per-class IoU is the same in A and B: no class fell.
  assert.equal(describeDelta(a[2]!, b.get('z')), '−0.12 mIoU · no class worse');
  assert.equal(describeDelta(a[0]!, b.get('x')), '+0.10 mIoU · no class worse');
  assert.equal(describeDelta(a[3]!, undefined), 'not in B');
});

test('per-class IoU deltas are B − A, null where either is undefined', () => {
  const deltas = perClassIoUDelta(
    fakeRecord('a', { perClassIoU: [0.8, null, 0.4] }),
    fakeRecord('a', { perClassIoU: [0.6, 0.5, 0.5] }),
  );
  assert.ok(Math.abs(deltas[0]! + 0.2) < 1e-12 && deltas[1] === null && Math.abs(deltas[2]! - 0.1) < 1e-12);
});

test('the worst class change is the most negative B − A among classes defined in both', () => {
  // Deltas by hand: road −0.05, sky undefined in B, car −0.36.
  const worst = worstClassChange(
    fakeRecord('i', { perClassIoU: [0.9, 0.7, 0.8] }),
    fakeRecord('i', { perClassIoU: [0.85, null, 0.44] }),
  );
  assert.equal(worst?.classId, 2);
  assert.ok(Math.abs(worst.delta + 0.36) < 1e-12);
  // Every class improved: the smallest gain, positive.
  const better = worstClassChange(
    fakeRecord('i', { perClassIoU: [0.5, 0.5, null] }),
    fakeRecord('i', { perClassIoU: [0.6, 0.9, 0.3] }),
  );
  assert.equal(better?.classId, 0);
  assert.equal(
    worstClassChange(fakeRecord('i', { perClassIoU: [null, 0.3] }), fakeRecord('i', { perClassIoU: [0.2, null] })),
    null,
  );
});

test('a class collapse behind an mIoU gain comes first by worst class drop, and the view says which class', () => {
  // "gain": mIoU +0.06 but car −0.36 (the case the issue reports); "loss": mIoU −0.10, every class −0.10;
  // "same": nothing changed.
  const a = [
    fakeRecord('gain', { miou: 0.5, perClassIoU: [0.5, 0.3, 0.8] }),
    fakeRecord('loss', { miou: 0.6, perClassIoU: [0.6, 0.6, 0.6] }),
    fakeRecord('same', { miou: 0.7, perClassIoU: [0.7, 0.7, 0.7] }),
  ];
  const b = byName(
    fakeRecord('gain', { miou: 0.56, perClassIoU: [0.9, 0.82, 0.44] }),
    fakeRecord('loss', { miou: 0.5, perClassIoU: [0.5, 0.5, 0.5] }),
    fakeRecord('same', { miou: 0.7, perClassIoU: [0.7, 0.7, 0.7] }),
  );
  assert.deepEqual(
    rankByRegression(a, b, 'miou').map((r) => r.name),
    ['loss', 'same', 'gain'],
    'by mIoU the collapse is last',
  );
  assert.deepEqual(
    rankByRegression(a, b, 'worstClassDrop').map((r) => r.name),
    ['gain', 'loss', 'same'],
  );
  assert.equal(describeDelta(a[0]!, b.get('gain'), 'miou', NAMES), '+0.06 mIoU · car −0.36');
  assert.equal(describeDelta(a[0]!, b.get('gain'), 'worstClassDrop', NAMES), 'car −0.36 · +0.06 mIoU');
  assert.equal(describeDelta(a[2]!, b.get('same'), 'miou', NAMES), '0.00 mIoU · no class worse');
});

test('any per-image metric orders the comparison: losses regress when they grow, scores when they shrink', () => {
  const a = [
    fakeRecord('p', { ce: 0.5, pixelAccuracy: 0.9 }),
    fakeRecord('q', { ce: 0.5, pixelAccuracy: 0.9 }),
    fakeRecord('r', { ce: null, pixelAccuracy: 0.9 }),
  ];
  const b = byName(
    fakeRecord('p', { ce: 0.9, pixelAccuracy: 0.95 }),
    fakeRecord('q', { ce: 0.4, pixelAccuracy: 0.7 }),
    fakeRecord('r', { ce: 0.7, pixelAccuracy: 0.8 }),
  );
  assert.deepEqual(
    rankByRegression(a, b, 'ce').map((r) => r.name),
    ['p', 'q', 'r'],
    'CE up 0.4 first, down 0.1 next, undefined last',
  );
  assert.deepEqual(
    rankByRegression(a, b, 'pixelAccuracy').map((r) => r.name),
    ['q', 'r', 'p'],
  );
  assert.equal(describeDelta(a[0]!, b.get('p'), 'ce', NAMES), '+0.400 CE · no class worse');
});

test('compare sort keys are the sort keys and the worst class drop', () => {
  assert.ok(isCompareSortKey('worstClassDrop') && isCompareSortKey('miou') && isCompareSortKey('ce'));
  assert.ok(!isCompareSortKey('toString') && !isCompareSortKey('perClassIoU') && !isCompareSortKey(3));
});
