import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactSum } from '../../../src/core/evaluate/exactSum';
import { exactSumOracle } from '../../helpers/exactSumOracle';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('the sum is the exact sum rounded once, where a naive sum loses it', () => {
  const sum = new ExactSum();
  for (const value of [1e16, 1, -1e16]) sum.add(value);
  assert.equal(sum.value(), 1);
  assert.equal(1e16 + 1 - 1e16, 0, 'the naive sum loses the 1');
  const tenths = new ExactSum();
  for (let i = 0; i < 10; i++) tenths.add(0.1);
  assert.equal(tenths.value(), 1, '0.1 ten times is 1 when rounded once (the naive sum is 0.9999999999999999)');
  assert.equal(new ExactSum().value(), 0);
  assert.equal(new ExactSum().mean(), null);
});

test('any order gives the same bits, equal to a BigInt oracle', () => {
  const next = random(7);
  for (let trial = 0; trial < 40; trial++) {
    const values = Array.from({ length: 200 }, () => (next() - 0.3) * 10 ** Math.floor(next() * 12 - 6));
    const forward = new ExactSum();
    values.forEach((v) => forward.add(v));
    const backward = new ExactSum();
    [...values].reverse().forEach((v) => backward.add(v));
    const shuffled = new ExactSum();
    [...values].sort(() => next() - 0.5).forEach((v) => shuffled.add(v));
    const expected = exactSumOracle(values);
    assert.equal(forward.value(), expected, `trial ${trial}`);
    assert.equal(backward.value(), expected);
    assert.equal(shuffled.value(), expected);
    assert.equal(forward.mean(), expected / values.length);
  }
});
