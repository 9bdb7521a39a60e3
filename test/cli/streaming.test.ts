import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { formatTable } from '../../src/cli/table';
import { DatasetAccumulator, type DatasetSummary } from '../../src/core/evaluate/datasetSummary';
import type { ImageRecord } from '../../src/core/evaluate/record';
import { vocColormap } from '../../src/core/io/colorTable';
import { encodeIndexPng } from '../../src/core/io/pngChunks';
import { DEFAULT_READ_OPTIONS, lossVariantName, optionsRecord } from '../../src/core/options';
import { recordsToCsv } from '../../src/core/report/csv';
import { buildJsonReport, classColumnNames } from '../../src/core/report/jsonReport';
import { loadResultsFile } from '../../src/core/report/resultsFile';
import { generateScene } from '../../src/core/synthetic/scenes';
import { exactSumOracle } from '../helpers/exactSumOracle';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'seglens-streaming-'));
after(() => rmSync(root, { recursive: true, force: true }));
const TOP = 25;

/** The external sort's sizes: `chunk` rows are held before a sorted run goes to disk, `fanIn` runs are merged at once. */
interface SortSizes {
  readonly chunk: number;
  readonly fanIn: number;
}

function seglens(args: readonly string[], sort: SortSizes): string {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, SEGLENS_SORT_CHUNK: String(sort.chunk), SEGLENS_SORT_FAN_IN: String(sort.fanIn) },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** The text report without its timing line, which differs from run to run. */
const withoutTiming = (text: string): string => text.replace(/^Compute: .*$/m, 'Compute: …');

/** Equal texts; on a difference, where it starts and the text around it (not megabytes of both). */
function assertSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  const around = (text: string): string => JSON.stringify(text.slice(Math.max(0, at - 200), at + 200));
  assert.fail(
    `${what}: differs from character ${at} (lengths ${actual.length} and ${expected.length})\n` +
      `streamed:  ${around(actual)}\nin memory: ${around(expected)}`,
  );
}

// ------------------------------------------------------------------------------ the in-memory report

/**
 * The CLI's default order, typed out again: the adaptive loss highest first, images without one last,
 * ties by name in code-point order.
 */
function byAdaptiveLoss(a: ImageRecord, b: ImageRecord): number {
  if (a.adaptive === null || b.adaptive === null) {
    if (a.adaptive !== b.adaptive) return a.adaptive === null ? 1 : -1;
  } else if (a.adaptive !== b.adaptive) {
    return b.adaptive - a.adaptive;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const exactMean = (values: readonly number[]): number | null =>
  values.length > 0 ? exactSumOracle(values) / values.length : null;

/**
 * The dataset figures with every record in memory. What the streamed run keeps as bounded state, the
 * pooled confusion matrix and the means (exact running sums), is computed here independently: plain sums
 * of every record's cells, and each mean from all its values at once by a BigInt exact sum. The figures
 * derived from the pooled counts (IoUs, mmseg's scores, Boundary IoU) use the engine's formulas, from an
 * accumulator fed the records in reverse order.
 */
function inMemoryDataset(records: readonly ImageRecord[], numClasses: number): DatasetSummary {
  const accumulator = new DatasetAccumulator(numClasses);
  for (let i = records.length - 1; i >= 0; i--) accumulator.add(records[i]!);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const unknown = new Array<number>(numClasses).fill(0);
  for (const record of records) {
    record.confusion.counts.forEach((count, i) => (confusion[Math.floor(i / numClasses)]![i % numClasses]! += count));
    record.confusion.unknown.forEach((count, c) => (unknown[c]! += count));
  }
  const withLosses = records.filter((r) => r.ce !== null && r.adaptive !== null && r.mergeEffect !== null);
  return {
    ...accumulator.summary(),
    images: records.length,
    confusion,
    unknownPredictions: unknown,
    meanImageMiou: exactMean(records.flatMap((r) => (r.miou === null ? [] : [r.miou]))),
    meanCe: exactMean(withLosses.map((r) => r.ce!)),
    meanAdaptive: exactMean(withLosses.map((r) => r.adaptive!)),
    meanMergeEffect: exactMean(withLosses.map((r) => r.mergeEffect!)),
  };
}

/**
 * The run's --json, --csv and text report computed the old way: every record of its results file in
 * memory, sorted at once, printed at once by the report builders (no external sort, no heap, no running
 * sums).
 */
async function inMemoryReport(
  resultsFile: string,
): Promise<{ json: string; csv: string; text: string; images: number }> {
  const { header, records, skipped } = await loadResultsFile(resultsFile);
  const { metric } = header;
  const ranked = [...records].sort(byAdaptiveLoss);
  const dataset = inMemoryDataset(records, metric.numClasses);
  const engine = { metric, read: header.read ?? DEFAULT_READ_OPTIONS, compute: header.compute };
  const backend = `${header.backend}, loss ${lossVariantName(metric)}`;
  return {
    json: `${JSON.stringify(buildJsonReport(header.backend, engine, ranked, dataset, skipped, header.info))}\n`,
    csv: recordsToCsv(
      ranked,
      metric.scales,
      classColumnNames(metric.numClasses, header.info?.classNames),
      optionsRecord(engine),
    ),
    text: withoutTiming(formatTable(ranked.slice(0, TOP), dataset, skipped, backend, 0, header.info)),
    images: records.length,
  };
}

// ------------------------------------------------------------------------------ streamed against in memory

/**
 * Runs eval with `--out`, `--json` and `--csv`, and again for the text report, with the external sort's
 * sizes given; every output must be, byte for byte, the in-memory report of the records the run wrote.
 * Returns that report and the run's results file.
 */
async function assertStreamedEqualsInMemory(
  args: readonly string[],
  name: string,
  sort: SortSizes,
): Promise<{ expected: Awaited<ReturnType<typeof inMemoryReport>>; results: string }> {
  const results = join(root, `${name}.jsonl`);
  const csv = join(root, `${name}.csv`);
  const json = seglens([...args, '--out', results, '--json', '--csv', csv], sort);
  const text = withoutTiming(seglens([...args, '--top', String(TOP)], sort));
  const expected = await inMemoryReport(results);
  assert.ok(expected.images > 0, `${name}: images were evaluated`);
  assertSameText(json, expected.json, `${name}: --json`);
  assertSameText(readFileSync(csv, 'utf8'), expected.csv, `${name}: --csv`);
  assertSameText(text, expected.text, `${name}: the text report`);
  return { expected, results };
}

test('the sample data: the streamed report (rows spilled and merged in two passes) equals the in-memory one', async () => {
  const args = [
    'eval',
    join(REPO_ROOT, 'samples', 'voc-mini', 'predictions'),
    '--labels',
    join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass'),
  ];
  // 12 images in runs of 2, merged 3 at a time: 6 runs, so one extra merge pass.
  await assertStreamedEqualsInMemory(args, 'sample', { chunk: 2, fanIn: 3 });
});

// ------------------------------------------------------------------------------ generated folders

const SIZE = { width: 16, height: 12 };
const NAMES_PER_SCENE = 5;

/**
 * `count` pairs of 16×12 palette PNGs from `count / 5` generated scenes, each under five names: the first
 * as generated, the other four with one prediction pixel changed (scene and name decide which and to what
 * class), which is about a fifth of the cost of `count` scenes. Most records differ; a change on the void
 * border changes no figure, and those records tie with the first, which the order breaks by name.
 */
function generatedFolder(name: string, count: number): { predictions: string; labels: string } {
  const predictions = join(root, name, 'predictions');
  const labels = join(root, name, 'labels');
  mkdirSync(predictions, { recursive: true });
  mkdirSync(labels, { recursive: true });
  const format = { kind: 'palette', palette: vocColormap() } as const;
  const pixels = SIZE.width * SIZE.height;
  for (let scene = 0; scene * NAMES_PER_SCENE < count; scene++) {
    const { label, prediction } = generateScene(5000 + scene, {
      ...SIZE,
      numClasses: 21,
      ignoreIndex: 255,
      voidBand: 1,
    });
    const labelPng = encodeIndexPng(SIZE.width, SIZE.height, label, format);
    for (let copy = 0; copy < NAMES_PER_SCENE && scene * NAMES_PER_SCENE + copy < count; copy++) {
      const ids = prediction.slice();
      if (copy > 0) {
        const at = (scene * 31 + copy * 47) % pixels;
        ids[at] = (ids[at]! + copy) % 21;
      }
      const file = `img_${String(scene * NAMES_PER_SCENE + copy).padStart(6, '0')}.png`;
      writeFileSync(join(labels, file), labelPng);
      writeFileSync(join(predictions, file), encodeIndexPng(SIZE.width, SIZE.height, ids, format));
    }
  }
  return { predictions, labels };
}

const GENERATED = [
  // 2,000 pairs in runs of 150 merged 4 at a time (14 runs: two extra merge passes); also run as 3 shards and merged.
  { count: 2000, sort: { chunk: 150, fanIn: 4 }, shards: 3 },
  // The size: 20,000 pairs in runs of 1,000 merged 8 at a time (20 runs: two extra merge passes).
  { count: 20000, sort: { chunk: 1000, fanIn: 8 }, shards: 0 },
];

for (const { count, sort, shards } of GENERATED) {
  const merge = shards > 0 ? `; merged from ${shards} shards, the same bytes` : '';
  test(`${count.toLocaleString('en')} generated pairs: the streamed --json, --csv and text report equal the in-memory ones${merge}`, async () => {
    assert.ok(count > sort.chunk * sort.fanIn, 'the rows spill to disk and take more than one merge pass');
    const name = `generated-${count}`;
    const { predictions, labels } = generatedFolder(name, count);
    const args = ['eval', predictions, '--labels', labels, '--workers', '2'];
    const { expected } = await assertStreamedEqualsInMemory(args, name, sort);
    assert.equal(expected.images, count, 'every generated pair was evaluated');
    if (shards === 0) return;
    const run = join(root, `${name}-run`);
    for (let i = 0; i < shards; i++) seglens([...args, '--shard', `${i}/${shards}`, '--out', run], sort);
    const csv = join(root, `${name}-merged.csv`);
    assertSameText(seglens(['merge', run, '--json', '--csv', csv], sort), expected.json, 'merged parts: --json');
    assertSameText(readFileSync(csv, 'utf8'), expected.csv, 'merged parts: --csv');
    // The merge's text report says first what it merged; the rest is the whole run's.
    const text = withoutTiming(seglens(['merge', run, '--top', String(TOP)], sort));
    assert.match(text, new RegExp(`^merged ${shards} parts of run \\S+\\n`));
    assertSameText(text.slice(text.indexOf('\n') + 1), expected.text, 'merged parts: the text report');
  });
}
