import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { ImageRecord } from '../../../src/core';
import { fromWireRecord, type WireRecord } from '../../../src/core/evaluate/record';
import { sparseConfusion } from '../../../src/core/metrics/sparseConfusion';
import { metricDefinition } from '../../../src/core/metrics/metricTable';
import { RANKING_KEYS } from '../../../src/core/report/ranking';
import { PredictionFileIndex, RecordFile } from '../../../src/extension/logic/recordFile';
import { StreamingRanking } from '../../../src/extension/logic/streamingRank';
import { fakeRecord } from './records';

const dir = mkdtempSync(path.join(tmpdir(), 'seglens-recordfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const C = 3;

/** Records with ties, undefined values, varied classes and confusion cells, names in no particular order. */
function generated(count: number, seed = 7): ImageRecord[] {
  const next = random(seed);
  // Few distinct values, so ties are common and the name decides.
  const value = (): number | null => (next() < 0.1 ? null : Math.round(next() * 8) / 8);
  return Array.from({ length: count }, (_, i) => {
    const counts = Array.from({ length: C * C }, () => (next() < 0.4 ? 0 : Math.floor(next() * 50)));
    const classesPresent = [0, 1, 2].filter(() => next() < 0.6);
    return fakeRecord(`img-${Math.floor(next() * 1e6)}-${i}`, {
      adaptive: value(),
      ce: value(),
      mergeEffect: value(),
      miou: value(),
      pixelAccuracy: value(),
      boundaryMiou: value(),
      meanAccuracy: value(),
      meanDice: value(),
      classesPresent,
      warnings: next() < 0.2 ? ['a warning'] : [],
      width: 1 + Math.floor(next() * 9),
      validPixels: Math.floor(next() * 20),
      confusion: { counts, unknown: [0, 0, 0] },
    });
  });
}

/** The order the views promise, written out here on the records: hardest first, undefined last, ties by name. */
function naiveOrder(records: readonly ImageRecord[], key: (typeof RANKING_KEYS)[number]): string[] {
  const valueOf = (r: ImageRecord): number | null => (r as unknown as Record<string, number | null>)[key] ?? null;
  const higherIsHarder = metricDefinition(key).better === 'lower';
  return [...records]
    .sort((a, b) => {
      const x = valueOf(a);
      const y = valueOf(b);
      if (x === null && y !== null) return 1;
      if (y === null && x !== null) return -1;
      if (x !== null && y !== null && x !== y) return higherIsHarder ? y - x : x - y;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    })
    .map((r) => r.name);
}

function filled(name: string, records: readonly ImageRecord[]): RecordFile {
  const store = RecordFile.create(path.join(dir, name));
  for (const record of records) store.append(record);
  return store;
}

test('every record reads back equal to what was written, in any order, past the kept few', () => {
  const records = generated(300);
  const store = filled('roundtrip.jsonl', records);
  assert.equal(store.size, 300);
  for (const slot of [299, 0, 150, 1, 298, ...Array.from({ length: 300 }, (_, i) => i)])
    assert.deepEqual(store.read(slot), records[slot]);
  assert.deepEqual([...store.records()], records);
  store.delete();
});

test('the file holds results-file image lines, one per record', () => {
  const records = generated(5);
  const store = filled('lines.jsonl', records);
  store.flush();
  const lines = readFileSync(store.file, 'utf8').trimEnd().split('\n');
  assert.deepEqual(
    lines.map((line) => JSON.parse(line) as unknown),
    records.map((record) => ({ type: 'image', record })),
  );
  store.delete();
});

test('the typed-array order of every metric equals a naive sort of the records, with and without a class filter', () => {
  const records = generated(500);
  const store = filled('order.jsonl', records);
  const { columns } = store;
  for (const key of RANKING_KEYS) {
    assert.deepEqual(columns.namesOf(columns.rank(columns.slots(), key)), naiveOrder(records, key), key);
    for (const classId of [0, 2]) {
      const holding = records.filter((r) => r.classesPresent.includes(classId));
      assert.deepEqual(
        columns.namesOf(columns.rank(columns.withClass(columns.slots(), classId), key)),
        naiveOrder(holding, key),
        `${key}, class ${classId}`,
      );
    }
  }
  store.delete();
});

test('the order stays the naive one while records arrive between rankings, are replaced or renamed, with -0 and 0 tied', () => {
  const records = generated(1200, 11).map((record, i) => (i % 7 === 0 ? { ...record, miou: -0 } : record));
  const store = RecordFile.create(path.join(dir, 'incremental.jsonl'));
  const { columns } = store;
  const shown = new Map<string, ImageRecord>();
  const check = (what: string): void => {
    for (const key of ['miou', 'adaptive'] as const)
      assert.deepEqual(
        columns.namesOf(columns.rank(columns.slots(), key)),
        naiveOrder([...shown.values()], key),
        `${key}, ${what}`,
      );
  };
  for (let start = 0; start < records.length; start += 173) {
    for (const record of records.slice(start, start + 173)) {
      store.append(record);
      shown.set(record.predictionFile, record);
    }
    check(`after ${shown.size} records`);
  }
  // A newer record of an image keeps its slot; under another name (a renamed layout) the names are ordered afresh.
  const replaced = { ...records[5]!, miou: 0.5 };
  store.append(replaced);
  shown.set(replaced.predictionFile, replaced);
  check('after a replacement');
  const renamed = { ...records[9]!, name: 'aaa-first-by-name', miou: null };
  store.append(renamed);
  shown.set(renamed.predictionFile, renamed);
  check('after a rename');
  store.delete();
});

test('a run streaming in: the order kept and merged with each batch is the naive order of every record so far', () => {
  // Ties, undefined values and -0 beside 0; batches of 0, 1 and many; asks by two keys and three class filters.
  const records = generated(1500, 23).map((record, i) => (i % 11 === 0 ? { ...record, adaptive: -0 } : record));
  const store = RecordFile.create(path.join(dir, 'streaming.jsonl'));
  const { columns } = store;
  const ranking = new StreamingRanking();
  const shown = new Map<string, ImageRecord>();
  const asks = [
    ['miou', undefined],
    ['miou', undefined],
    ['adaptive', 2],
    ['adaptive', 2],
    ['adaptive', 2],
    ['miou', 0],
  ] as const;
  const batches = [0, 1, 1, 7, 64, 0, 300, 2, 500, 1, 624];
  let at = 0;
  batches.forEach((size, b) => {
    for (const record of records.slice(at, at + size)) {
      const { replaced } = store.append(record);
      assert.equal(replaced, false);
      shown.set(record.predictionFile, record);
    }
    at += size;
    const [key, classId] = asks[b % asks.length]!;
    const want = naiveOrder(
      [...shown.values()].filter((r) => classId === undefined || r.classesPresent.includes(classId)),
      key,
    );
    assert.deepEqual(
      columns.namesOf(ranking.order(columns, key, classId)),
      want,
      `${key}, class ${classId}, batch ${b}`,
    );
  });
  assert.equal(at, records.length);
  // Nothing added: the kept order itself.
  assert.equal(ranking.order(columns, 'miou', 0), ranking.order(columns, 'miou', 0));
  // A replaced image changes a value in place: forgotten, the next order is ranked afresh.
  const replaced = { ...records[3]!, miou: 0 };
  assert.equal(store.append(replaced).replaced, true);
  shown.set(replaced.predictionFile, replaced);
  ranking.forget();
  assert.deepEqual(columns.namesOf(ranking.order(columns, 'miou', undefined)), naiveOrder([...shown.values()], 'miou'));
  store.delete();
});

test('values, class counts, cells and pixel sums come out as the records hold them', () => {
  const records = generated(200);
  const store = filled('columns.jsonl', records);
  const { columns } = store;
  records.forEach((record, slot) => {
    assert.equal(columns.name(slot), record.name);
    assert.equal(columns.slotOfName(record.name), slot);
    assert.equal(columns.slotOfPredictionFile(record.predictionFile), slot);
    assert.equal(columns.value('miou', slot), record.miou);
    assert.equal(columns.warnings(slot), record.warnings.length);
    assert.deepEqual(columns.pixels(slot), { label: record.width * record.height, scored: record.validPixels });
  });
  assert.deepEqual(
    columns.classImageCounts(C),
    [0, 1, 2].map((id) => records.filter((r) => r.classesPresent.includes(id)).length),
  );
  for (const pair of [
    { label: 0, predicted: 1 },
    { label: 2, predicted: 2 },
    { label: 1, predicted: 0 },
  ]) {
    const count = (r: ImageRecord): number => r.confusion.counts[pair.label * C + pair.predicted]!;
    const expected = records
      .filter((r) => count(r) > 0)
      .map((r) => ({ name: r.name, count: count(r) }))
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    assert.deepEqual(columns.cellImages(pair), expected);
    // The cell filter keeps the order it is given among images with as many pixels.
    const byAdaptive = columns.rank(columns.slots(), 'adaptive');
    const kept = byAdaptive.filter((slot) => count(records[slot]!) > 0);
    const stable = [...kept].sort((a, b) => count(records[b]!) - count(records[a]!));
    assert.deepEqual(columns.withCell(byAdaptive, pair), stable);
  }
  store.delete();
});

test('an image added again keeps its place and reads as the newer record', () => {
  const records = generated(10);
  const store = filled('replace.jsonl', records);
  const newer = { ...records[3]!, miou: 0.123, warnings: ['newer'] };
  assert.deepEqual(store.append(newer), { slot: 3, replaced: true });
  assert.equal(store.size, 10);
  assert.deepEqual(store.read(3), newer);
  assert.equal(store.columns.value('miou', 3), 0.123);
  store.close();
  const { store: reopened, dropped } = RecordFile.open(path.join(dir, 'replace.jsonl'));
  assert.equal(dropped, 0);
  assert.equal(reopened.size, 10);
  assert.deepEqual(reopened.read(3), newer);
  reopened.delete();
});

test('a last line cut short by a killed run is ignored, every whole record kept, and appending goes on cleanly', () => {
  const file = path.join(dir, 'killed.jsonl');
  const records = generated(40);
  const store = filled('killed.jsonl', records);
  store.close();
  const whole = statSync(file).size;
  const cut = JSON.stringify({ type: 'image', record: generated(1, 99)[0] });
  appendFileSync(file, cut.slice(0, Math.floor(cut.length / 2)));

  const { store: reopened, dropped } = RecordFile.open(file);
  assert.equal(dropped, 1);
  assert.equal(reopened.size, 40);
  assert.equal(statSync(file).size, whole, 'the cut line is removed, nothing else');
  assert.deepEqual([...reopened.records()], records);
  const extra = generated(1, 123)[0]!;
  reopened.append(extra);
  reopened.close();

  const { store: again, dropped: none } = RecordFile.open(file);
  assert.equal(none, 0);
  assert.deepEqual([...again.records()], [...records, extra]);
  again.delete();
});

test('a damaged whole line is reported with the file and where, never read as a record', () => {
  const file = path.join(dir, 'damaged.jsonl');
  writeFileSync(file, '{"type":"image","record":{"name":"x"}}\n');
  assert.throws(() => RecordFile.open(file), /damaged\.jsonl/);
  rmSync(file);
});

test("a worker's records are written with the same text as their dense form, one after another and across class counts", () => {
  // Worker records (fromWireRecord: the confusion's counts built only when read) of 3, 3, 4 and 3
  // classes, each with other non-zero cells, so a count left over from the line before would show.
  const next = random(11);
  const records = [3, 3, 4, 3, 3].map((classes, i) => {
    const counts = Array.from({ length: classes * classes }, () => (next() < 0.5 ? 0 : Math.floor(next() * 1e6)));
    const unknown = Array.from({ length: classes }, () => Math.floor(next() * 3));
    const plain = fakeRecord(`wire-${i}`, { confusion: { counts, unknown } });
    const wire: WireRecord = {
      ...plain,
      confusion: sparseConfusion({
        numClasses: classes,
        counts: Float64Array.from(counts),
        unknown: Float64Array.from(unknown),
      }),
      boundary: {
        intersection: Float64Array.from(plain.boundary.intersection),
        union: Float64Array.from(plain.boundary.union),
      },
    };
    return { plain, record: fromWireRecord(wire) };
  });
  const file = path.join(dir, 'wire.jsonl');
  const store = RecordFile.create(file);
  const cacheFile = path.join(dir, 'wire-cache.jsonl');
  const cache = RecordFile.create(cacheFile);
  for (const { record } of records) {
    store.append(record);
    cache.append(record, { cache: { optionsHash: 'h' } });
  }
  store.flush();
  cache.flush();
  // The expected lines: the plain records, with the counts as the test wrote them, in JSON.
  const expected = records.map(({ plain }) => `${JSON.stringify({ type: 'image', record: plain })}\n`).join('');
  assert.equal(readFileSync(file, 'utf8'), expected);
  assert.equal(
    readFileSync(cacheFile, 'utf8'),
    records
      .map(({ plain }) => `${JSON.stringify({ cache: { optionsHash: 'h' }, type: 'image', record: plain })}\n`)
      .join(''),
  );
  records.forEach(({ plain }, slot) => assert.deepEqual(store.read(slot), plain));
  store.delete();
  cache.delete();
});

test('a file indexed by prediction file only (the result cache) gives the slots, replacements and reads of the columns', () => {
  const records = generated(300, 5);
  // Every fifth record written again later with other values: it keeps its slot and reads the new one.
  const again = records.filter((_, i) => i % 5 === 0).map((r) => ({ ...r, miou: 0.123, warnings: ['again'] }));
  const file = path.join(dir, 'indexed.jsonl');
  const indexed = RecordFile.create(file, new PredictionFileIndex());
  const withColumns = RecordFile.create(path.join(dir, 'with-columns.jsonl'));
  for (const record of [...records, ...again]) {
    assert.deepEqual(indexed.append(record), withColumns.append(record), record.name);
  }
  // The naive expectation: slots in first-seen order, the last record of each file wins.
  const latest = new Map<string, ImageRecord>();
  for (const record of [...records, ...again]) latest.set(record.predictionFile, record);
  const expected = [...latest.values()];
  assert.equal(indexed.size, expected.length);
  expected.forEach((record, slot) => {
    assert.equal(indexed.columns.slotOfPredictionFile(record.predictionFile), slot);
    assert.deepEqual(indexed.read(slot), record);
  });
  indexed.close();
  const { store: reopened } = RecordFile.open(file, { writable: false, index: new PredictionFileIndex() });
  assert.equal(reopened.size, expected.length);
  expected.forEach((record, slot) => assert.deepEqual(reopened.read(slot), record));
  reopened.close();
  withColumns.delete();
});

/** The lines a record file must hold, written out naively: the results file's image line of each record. */
const imageLine = (record: ImageRecord, fields: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ ...fields, type: 'image', record })}\n`;

/** Names beyond ASCII (2, 3 and 4 UTF-8 bytes a character), so a line's bytes are not its characters. */
const foreign = (record: ImageRecord, i: number): ImageRecord => {
  const name = `${record.name}-façade-日本-🙂-${i}`;
  return { ...record, name, predictionFile: `/data/predictions/${name}.png`, labelFile: `/data/labels/${name}.png` };
};

test('records appended over many blocks read back equal at once, later and reopened; the file is the lines joined', () => {
  // About 1.3 MB of lines: several blocks, with one line longer than a block (a long warning) among them.
  const records = generated(1800, 31).map((record, i) => (i % 3 === 0 ? foreign(record, i) : record));
  records[700] = { ...records[700]!, warnings: ['é', 'ü', 'ß'].map((letter) => letter.repeat(50_000)) };
  const file = path.join(dir, 'blocks.jsonl');
  const store = RecordFile.create(file);
  let expected = '';
  records.forEach((record, slot) => {
    assert.deepEqual(store.append(record), { slot, replaced: false });
    expected += imageLine(record);
    // Read at once (from the block, or from the file for the long line), equal to what was appended.
    assert.deepEqual(store.read(slot), record, `slot ${slot} at once`);
    if (slot % 97 === 0) {
      // What is on disk so far: whole lines, the first of them, never a line's part.
      const disk = readFileSync(file, 'utf8');
      assert.ok(expected.startsWith(disk), `slot ${slot}: the file is a start of the lines`);
      assert.ok(disk === '' || disk.endsWith('\n'), `slot ${slot}: the file ends on a whole line`);
    }
  });
  assert.ok(statSync(file).size < Buffer.byteLength(expected), 'the last lines wait in the block');
  // Every slot again, most past the kept few: from the file and from the block.
  records.forEach((record, slot) => assert.deepEqual(store.read(slot), record, `slot ${slot} later`));
  store.flush();
  assert.equal(readFileSync(file, 'utf8'), expected, 'flush writes every line appended');
  store.append(records[0]!);
  expected += imageLine(records[0]!);
  store.close();
  assert.equal(readFileSync(file, 'utf8'), expected, 'close writes the rest');
  const { store: reopened, dropped } = RecordFile.open(file);
  assert.equal(dropped, 0);
  assert.deepEqual([...reopened.records()], records);
  reopened.delete();
});

test('a record just appended reads back before its line is on disk, and close writes it', () => {
  const file = path.join(dir, 'just-appended.jsonl');
  const store = RecordFile.create(file);
  const [first, second] = generated(2, 41).map(foreign);
  store.append(first!);
  assert.equal(statSync(file).size, 0, 'nothing written yet');
  assert.deepEqual(store.read(0), first);
  store.append(second!);
  assert.deepEqual(store.read(1), second);
  assert.deepEqual([...store.records()], [first, second]);
  store.close();
  assert.equal(readFileSync(file, 'utf8'), imageLine(first!) + imageLine(second!));
  assert.throws(() => store.append(first!), /closed/, 'a closed file takes no more lines');
});

test('a file cut at any byte (a killed writer) opens with its whole lines only, the cut one dropped', () => {
  // Cache-like lines (keys beside the record), written through the blocks; every prefix opened.
  const records = generated(2, 53).map(foreign);
  const fields = (i: number) => ({ cache: { prediction: { size: i, mtimeMs: 0.5 }, optionsHash: `h${i}` } });
  const full = path.join(dir, 'cut-full.jsonl');
  const writer = RecordFile.create(full, new PredictionFileIndex());
  records.forEach((record, i) => writer.append(record, fields(i)));
  writer.close();
  const bytes = readFileSync(full);
  assert.equal(bytes.toString('utf8'), records.map((record, i) => imageLine(record, fields(i))).join(''));
  const lineEnds = [...bytes.entries()].filter(([, byte]) => byte === 10).map(([at]) => at + 1);
  const cut = path.join(dir, 'cut.jsonl');
  for (let size = 0; size <= bytes.length; size++) {
    writeFileSync(cut, bytes.subarray(0, size));
    const whole = lineEnds.filter((end) => end <= size).length;
    const visited: unknown[] = [];
    const writable = size % 2 === 0;
    const { store, dropped } = RecordFile.open(cut, {
      writable,
      index: new PredictionFileIndex(),
      visit: (slot, line) => visited.push([slot, line['cache']]),
    });
    assert.equal(store.size, whole, `cut at ${size}`);
    assert.equal(dropped, lineEnds.includes(size) || size === 0 ? 0 : 1, `cut at ${size}`);
    assert.deepEqual([...store.records()], records.slice(0, whole), `cut at ${size}`);
    assert.deepEqual(
      visited,
      records.slice(0, whole).map((_, i) => [i, fields(i).cache]),
      `cut at ${size}`,
    );
    store.close();
    // Opened for writing, the cut line is removed; for reading only, the file is left as it was.
    assert.equal(statSync(cut).size, writable ? (lineEnds[whole - 1] ?? 0) : size, `cut at ${size}`);
  }
});

test('one record written to two files (the view and the cache) gives each its own line, interleaved with others', () => {
  // The record file serialises a record once for both files; other records and copies in between must not share it.
  const [a, b] = generated(2, 61).map(foreign);
  const copy = { ...a!, miou: 0.001 };
  const keys = (optionsHash: string) => ({ cache: { optionsHash } });
  const view = RecordFile.create(path.join(dir, 'two-view.jsonl'));
  const cache = RecordFile.create(path.join(dir, 'two-cache.jsonl'), new PredictionFileIndex());
  view.append(a!);
  cache.append(b!, keys('b'));
  cache.append(a!, keys('a'));
  view.append(b!);
  view.append(copy);
  cache.append(copy, keys('copy'));
  view.append(a!);
  view.close();
  cache.close();
  assert.equal(readFileSync(view.file, 'utf8'), [a, b, copy, a].map((r) => imageLine(r!)).join(''));
  assert.equal(
    readFileSync(cache.file, 'utf8'),
    [imageLine(b!, keys('b')), imageLine(a!, keys('a')), imageLine(copy, keys('copy'))].join(''),
  );
  const other = RecordFile.create(path.join(dir, 'two-other.jsonl'));
  assert.throws(() => other.append(a!, { record: 1 }), /type and record itself/);
  assert.throws(() => other.append(a!, { type: 'x' }), /type and record itself/);
  other.append(a!, {});
  other.append(b!, { unset: undefined });
  other.flush();
  assert.equal(readFileSync(other.file, 'utf8'), imageLine(a!) + imageLine(b!));
  other.delete();
});

test('a run streaming in, the sort and filter switched back and forth: every key kept apart, each answer the naive order', () => {
  // Each ask changes the key or the class filter, so a key's kept order is merged with several
  // batches at once when it is asked for again, and a filter is cut from a kept order of every image.
  const records = generated(1200, 31);
  const store = RecordFile.create(path.join(dir, 'switching.jsonl'));
  const { columns } = store;
  const ranking = new StreamingRanking();
  const shown: ImageRecord[] = [];
  const asks = [
    ['miou', undefined],
    ['adaptive', undefined],
    ['miou', 1],
    ['ce', 2],
    ['miou', undefined],
    ['adaptive', 1],
    ['adaptive', 1],
    ['ce', undefined],
    ['miou', 1],
  ] as const;
  const batches = [5, 0, 40, 1, 200, 0, 3, 350, 1, 600];
  let at = 0;
  batches.forEach((size, b) => {
    for (const record of records.slice(at, at + size)) {
      store.append(record);
      shown.push(record);
    }
    at += size;
    for (const [key, classId] of [asks[b % asks.length]!, asks[(b + 4) % asks.length]!]) {
      const want = naiveOrder(
        shown.filter((r) => classId === undefined || r.classesPresent.includes(classId)),
        key,
      );
      assert.deepEqual(
        columns.namesOf(ranking.order(columns, key, classId)),
        want,
        `${key}, class ${classId}, batch ${b}`,
      );
    }
  });
  // Asked again with nothing added: the very order kept, not a new one.
  assert.equal(ranking.order(columns, 'ce', undefined), ranking.order(columns, 'ce', undefined));
  // Other columns (a new run) start afresh: nothing of the first run's orders is answered.
  const other = RecordFile.create(path.join(dir, 'switching-other.jsonl'));
  other.append(records[0]!);
  assert.deepEqual(other.columns.namesOf(ranking.order(other.columns, 'miou', undefined)), [records[0]!.name]);
  store.delete();
  other.delete();
});
