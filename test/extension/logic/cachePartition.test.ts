import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FilePair } from '../../../src/core';
import { partitionByCache, stampPairs, StampTable, type PairStamps } from '../../../src/extension/logic/cachePartition';
import { fakeRecord } from './records';

const pair = (name: string): FilePair => ({
  name,
  predictionFile: `/data/predictions/${name}.png`,
  labelFile: `/data/labels/${name}.png`,
});
const stamps = (mtimeMs: number): PairStamps => ({ prediction: { size: 10, mtimeMs }, label: { size: 20, mtimeMs } });

function tableOf(list: readonly (PairStamps | undefined)[]): StampTable {
  const table = new StampTable(list.length);
  list.forEach((s, i) => table.set(i, s));
  return table;
}

test('pairs the cache answers are shown, the others computed, each in the pairs order', () => {
  const pairs = ['a', 'b', 'c', 'd'].map(pair);
  const valid = new Set(['b', 'd']);
  const asked: string[] = [];
  const result = partitionByCache(pairs, tableOf(pairs.map((_, i) => stamps(i))), (p, s) => {
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
  assert.deepEqual([...result.staleStamps.files()], [pair('a').predictionFile, pair('c').predictionFile]);
  assert.deepEqual(result.staleStamps.get(pair('c').predictionFile), stamps(2));
  assert.equal(result.staleStamps.get(pair('b').predictionFile), undefined, 'a cached pair is not re-cached');
});

test('a pair whose files cannot be stamped is computed without asking the cache, and not cached after', () => {
  let asked = 0;
  const result = partitionByCache([pair('gone')], tableOf([undefined]), () => {
    asked++;
    return fakeRecord('gone');
  });
  assert.equal(asked, 0);
  assert.deepEqual(
    result.stale.map((p) => p.name),
    ['gone'],
  );
  assert.equal(result.staleStamps.size, 0);
  assert.equal(result.staleStamps.get(pair('gone').predictionFile), undefined);
  assert.deepEqual(result.cached, []);
});

test('an empty folder partitions into nothing', () => {
  const result = partitionByCache([], new StampTable(0), () => undefined);
  assert.deepEqual([result.cached, result.stale, result.staleStamps.size], [[], [], 0]);
});

test('stamps for another number of pairs are refused rather than paired by position', () => {
  assert.throws(() => partitionByCache([pair('a'), pair('b')], new StampTable(1), () => undefined), /1 stamps for 2/);
});

test('the stamp table gives back each pair its own sizes and mtimes, fractions and all', () => {
  const given: (PairStamps | undefined)[] = [
    { prediction: { size: 0, mtimeMs: 1733550000123.25 }, label: { size: 2 ** 40, mtimeMs: 0 } },
    undefined,
    { prediction: { size: 7, mtimeMs: -1.5 }, label: { size: 9, mtimeMs: 1e15 + 0.25 } },
  ];
  const table = tableOf(given);
  assert.deepEqual(
    [0, 1, 2].map((i) => table.get(i)),
    given,
  );
  assert.equal(table.get(3), undefined, 'past the end');
  assert.equal(table.get(-1), undefined);
  assert.throws(() => table.set(3, given[0]), RangeError);
  table.set(0, undefined);
  assert.equal(table.get(0), undefined, 'a pair can be marked not stat-able');
});

test('stampPairs stats both files of every pair; a pair missing either file has no stamps', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seglens-stamps-'));
  try {
    const file = (name: string, bytes: number): string => {
      const at = path.join(dir, name);
      writeFileSync(at, Buffer.alloc(bytes));
      return at;
    };
    const pairs: FilePair[] = [
      { name: 'a', predictionFile: file('a_pred.png', 3), labelFile: file('a.png', 5) },
      { name: 'b', predictionFile: file('b_pred.png', 4), labelFile: path.join(dir, 'missing.png') },
      { name: 'c', predictionFile: path.join(dir, 'gone_pred.png'), labelFile: file('c.png', 6) },
      // Names with spaces, accents and CJK cross to the stat thread and back intact.
      { name: 'ü', predictionFile: file('ünïcode pred 画像.png', 7), labelFile: file('ünïcode 画像.png', 8) },
      // Many pairs, each still in its own place.
      ...Array.from({ length: 150 }, (_, i) => ({
        name: `n${i}`,
        predictionFile: file(`n${i}_pred.png`, i),
        labelFile: file(`n${i}.png`, 2 * i),
      })),
    ];
    const table = await stampPairs(pairs);
    const expected = (p: FilePair): PairStamps | undefined => {
      const prediction = statSync(p.predictionFile, { throwIfNoEntry: false });
      const label = statSync(p.labelFile, { throwIfNoEntry: false });
      return prediction && label
        ? {
            prediction: { size: prediction.size, mtimeMs: prediction.mtimeMs },
            label: { size: label.size, mtimeMs: label.mtimeMs },
          }
        : undefined;
    };
    assert.equal(table.length, pairs.length);
    pairs.forEach((p, i) => assert.deepEqual(table.get(i), expected(p), p.name));
    assert.equal(table.get(1), undefined);
    assert.equal(table.get(2), undefined);
    assert.equal(table.get(3)?.label.size, 8);
    assert.equal(table.get(41)?.label.size, 2 * 37);
    assert.equal((await stampPairs([])).length, 0, 'no pairs, no thread');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
