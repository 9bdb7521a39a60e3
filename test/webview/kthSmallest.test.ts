/** The selection behind the inspector's robust colour scale: the same value a full sort puts at k. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom as random } from '../../src/core/synthetic/scenes';
import { kthSmallest } from '../../webview/common/kthSmallest';

function bySort(values: Float32Array, k: number): number {
  return Float32Array.from(values).sort()[k]!;
}

describe('kthSmallest', () => {
  it('equals the sorted array at every k, on random, repeated, sorted, reversed and constant values', () => {
    const next = random(2026);
    const cases: Float32Array[] = [];
    for (const length of [1, 2, 3, 5, 17, 100, 1001]) {
      cases.push(Float32Array.from({ length }, () => next() * 10 - 5));
      cases.push(Float32Array.from({ length }, () => Math.floor(next() * 4)));
      cases.push(Float32Array.from({ length }, (_, i) => i));
      cases.push(Float32Array.from({ length }, (_, i) => length - i));
      cases.push(new Float32Array(length).fill(0.25));
    }
    for (const values of cases) {
      const ks = values.length <= 17 ? values.keys() : [0, 1, values.length >> 1, values.length - 2, values.length - 1];
      for (const k of ks) {
        const expected = bySort(values, k);
        assert.equal(kthSmallest(Float32Array.from(values), k), expected, `k=${k} of ${values.length}`);
      }
    }
  });

  it('takes the 99th percentile of a megapixel map of mostly zeros as a sort does', () => {
    const next = random(7);
    const values = Float32Array.from({ length: 2048 * 1024 }, () => (next() < 0.97 ? 0 : next() * 3));
    const k = Math.floor(0.99 * values.length);
    assert.equal(kthSmallest(Float32Array.from(values), k), bySort(values, k));
  });

  it('clamps k into the array and gives NaN for an empty one', () => {
    assert.equal(kthSmallest(Float32Array.from([3, 1, 2]), 10), 3);
    assert.equal(kthSmallest(Float32Array.from([3, 1, 2]), -1), 1);
    assert.ok(Number.isNaN(kthSmallest(new Float32Array(0), 0)));
  });
});
