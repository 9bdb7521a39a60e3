import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ResultCache } from '../../../src/extension/logic/resultCache';
import { isImageRecord } from '../../../src/core/report/resultsFile';
import {
  DEFAULT_METRIC_OPTIONS,
  DEFAULT_READ_OPTIONS,
  LOSS_PRESETS,
  lossVariantName,
  type MetricOptions,
} from '../../../src/core/options';
import { optionsIdentity } from '../../../src/core/optionsIdentity';
import type { ImageRecord } from '../../../src/core';
import { fakeRecord } from './records';

const storage = mkdtempSync(path.join(tmpdir(), 'seglens-cache-'));
after(() => rmSync(storage, { recursive: true, force: true }));

/** The key the extension's cache stores a record under (optionsIdentity with the engine version). */
const key = (metric: MetricOptions, engineVersion = '1.0.0'): string =>
  optionsIdentity({ metric, read: DEFAULT_READ_OPTIONS }, { engineVersion });

const stamps = { prediction: { size: 10, mtimeMs: 1000 }, label: { size: 20, mtimeMs: 2000 } };
const record = fakeRecord('x');

test('a stored result is reused only while files and options are unchanged', async () => {
  const hash = key({ ...DEFAULT_METRIC_OPTIONS, numClasses: 3 });
  const cache = await ResultCache.open(storage, '/p', '/l');
  cache.store(record, stamps, hash);
  await cache.save();

  const reopened = await ResultCache.open(storage, '/p', '/l');
  assert.equal(reopened.discardedBecause, undefined);
  assert.deepEqual(reopened.lookup(record.predictionFile, record.labelFile, stamps, hash), record);
  assert.equal(
    reopened.lookup(record.predictionFile, record.labelFile, { ...stamps, label: { size: 20, mtimeMs: 2001 } }, hash),
    undefined,
  );
  assert.equal(
    reopened.lookup(
      record.predictionFile,
      record.labelFile,
      { ...stamps, prediction: { size: 11, mtimeMs: 1000 } },
      hash,
    ),
    undefined,
  );
  assert.equal(
    reopened.lookup(record.predictionFile, record.labelFile, stamps, key({ ...DEFAULT_METRIC_OPTIONS, numClasses: 4 })),
    undefined,
  );
  assert.equal(reopened.lookup(record.predictionFile, '/other/label.png', stamps, hash), undefined);
});

test('the options identity ignores key order and defaults spelled out, not values or the engine version', () => {
  const { pooling: _pooling, minkowski: _minkowski, ...bare } = DEFAULT_METRIC_OPTIONS;
  const reversed = Object.fromEntries(Object.entries(DEFAULT_METRIC_OPTIONS).reverse()) as unknown as MetricOptions;
  assert.equal(key(reversed), key(DEFAULT_METRIC_OPTIONS));
  assert.equal(key(bare), key(DEFAULT_METRIC_OPTIONS), 'uniform pooling and m = 1 are the defaults');
  assert.notEqual(key({ ...DEFAULT_METRIC_OPTIONS, hardEpsilon: 0.01 }), key(DEFAULT_METRIC_OPTIONS));
  assert.notEqual(key(DEFAULT_METRIC_OPTIONS, '1.0.1'), key(DEFAULT_METRIC_OPTIONS));
});

test('a corrupt cache is discarded and then overwritten', async () => {
  const file = ResultCache.fileFor(storage, '/p2', '/l2');
  const cache = await ResultCache.open(storage, '/p2', '/l2');
  cache.store(record, stamps, 'h');
  await cache.save();
  const line = JSON.parse(readFileSync(file, 'utf8')) as { cache: unknown; record: unknown };
  writeFileSync(file, `${JSON.stringify({ ...line, record: { name: 3 } })}\n`);
  const damaged = await ResultCache.open(storage, '/p2', '/l2');
  assert.match(damaged.discardedBecause ?? '', /p2|l2|results/);
  assert.equal(damaged.size, 0);
  await damaged.save();
  assert.equal(readFileSync(file, 'utf8'), '', 'the damaged file is replaced by an empty cache');

  writeFileSync(file, `${JSON.stringify({ type: 'image', record })}\n`);
  assert.match((await ResultCache.open(storage, '/p2', '/l2')).discardedBecause ?? '', /damaged entry/);
  writeFileSync(file, '{not json\n');
  assert.match((await ResultCache.open(storage, '/p2', '/l2')).discardedBecause ?? '', /not JSON/);
});

test('entries of files that are gone are dropped, and stay dropped after a save', async () => {
  const cache = await ResultCache.open(storage, '/p3', '/l3');
  cache.store(record, stamps, 'h');
  cache.store(fakeRecord('y'), stamps, 'h');
  await cache.save();
  const again = await ResultCache.open(storage, '/p3', '/l3');
  assert.equal(again.size, 2);
  again.retainOnly(new Set([record.predictionFile]));
  assert.equal(again.size, 1);
  await again.save();
  const after = await ResultCache.open(storage, '/p3', '/l3');
  assert.deepEqual(after.pairs(), [{ predictionFile: record.predictionFile, labelFile: record.labelFile }]);
  assert.deepEqual(after.lookup(record.predictionFile, record.labelFile, stamps, 'h'), record);
  after.close();
});

test('runs add to the cache: new results join, a recomputed image replaces its old result, nothing is lost', async () => {
  const records = Array.from({ length: 50 }, (_, i) => fakeRecord(`r${i}`, { miou: i / 50 }));
  const first = await ResultCache.open(storage, '/p4', '/l4');
  for (const r of records.slice(0, 30)) first.store(r, stamps, 'h');
  await first.save();
  const second = await ResultCache.open(storage, '/p4', '/l4');
  const changed = { ...records[3]!, miou: 0.999 };
  const newer = { ...stamps, prediction: { size: 11, mtimeMs: 5000 } };
  second.store(changed, newer, 'h');
  for (const r of records.slice(30)) second.store(r, stamps, 'h');
  await second.save();

  const third = await ResultCache.open(storage, '/p4', '/l4');
  assert.equal(third.size, 50);
  for (const r of records) {
    const expected = r.name === 'r3' ? changed : r;
    const s = r.name === 'r3' ? newer : stamps;
    assert.deepEqual(third.lookup(r.predictionFile, r.labelFile, s, 'h'), expected, r.name);
  }
  assert.equal(third.lookup(records[3]!.predictionFile, records[3]!.labelFile, stamps, 'h'), undefined, 'the old r3');
  third.close();
});

test('each of many entries answers only to its own stamps, label file and options, before and after a save', async () => {
  // Past the columns' first growth, with fractional mtimes, sizes past 2^32 and three options hashes.
  const entries = Array.from({ length: 300 }, (_, i) => ({
    record: fakeRecord(`m${i}`, { miou: i / 300 }),
    stamps: {
      prediction: { size: i * 2 ** 33 + 1, mtimeMs: 1733550000000.125 + i },
      label: { size: 300 - i, mtimeMs: i * 0.5 },
    },
    hash: `h${i % 3}`,
  }));
  const check = (cache: ResultCache, when: string): void => {
    assert.equal(cache.size, entries.length, when);
    for (const [i, { record: r, stamps: s, hash }] of entries.entries()) {
      assert.deepEqual(cache.lookup(r.predictionFile, r.labelFile, s, hash), r, `${when}: ${r.name}`);
      const other = entries[(i + 1) % entries.length]!;
      assert.equal(cache.lookup(r.predictionFile, r.labelFile, other.stamps, hash), undefined, `${when}: stamps`);
      assert.equal(cache.lookup(r.predictionFile, r.labelFile, s, other.hash), undefined, `${when}: hash`);
      assert.equal(cache.lookup(r.predictionFile, other.record.labelFile, s, hash), undefined, `${when}: label`);
      const touched = { ...s, label: { ...s.label, mtimeMs: s.label.mtimeMs + 0.001 } };
      assert.equal(cache.lookup(r.predictionFile, r.labelFile, touched, hash), undefined, `${when}: mtime`);
    }
  };
  const cache = await ResultCache.open(storage, '/p6', '/l6');
  for (const { record: r, stamps: s, hash } of entries) cache.store(r, s, hash);
  check(cache, 'this run');
  await cache.save();
  check(await ResultCache.open(storage, '/p6', '/l6'), 'reopened');
});

test('a replaced entry keeps its place among the pairs; a dropped one is gone', async () => {
  const cache = await ResultCache.open(storage, '/p7', '/l7');
  for (const name of ['a', 'b', 'c']) cache.store(fakeRecord(name), stamps, 'h');
  await cache.save();
  const again = await ResultCache.open(storage, '/p7', '/l7');
  const newer = { ...stamps, label: { size: 21, mtimeMs: 3000 } };
  const changed = fakeRecord('a', { miou: 0.123 });
  again.store(changed, newer, 'h');
  again.retainOnly(new Set(['a', 'c'].map((name) => fakeRecord(name).predictionFile)));
  assert.deepEqual(
    again.pairs().map((p) => p.predictionFile),
    ['a', 'c'].map((name) => fakeRecord(name).predictionFile),
  );
  assert.deepEqual(again.lookup(changed.predictionFile, changed.labelFile, newer, 'h'), changed);
  assert.equal(again.lookup(changed.predictionFile, changed.labelFile, stamps, 'h'), undefined);
  const b = fakeRecord('b');
  assert.equal(again.lookup(b.predictionFile, b.labelFile, stamps, 'h'), undefined);
  await again.save();
  const after = await ResultCache.open(storage, '/p7', '/l7');
  assert.deepEqual(
    after.pairs().map((p) => p.predictionFile),
    ['a', 'c'].map((name) => fakeRecord(name).predictionFile),
  );
  assert.deepEqual(after.lookup(changed.predictionFile, changed.labelFile, newer, 'h'), changed);
  after.close();
});

test('a cache cut short by a killed save keeps every whole entry', async () => {
  const file = ResultCache.fileFor(storage, '/p5', '/l5');
  const cache = await ResultCache.open(storage, '/p5', '/l5');
  const records = [fakeRecord('a'), fakeRecord('b')];
  for (const r of records) cache.store(r, stamps, 'h');
  await cache.save();
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text + text.slice(0, 40));
  const reopened = await ResultCache.open(storage, '/p5', '/l5');
  assert.equal(reopened.discardedBecause, undefined);
  assert.equal(reopened.size, 2);
  for (const r of records) assert.deepEqual(reopened.lookup(r.predictionFile, r.labelFile, stamps, 'h'), r);
  const c = fakeRecord('c');
  reopened.store(c, stamps, 'h');
  await reopened.save();
  const after = await ResultCache.open(storage, '/p5', '/l5');
  assert.equal(after.discardedBecause, undefined, 'the next save does not append after the cut line');
  for (const r of [...records, c]) assert.deepEqual(after.lookup(r.predictionFile, r.labelFile, stamps, 'h'), r);
  after.close();
});

test('record shape check', () => {
  assert.ok(isImageRecord(record));
  assert.ok(!isImageRecord({ ...record, ce: 'high' }));
  assert.ok(!isImageRecord({ ...record, confusion: { counts: [1], unknown: null } }));
  assert.ok(!isImageRecord(null));
});

test('results of one loss variant are never served for another', () => {
  const v1 = { ...DEFAULT_METRIC_OPTIONS };
  const paper = { ...DEFAULT_METRIC_OPTIONS, ...LOSS_PRESETS.paper };
  assert.notEqual(key(v1), key(paper));
  assert.notEqual(key(paper), key({ ...paper, poolingSigma: 0.25 }), 'σ is part of the key');
  assert.equal(lossVariantName(paper), 'paper');
  assert.equal(lossVariantName({ ...paper, poolingSigma: 0.25 }), 'gaussian σ=0.25 m=5');
  assert.equal(lossVariantName({ ...v1, poolingSigma: 3 }), 'v1', 'σ does not matter for uniform pooling');
});

test('a cached record must carry a well-formed largest hot spot (or none)', () => {
  assert.ok(isImageRecord(fakeRecord('a')));
  assert.ok(isImageRecord(fakeRecord('a', { largestHotSpot: null })));
  const broken = { ...fakeRecord('a'), largestHotSpot: { scale: 2 } };
  assert.equal(isImageRecord(broken), false);
});

test('the cache file holds the lines of before, byte for byte, after a first run, an appending run and a rewrite', async () => {
  // The format before lines were composed around the record's JSON, retyped: the keys, then type and record.
  const oldLine = (r: ImageRecord, s: typeof stamps, hash: string): string =>
    `${JSON.stringify({ cache: { prediction: s.prediction, label: s.label, optionsHash: hash }, type: 'image', record: r })}\n`;
  // More lines than fit one write block (256 KB), with names beyond ASCII.
  const entries = Array.from({ length: 900 }, (_, i) => ({
    record: fakeRecord(`é-日本-${i}`, { miou: i / 900 }),
    stamps: { prediction: { size: i, mtimeMs: 1733550000000.5 + i }, label: { size: 2 * i, mtimeMs: i } },
    hash: `h${i % 2}`,
  }));
  const file = ResultCache.fileFor(storage, '/p8', '/l8');
  const expected = (part: typeof entries): string => part.map((e) => oldLine(e.record, e.stamps, e.hash)).join('');
  const run = async (part: typeof entries, keep?: ReadonlySet<string>): Promise<void> => {
    const cache = await ResultCache.open(storage, '/p8', '/l8');
    if (keep !== undefined) cache.retainOnly(keep);
    for (const { record: r, stamps: s, hash } of part) cache.store(r, s, hash);
    await cache.save();
  };
  await run(entries.slice(0, 500));
  assert.equal(readFileSync(file, 'utf8'), expected(entries.slice(0, 500)), 'a first run: its own file');
  await run(entries.slice(500));
  assert.equal(readFileSync(file, 'utf8'), expected(entries), 'a second run: its lines appended, none lost');
  const kept = entries.filter((_, i) => i % 3 !== 0);
  await run([], new Set(kept.map((e) => e.record.predictionFile)));
  assert.equal(readFileSync(file, 'utf8'), expected(kept), 'images gone: the cache rewritten');
  const reopened = await ResultCache.open(storage, '/p8', '/l8');
  for (const { record: r, stamps: s, hash } of kept)
    assert.deepEqual(reopened.lookup(r.predictionFile, r.labelFile, s, hash), r);
  reopened.close();
});

test("opening a cache removes the temporary files a killed window left, never a live window's or other names", async () => {
  const file = ResultCache.fileFor(storage, '/p-killed', '/l-killed');
  // A process that has ended: its pid names no process any more.
  const ended = spawnSync(process.execPath, ['-e', '']).pid;
  const left = {
    killed: `${file}.${ended}-0a1b2c3d.tmp`,
    live: `${file}.${process.pid}-0a1b2c3d.tmp`,
    otherName: `${file}.${ended}-0a1b2c3d.txt`,
    otherCache: `${ResultCache.fileFor(storage, '/p-other', '/l-other')}.${ended}-0a1b2c3d.tmp`,
  };
  for (const name of Object.values(left)) writeFileSync(name, '{}\n');
  const cache = await ResultCache.open(storage, '/p-killed', '/l-killed');
  cache.close();
  assert.equal(existsSync(left.killed), false, "the killed window's temporary file is removed");
  for (const kept of [left.live, left.otherName, left.otherCache]) assert.ok(existsSync(kept), `${kept} is left`);
});
