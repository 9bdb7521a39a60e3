import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertSameText, inMemoryReport, withoutTiming } from '../helpers/inMemoryReport';
import { vocColormap } from '../../src/core/io/colorTable';
import { encodeIndexPng } from '../../src/core/io/pngChunks';
import { generateScene } from '../../src/core/synthetic/scenes';
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

/**
 * Runs the CLI with its temporary files (the sorts' runs, the pairs past a chunk's worth) in a folder of
 * its own, which must be empty when the run is over.
 */
function seglens(args: readonly string[], sort: SortSizes): string {
  const temp = mkdtempSync(join(root, 'tmp-'));
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: {
      ...process.env,
      SEGLENS_SORT_CHUNK: String(sort.chunk),
      SEGLENS_SORT_FAN_IN: String(sort.fanIn),
      TMPDIR: temp,
      TMP: temp,
      TEMP: temp,
    },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(readdirSync(temp), [], 'the run removed its temporary files');
  rmSync(temp, { recursive: true });
  return result.stdout;
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
  const expected = await inMemoryReport(results, TOP);
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
