import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDelta, perClassIoUDelta, rankByRegression } from '../../../src/extension/logic/comparison';
import { fakeRecord } from './records';

test('images are ranked by the largest mIoU regression of B, images B lacks last', () => {
  const a = [
    fakeRecord('x', { miou: 0.5 }),
    fakeRecord('y', { miou: 0.5 }),
    fakeRecord('z', { miou: 0.9 }),
    fakeRecord('only-a'),
  ];
  const b = new Map(
    [fakeRecord('x', { miou: 0.6 }), fakeRecord('y', { miou: 0.2 }), fakeRecord('z', { miou: 0.78 })].map((r) => [
      r.name,
      r,
    ]),
  );
  assert.deepEqual(
    rankByRegression(a, b).map((r) => r.name),
    ['y', 'z', 'x', 'only-a'],
  );
  assert.equal(describeDelta(a[2]!, b.get('z')), '−0.12 mIoU');
  assert.equal(describeDelta(a[0]!, b.get('x')), '+0.10 mIoU');
  assert.equal(describeDelta(a[3]!, undefined), 'not in B');
});

test('per-class IoU deltas are B − A, null where either is undefined', () => {
  const deltas = perClassIoUDelta(
    fakeRecord('a', { perClassIoU: [0.8, null, 0.4] }),
    fakeRecord('a', { perClassIoU: [0.6, 0.5, 0.5] }),
  );
  assert.ok(Math.abs(deltas[0]! + 0.2) < 1e-12 && deltas[1] === null && Math.abs(deltas[2]! - 0.1) < 1e-12);
});
