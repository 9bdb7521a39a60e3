import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FilePair } from '../../../src/core';
import { partitionByCache, type PairStamps, type StampedPair } from '../../../src/extension/logic/cachePartition';
import { fakeRecord } from './records';

const pair = (name: string): FilePair => ({
  name,
  predictionFile: `/data/predictions/${name}.png`,
  labelFile: `/data/labels/${name}.png`,
});
const stamps = (mtimeMs: number): PairStamps => ({ prediction: { size: 10, mtimeMs }, label: { size: 20, mtimeMs } });

test('pairs the cache answers are shown, the others computed, each in the pairs order', () => {
  const pairs: StampedPair[] = ['a', 'b', 'c', 'd'].map((name, i) => ({ pair: pair(name), stamps: stamps(i) }));
  const valid = new Set(['b', 'd']);
  const asked: string[] = [];
  const result = partitionByCache(pairs, (p, s) => {
    asked.push(`${p.name}@${s.prediction.mtimeMs}`);
    return valid.has(p.name) ? fakeRecord(p.name) : undefined;
  });
  assert.deepEqual(asked, ['a@0', 'b@1', 'c@2', 'd@3']);
  assert.deepEqual(
    result.cached.map((r) => r.name),
    ['b', 'd'],
  );
  assert.deepEqual(
    result.stale.map((p) => p.name),
    ['a', 'c'],
  );
  assert.deepEqual([...result.staleStamps.keys()], [pair('a').predictionFile, pair('c').predictionFile]);
  assert.deepEqual(result.staleStamps.get(pair('c').predictionFile), stamps(2));
});

test('a pair whose files cannot be stamped is computed without asking the cache, and not cached after', () => {
  let asked = 0;
  const result = partitionByCache([{ pair: pair('gone'), stamps: undefined }], () => {
    asked++;
    return fakeRecord('gone');
  });
  assert.equal(asked, 0);
  assert.deepEqual(
    result.stale.map((p) => p.name),
    ['gone'],
  );
  assert.equal(result.staleStamps.size, 0);
  assert.deepEqual(result.cached, []);
});

test('an empty folder partitions into nothing', () => {
  const result = partitionByCache([], () => undefined);
  assert.deepEqual([result.cached, result.stale, result.staleStamps.size], [[], [], 0]);
});
