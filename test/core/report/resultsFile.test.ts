import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CITYSCAPES_LABEL_TO_TRAIN } from '../../../src/core/datasets/cityscapesLabels';
import { evaluatePairs } from '../../../src/core/evaluate/evaluatePairs';
import type { ImageRecord } from '../../../src/core/evaluate/record';
import { parseColorTable, vocColorTable } from '../../../src/core/io/colorTable';
import { pairFiles } from '../../../src/core/io/pairing';
import type { EngineOptions } from '../../../src/core/io/readFiles';
import {
  DEFAULT_METRIC_OPTIONS,
  DEFAULT_READ_OPTIONS,
  optionsRecord,
  type MetricOptions,
  type ReadOptions,
} from '../../../src/core/options';
import { OPTION_TABLE, type OptionSpec } from '../../../src/core/optionTable';
import { optionsIdentity } from '../../../src/core/optionsIdentity';
import {
  loadResultsFile,
  readResultsFile,
  resultsHeader,
  ResultsFileError,
  ResultsWriter,
  type ResultsHeader,
} from '../../../src/core/report/resultsFile';
import type { SkippedFile } from '../../../src/core/types';
import { REPO_ROOT } from '../../helpers/golden';

const PREDICTIONS = join(REPO_ROOT, 'samples', 'voc-mini', 'predictions');
const LABELS = join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass');
const root = mkdtempSync(join(tmpdir(), 'seglens-results-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

const ENGINE: EngineOptions = {
  metric: DEFAULT_METRIC_OPTIONS,
  read: DEFAULT_READ_OPTIONS,
  colorTable: vocColorTable(),
  ids: { labelToTrain: [0, 255, 1], ignoreIndex: 255, labelIds: 'label', predictionIds: 'train' },
};

function header(shard = '0/1'): ResultsHeader {
  return resultsHeader({
    shard,
    run: optionsIdentity(ENGINE, { predictionsDir: PREDICTIONS, labelsDir: LABELS }),
    backend: 'exact-float64',
    engine: ENGINE,
    predictionsDir: PREDICTIONS,
    labelsDir: LABELS,
    info: { preset: 'voc', predictionIds: 'train', detection: 'dataset: voc (test)', ignored: [] },
    classNames: vocColorTable().classNames.slice(0, 21),
    photosFolders: [join(REPO_ROOT, 'samples', 'voc-mini', 'JPEGImages')],
    photoFolderNames: ['JPEGImages'],
  });
}

/** The sample folder evaluated for real (records as a run streams them, with their lazy confusion). */
async function sampleRecords(): Promise<ImageRecord[]> {
  const { pairs } = await pairFiles(PREDICTIONS, LABELS);
  const records: ImageRecord[] = [];
  for await (const outcome of evaluatePairs(
    pairs,
    { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS },
    { workers: 0 },
  ))
    if (outcome.type === 'image') records.push(outcome.record);
  return records;
}

async function write(
  file: string,
  head: ResultsHeader,
  records: readonly ImageRecord[],
  skipped: readonly SkippedFile[],
) {
  const out = ResultsWriter.open(file, head);
  for (const entry of skipped) await out.addSkipped(entry);
  for (const record of records) await out.addImage(record);
  await out.commit();
}

/** What a value is once written as JSON: the comparison a lossless file must pass. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('write → read gives back the header, every record and every skipped file, equal', async () => {
  const records = await sampleRecords();
  assert.equal(records.length, 12);
  const skipped = [{ file: join(PREDICTIONS, 'broken.png'), reason: 'not a PNG (signature missing)' }];
  const file = join(root, 'round-trip.jsonl');
  await write(file, header(), records, skipped);
  const read = await loadResultsFile(file);
  assert.deepEqual(read.header, asJson(header()));
  assert.deepEqual(read.records, asJson(records));
  assert.deepEqual(read.skipped, skipped);
  // The header names everything needed to show the results again.
  assert.equal(read.header.version, 3);
  assert.equal(read.header.info?.preset, 'voc');
  assert.equal(read.header.metric.ignoreIndex, 255);
  assert.deepEqual(read.header.display?.classNames.slice(0, 2), ['background', 'aeroplane']);
  assert.deepEqual(read.header.display?.colorTable?.classColors[1], [128, 0, 0], 'VOC aeroplane');
  assert.deepEqual(read.header.display?.ids, ENGINE.ids);
  assert.deepEqual(read.header.display?.photoFolderNames, ['JPEGImages']);
  assert.deepEqual(read.header.read, DEFAULT_READ_OPTIONS);
  // Streaming gives the same lines, in file order, without holding them.
  const names: string[] = [];
  const counts = await readResultsFile(file, { image: (record) => void names.push(record.name) });
  assert.deepEqual(
    names,
    records.map((r) => r.name),
  );
  assert.deepEqual([counts.images, counts.skipped], [12, 1]);
});

test('a version 2 file of an earlier SegLens is read as it is', async () => {
  const file = join(root, 'v2.jsonl');
  const [record] = await sampleRecords();
  writeFileSync(
    file,
    [
      { type: 'header', version: 2, shard: '0/1', run: 'abc', backend: 'b', metric: DEFAULT_METRIC_OPTIONS },
      { type: 'image', record },
      { type: 'end', images: 1, skipped: 0 },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  );
  const read = await loadResultsFile(file);
  assert.equal(read.header.version, 2);
  assert.equal(read.header.display, undefined);
  assert.deepEqual(read.records, asJson([record]));
});

test('every damaged line is refused with the file, the line number and what is wrong', async () => {
  const [record] = await sampleRecords();
  const good = {
    header: JSON.stringify(header()),
    image: JSON.stringify({ type: 'image', record }),
    end: JSON.stringify({ type: 'end', images: 1, skipped: 0 }),
  };
  const bad = (change: (r: Record<string, unknown>) => void): string => {
    const copy = asJson(record) as unknown as Record<string, unknown>;
    change(copy);
    return JSON.stringify({ type: 'image', record: copy });
  };
  const cases: [string, string[], RegExp][] = [
    ['not JSON', [good.header, '{"type":"ima', good.end], /:2: not a JSON line/],
    ['no header', [good.image, good.end], /:1: header\.type: expected "header"/],
    ['two headers', [good.header, good.header, good.end], /:2: line: a second header line/],
    [
      'a loss as text',
      [good.header, bad((r) => (r['ce'] = 'high')), good.end],
      /:2: line\.record\.ce: expected a finite number or null/,
    ],
    [
      'a confusion matrix of another class count',
      [good.header, bad((r) => ((r['confusion'] as { counts: number[] }).counts = [1, 2, 3, 4])), good.end],
      /:2: line\.record\.confusion\.counts: expected an array of 441 numbers/,
    ],
    ['NaN written as a string', [good.header, bad((r) => (r['miou'] = 'NaN')), good.end], /:2: line\.record\.miou/],
    [
      'an unknown line',
      [good.header, '{"type":"comment"}', good.end],
      /:2: line\.type: expected header, image, skipped or end/,
    ],
    ['lines after the end', [good.header, good.end, good.image], /:3: lines after the end line/],
    [
      'a miscounted end',
      [good.header, good.image, JSON.stringify({ type: 'skipped', skipped: { file: 'x', reason: 'y' } }), good.end],
      /:4: the end line counts 1 images and 0 skipped, the file holds 1 and 1/,
    ],
    ['cut short', [good.header, good.image], /: cut short \(no end line\); write it again/],
    [
      'a bad header option',
      [JSON.stringify({ ...header(), metric: { ...DEFAULT_METRIC_OPTIONS, scales: [] } }), good.end],
      /:1: header\.metric: scales needs at least 1 value/,
    ],
    ['an empty file', [], /: empty, or not a SegLens results file/],
  ];
  for (const [what, lines, pattern] of cases) {
    const file = join(root, `bad-${what.replace(/\W+/g, '-')}.jsonl`);
    writeFileSync(file, lines.join('\n'));
    await assert.rejects(
      loadResultsFile(file),
      (error: unknown) =>
        error instanceof ResultsFileError && error.message.startsWith(file) && pattern.test(error.message),
      what,
    );
  }
});

test('the writer leaves a whole file or none: discard and a failed commit leave nothing behind', async () => {
  const dir = join(root, 'writer');
  const file = join(dir, 'results.jsonl');
  await assert.rejects(write(file, header(), [], []), /cannot write .*results\.jsonl \(ENOENT\)/);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  await write(file, header(), [], []);
  const whole = readFileSync(file, 'utf8');
  const cancelled = ResultsWriter.open(file, header());
  await cancelled.addSkipped({ file: 'x', reason: 'y' });
  await cancelled.discard();
  assert.equal(readFileSync(file, 'utf8'), whole, 'a discarded write leaves the earlier file as it was');
  assert.deepEqual(readdirSync(dir), ['results.jsonl'], 'no temporary file left');
  assert.equal(existsSync(join(dir, '.results.jsonl.tmp')), false);
});

test('the options identity keys on contents: a colour table edited in place, another id mapping, an option', () => {
  const text = (road: number[]): string =>
    JSON.stringify({
      classes: [
        { name: 'road', color: road },
        { name: 'sky', color: [70, 130, 180] },
      ],
      void: [[0, 0, 0]],
    });
  const before = parseColorTable(text([128, 64, 128]), '/data/table.json');
  const after = parseColorTable(text([128, 64, 129]), '/data/table.json');
  const base: EngineOptions = { metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 2 }, read: DEFAULT_READ_OPTIONS };
  const identity = (options: Partial<EngineOptions>): string => optionsIdentity({ ...base, ...options });
  assert.equal(identity({ colorTable: before }), identity({ colorTable: parseColorTable(text([128, 64, 128]), '/x') }));
  assert.notEqual(identity({ colorTable: before }), identity({ colorTable: after }), 'same path, one colour changed');
  const ids = {
    labelToTrain: CITYSCAPES_LABEL_TO_TRAIN,
    ignoreIndex: 255,
    labelIds: 'label' as const,
    predictionIds: 'train' as const,
  };
  assert.notEqual(identity({ ids }), identity({ ids: { ...ids, predictionIds: 'label' } }));
  assert.notEqual(
    identity({ ids }),
    identity({ ids: { ...ids, labelToTrain: ids.labelToTrain.map((id, i) => (i === 7 ? 1 : id)) } }),
  );
  assert.notEqual(identity({}), identity({ compute: 'tensor' }));
  assert.equal(identity({}), identity({ compute: 'exact' }), 'exact is the default');
  assert.notEqual(identity({}), optionsIdentity(base, { predictionsDir: '/a' }), 'the context joins the identity');
});

test('the options identity covers every metric, read and engine option of the option table', () => {
  const keys = OPTION_TABLE.filter((spec: OptionSpec) => ['metric', 'read', 'engine'].includes(spec.group))
    .map((spec) => spec.key)
    .sort();
  const base: EngineOptions = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS };
  assert.deepEqual(Object.keys(optionsRecord(base)).sort(), keys, 'the hashed record has exactly the table rows');
  const metric = (change: Partial<MetricOptions>): EngineOptions => ({
    ...base,
    metric: { ...base.metric, ...change },
  });
  const read = (change: Partial<ReadOptions>): EngineOptions => ({ ...base, read: { ...base.read, ...change } });
  const changed: Record<string, EngineOptions> = {
    classes: metric({ numClasses: 22 }),
    ignoreIndex: metric({ ignoreIndex: 0 }),
    scales: metric({ scales: [2, 4] }),
    scaleWeights: metric({ scaleWeights: [0.5, 0.25, 0.25] }),
    hardEpsilon: metric({ hardEpsilon: 0.01 }),
    loss: metric({ pooling: 'gaussian', minkowski: 5 }),
    pooling: metric({ pooling: 'gaussian' }),
    poolingSigma: metric({ pooling: 'gaussian', poolingSigma: 0.25 }),
    minkowski: metric({ minkowski: 2 }),
    boundaryRatio: metric({ boundaryRatio: 0.05 }),
    labelIssueThreshold: metric({ labelIssueThreshold: 0.2 }),
    softValues: read({ softValues: 'logits' }),
    softLayout: read({ softLayout: 'chw' }),
    maxMegapixels: read({ maxMegapixels: 8 }),
    compute: { ...base, compute: 'tensor' },
  };
  for (const key of keys) {
    const options = changed[key];
    assert.ok(options !== undefined, `a change of ${key} is tried`);
    assert.notEqual(optionsIdentity(options), optionsIdentity(base), key);
  }
});
