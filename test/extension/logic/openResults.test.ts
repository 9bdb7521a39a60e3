import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS, VOC_CLASS_NAMES } from '../../../src/core';
import { cityscapesColorTable } from '../../../src/core/io/colorTable';
import { resultsHeader } from '../../../src/core/report/resultsFile';
import { exportResultsFile } from '../../../src/extension/logic/exportResults';
import { openResultsFile, ResultsFileError } from '../../../src/extension/logic/openResults';
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

test('a merged cluster result (seglens merge --out) opens with its records, folders, options, names and colours', async () => {
  const parts = path.join(root, 'parts');
  for (const i of [0, 1]) seglens('eval', PREDICTIONS, '--labels', LABELS, '--shard', `${i}/2`, '--out', parts);
  const merged = path.join(root, 'merged.jsonl');
  seglens('merge', parts, '--out', merged);
  const opened = await openResultsFile(merged);
  assert.equal(opened.records.length, 12);
  assert.equal(opened.predictionsDir, PREDICTIONS);
  assert.equal(opened.labelsDir, LABELS);
  assert.equal(opened.metric.numClasses, 21);
  assert.equal(opened.backend, 'exact-float64');
  assert.deepEqual(opened.skipped, []);
  assert.equal(opened.header.info?.preset, 'voc', 'the sample folder is detected as VOC');
  assert.deepEqual(opened.display?.classNames, VOC_CLASS_NAMES.slice(0, 21));
  // The VOC colour of class 15 (person), from the published colour map, not from the engine.
  assert.deepEqual(opened.colorTable?.classColors[15], [192, 128, 128]);
  assert.deepEqual(opened.engine.read, DEFAULT_READ_OPTIONS);
  // One shard's part opens too (the folders come from its header).
  assert.equal((await openResultsFile(path.join(parts, 'part-1-of-2.jsonl'))).records.length, 6);
});

test('Export Results… then Open Results…: the same records, options, names, colours, id mapping and photos', async () => {
  const records = [fakeRecord('a'), fakeRecord('b', { ce: null, largestHotSpot: null })];
  const skipped = [{ file: '/data/predictions/c.png', reason: 'corrupt' }];
  const table = cityscapesColorTable();
  const metric = { ...DEFAULT_METRIC_OPTIONS, numClasses: 3, pooling: 'gaussian' as const, minkowski: 5 };
  const engine = {
    metric,
    read: DEFAULT_READ_OPTIONS,
    compute: 'exact' as const,
    colorTable: table,
    ids: { labelToTrain: [2, 0, 1], ignoreIndex: 255, labelIds: 'label' as const, predictionIds: 'train' as const },
  };
  const header = resultsHeader({
    shard: '0/1',
    run: 'abc',
    backend: 'exact-float64',
    engine,
    predictionsDir: '/data/predictions',
    labelsDir: '/data/labels',
    info: { preset: 'mine', predictionIds: 'train', detection: 'dataset: mine (set by --dataset)', ignored: [] },
    classNames: ['road', 'sky', 'car'],
    photosFolders: ['/data/photos'],
    photoFolderNames: ['leftImg8bit'],
  });
  const file = path.join(root, 'export.jsonl');
  await exportResultsFile(file, header, records, skipped);
  const opened = await openResultsFile(file);
  assert.deepEqual(opened.records, records);
  assert.deepEqual(opened.skipped, skipped);
  assert.deepEqual(opened.metric, metric);
  assert.equal(opened.predictionsDir, '/data/predictions');
  assert.equal(opened.labelsDir, '/data/labels');
  assert.deepEqual(opened.display?.classNames, ['road', 'sky', 'car']);
  assert.deepEqual(opened.display?.photosFolders, ['/data/photos']);
  assert.deepEqual(opened.display?.photoFolderNames, ['leftImg8bit']);
  assert.deepEqual(opened.engine.ids, engine.ids);
  assert.equal(opened.header.info?.preset, 'mine');
  // The colour table comes back whole: the same colours and the same colour → id lookup (void colours too).
  assert.deepEqual(opened.colorTable?.classColors, table.classColors);
  assert.deepEqual(new Map(opened.colorTable?.idOfColor), new Map(table.idOfColor));
  assert.deepEqual(opened.engine.colorTable?.classNames, table.classNames);
  // The file is the CLI's format: header first, end line last, counting what it holds.
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal((JSON.parse(lines[0]!) as { version: number }).version, 3);
  assert.deepEqual(JSON.parse(lines.at(-1)!), { type: 'end', images: 2, skipped: 1 });
});

test('files that are not SegLens results, or are damaged, are refused with the reason, file and line', async () => {
  const write = (name: string, text: string): string => {
    const file = path.join(root, name);
    writeFileSync(file, text);
    return file;
  };
  const report = write('report.json', seglens('eval', PREDICTIONS, '--labels', LABELS, '--json'));
  await assert.rejects(openResultsFile(report), refused(/--json report.*open the records file/));
  const csv = path.join(root, 'export.csv');
  seglens('eval', PREDICTIONS, '--labels', LABELS, '--csv', csv);
  await assert.rejects(openResultsFile(csv), refused(/export\.csv is a CSV export, for spreadsheets/));
  const old = write('old.json', JSON.stringify({ predictionsDir: '/p', labelsDir: '/l', images: [] }, null, 2));
  await assert.rejects(openResultsFile(old), refused(/old\.json is a JSON export of an earlier SegLens/));

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
    perClassIoU: Array<null>(21).fill(null),
    perClassBoundaryIoU: Array<null>(21).fill(null),
    confusion: { counts: Array<number>(21 * 21).fill(0), unknown: Array<number>(21).fill(0) },
    boundary: { intersection: Array<number>(21).fill(0), union: Array<number>(21).fill(0) },
  });
  const end = JSON.stringify({ type: 'end', images: 1, skipped: 0 });
  const m = (text: string): string => write('m.jsonl', text);
  assert.equal((await openResultsFile(m([header, image(good), end].join('\n')))).records.length, 1);
  await assert.rejects(openResultsFile(m([header, image(good)].join('\n'))), refused(/m\.jsonl: cut short/));
  await assert.rejects(
    openResultsFile(m([header, image(good), image(good), end].join('\n'))),
    refused(/m\.jsonl:3: image a is listed twice/),
  );
  await assert.rejects(
    openResultsFile(m([header, image(fakeRecord('a')), end].join('\n'))),
    refused(/m\.jsonl:2: line\.record\.perClassIoU: expected an array of 21 numbers or nulls/),
  );
  await assert.rejects(
    openResultsFile(m([header, image({ name: 'a' }), end].join('\n'))),
    refused(/m\.jsonl:2: line\.record\.predictionFile: expected a string/),
  );
  await assert.rejects(openResultsFile(m(`${header}\n{"type":"ima`)), refused(/m\.jsonl:2: not a JSON line/));
  await assert.rejects(
    openResultsFile(m('{"type":"image"}')),
    refused(/m\.jsonl:1: header\.type: expected "header" \(a results file starts with its header line\)/),
  );
  await assert.rejects(openResultsFile(m('hello')), refused(/m\.jsonl:1: not a JSON line/));
  await assert.rejects(
    openResultsFile(path.join(root, 'nowhere.jsonl')),
    refused(/nowhere\.jsonl: cannot read \(ENOENT\)/),
  );
});
