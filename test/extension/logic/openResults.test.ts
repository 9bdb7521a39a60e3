import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_METRIC_OPTIONS } from '../../../src/core';
import { resultsToJson } from '../../../src/extension/logic/exportResults';
import { parseResultsFile, ResultsFileError } from '../../../src/extension/logic/openResults';
import { REPO_ROOT } from '../../helpers/golden';
import { fakeRecord } from './records';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const PREDICTIONS = path.join(REPO_ROOT, 'samples', 'voc-mini', 'predictions');
const LABELS = path.join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass');
const root = mkdtempSync(path.join(tmpdir(), 'seglens-open-'));
after(() => rmSync(root, { recursive: true, force: true }));

function seglens(...args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const refused = (pattern: RegExp) => (error: unknown) =>
  error instanceof ResultsFileError && pattern.test(error.message);

test('a merged cluster result (seglens merge --out) opens with its records, folders and metric', () => {
  const parts = path.join(root, 'parts');
  for (const i of [0, 1]) seglens('eval', PREDICTIONS, '--labels', LABELS, '--shard', `${i}/2`, '--out', `${parts}/`);
  const merged = path.join(root, 'merged.jsonl');
  seglens('merge', parts, '--out', merged);
  const opened = parseResultsFile(readFileSync(merged, 'utf8'), merged);
  assert.equal(opened.records.length, 12);
  assert.equal(opened.predictionsDir, PREDICTIONS);
  assert.equal(opened.labelsDir, LABELS);
  assert.deepEqual(opened.metric, DEFAULT_METRIC_OPTIONS);
  assert.equal(opened.backend, 'exact-float64');
  assert.deepEqual(opened.skipped, []);
  // One shard's part opens too (the folder comes from its header).
  const part = path.join(parts, 'part-1-of-2.jsonl');
  assert.equal(parseResultsFile(readFileSync(part, 'utf8'), part).records.length, 6);
});

test('the JSON that Export Results… writes opens again', () => {
  const records = [fakeRecord('a'), fakeRecord('b')];
  const metric = { ...DEFAULT_METRIC_OPTIONS, numClasses: 3 };
  const text = resultsToJson({}, records, [{ file: '/data/predictions/c.png', reason: 'corrupt' }], {
    predictionsDir: '/data/predictions',
    labelsDir: '/data/labels',
    options: { metric, read: {}, colorTable: null, compute: 'exact' },
  });
  const opened = parseResultsFile(text, '/tmp/export.json');
  assert.deepEqual(opened.records, records);
  assert.deepEqual(opened.metric, metric);
  assert.equal(opened.predictionsDir, '/data/predictions');
  assert.equal(opened.skipped.length, 1);
});

test('files that are not SegLens results, or are damaged, are refused with the reason', () => {
  const report = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json');
  assert.throws(() => parseResultsFile(report, '/r/merged.json'), refused(/--json report.*open the records file/));
  const header = JSON.stringify({
    type: 'header',
    version: 2,
    shard: '0/1',
    run: 'x',
    backend: 'b',
    metric: DEFAULT_METRIC_OPTIONS,
  });
  const image = (record: unknown) => JSON.stringify({ type: 'image', record });
  const good = fakeRecord('a', {
    confusion: { counts: Array<number>(21 * 21).fill(0), unknown: Array<number>(21).fill(0) },
  });
  const end = JSON.stringify({ type: 'end', images: 1, skipped: 0 });
  assert.equal(parseResultsFile([header, image(good), end].join('\n'), '/r/m.jsonl').records.length, 1);
  assert.throws(() => parseResultsFile([header, image(good)].join('\n'), '/r/m.jsonl'), refused(/cut short/));
  assert.throws(
    () => parseResultsFile([header, image(good), image(good), end].join('\n'), '/r/m.jsonl'),
    refused(/m\.jsonl:3: image a is listed twice/),
  );
  assert.throws(
    () => parseResultsFile([header, image(fakeRecord('a')), end].join('\n'), '/r/m.jsonl'),
    refused(/confusion matrix is not 21×21/),
  );
  assert.throws(
    () => parseResultsFile([header, image({ name: 'a' }), end].join('\n'), '/r/m.jsonl'),
    refused(/not a SegLens image record/),
  );
  assert.throws(
    () => parseResultsFile(`${header}\n{"type":"ima`, '/r/m.jsonl'),
    refused(/m\.jsonl:2: not a JSON line/),
  );
  assert.throws(() => parseResultsFile('{"type":"image"}', '/r/m.jsonl'), refused(/starts with its header line/));
  assert.throws(() => parseResultsFile('hello', '/r/x.json'), refused(/neither SegLens JSON lines nor/));
  assert.throws(() => parseResultsFile('{"images": []}', '/r/x.json'), refused(/not a SegLens export/));
});
