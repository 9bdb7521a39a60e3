import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { InputError } from '../../../src/core/errors';
import { evaluatePairs } from '../../../src/core/evaluate/evaluatePairs';
import type { ImageRecord } from '../../../src/core/evaluate/record';
import { vocColormap } from '../../../src/core/io/colorTable';
import { pairFiles, type SkippedFile } from '../../../src/core/io/pairing';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { readLabel, readPrediction, type EngineOptions } from '../../../src/core/io/readFiles';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';

/**
 * The broken-file corpus (test/fixtures/broken, made by make-broken.mjs): each file is reported
 * with its code and reason, and a folder mixing it with good sample pairs still evaluates the
 * good ones to the same numbers, in the engine (with and without workers) and in the CLI.
 */

const ROOT = resolve(__dirname, '../../../..');
const BROKEN = join(ROOT, 'test/fixtures/broken');
const SAMPLES = join(ROOT, 'samples/voc-mini');
const CLI = join(ROOT, 'dist/cli.js');
const OPTIONS: EngineOptions = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS };
const run = promisify(execFile);

interface Expectation {
  readonly file: string;
  readonly role: 'prediction' | 'label';
  readonly stage?: 'pair';
  readonly code: string | null;
  readonly reason?: string;
  readonly warning?: string;
}
const EXPECTED = (JSON.parse(readFileSync(join(BROKEN, 'expected.json'), 'utf8')) as { files: Expectation[] }).files;
const stem = (file: string): string => basename(file, extname(file));

const scratch = mkdtempSync(join(tmpdir(), 'seglens-broken-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An 8x6 palette map, the size every broken file declares (or is paired against). */
const goodSmallPng = (): Buffer =>
  encodeIndexPng(
    8,
    6,
    Uint16Array.from({ length: 48 }, (_, i) => (i * 5) % 21),
    { kind: 'palette', palette: vocColormap() },
  );

/** Copies the good sample pairs into `predictions/` and `labels/` of `dir`; returns their stems. */
function copyGoodPairs(dir: string): string[] {
  const stems: string[] = [];
  const copy = (from: string, labelsFrom: string): void => {
    for (const name of readdirSync(join(SAMPLES, from))) {
      copyFileSync(join(SAMPLES, from, name), join(dir, 'predictions', name));
      copyFileSync(join(SAMPLES, labelsFrom, `${stem(name)}.png`), join(dir, 'labels', `${stem(name)}.png`));
      stems.push(stem(name));
    }
  };
  copy('predictions', 'SegmentationClass');
  copy('soft-predictions', 'soft-labels');
  return stems;
}

function makeFolders(name: string): { root: string; predictions: string; labels: string } {
  const root = join(scratch, name);
  mkdirSync(join(root, 'predictions'), { recursive: true });
  mkdirSync(join(root, 'labels'), { recursive: true });
  return { root, predictions: join(root, 'predictions'), labels: join(root, 'labels') };
}

/** The good pairs, then every corpus file beside a good partner, a symlink loop and a dangling symlink. */
function mixedFolder(): { predictions: string; labels: string; root: string; goodStems: string[] } {
  const folders = makeFolders('mixed');
  const goodStems = copyGoodPairs(folders.root);
  for (const entry of EXPECTED) {
    const own = entry.role === 'prediction' ? folders.predictions : folders.labels;
    const other = entry.role === 'prediction' ? folders.labels : folders.predictions;
    copyFileSync(join(BROKEN, entry.file), join(own, entry.file));
    writeFileSync(join(other, `${stem(entry.file)}.png`), goodSmallPng());
  }
  symlinkSync('loop.png', join(folders.predictions, 'loop.png'));
  symlinkSync('no-such-file.png', join(folders.predictions, 'dangling.png'));
  symlinkSync('.', join(folders.predictions, 'folder-loop.png')); // a directory named .png pointing at its own folder
  return { ...folders, goodStems };
}

/** Where each expected skip must point: the broken file itself, in the side it was put in. */
function expectedSkips(folders: { predictions: string; labels: string }): Map<string, string> {
  const skips = new Map<string, string>();
  for (const entry of EXPECTED) {
    if (entry.code === null) continue;
    skips.set(join(entry.role === 'prediction' ? folders.predictions : folders.labels, entry.file), entry.reason!);
  }
  skips.set(join(folders.predictions, 'loop.png'), 'symbolic link loop');
  skips.set(join(folders.predictions, 'dangling.png'), 'dangling symbolic link');
  return skips;
}

function assertSkips(skipped: readonly SkippedFile[], expected: Map<string, string>, where: string): void {
  for (const [file, reason] of expected) {
    const hits = skipped.filter((s) => s.file === file);
    assert.equal(hits.length, 1, `${where}: ${file} must be skipped exactly once, got ${JSON.stringify(hits)}`);
    assert.ok(
      hits[0]!.reason.includes(reason),
      `${where}: ${file}: reason ${JSON.stringify(hits[0]!.reason)} lacks ${JSON.stringify(reason)}`,
    );
    assert.ok(!/[\r\n]/.test(hits[0]!.reason), `${where}: ${file}: the reason must be one line`);
  }
  assert.equal(
    skipped.length,
    expected.size,
    `${where}: unexpected skips ${JSON.stringify(skipped.filter((s) => !expected.has(s.file)))}`,
  );
}

/** The numbers of a record, without the paths (which differ between folders). */
function numbers(record: ImageRecord): Omit<ImageRecord, 'predictionFile' | 'labelFile'> {
  const { predictionFile: _p, labelFile: _l, ...rest } = record;
  return rest;
}

async function engineRun(
  predictions: string,
  labels: string,
  workers: number,
): Promise<{ records: Map<string, ImageRecord>; skipped: SkippedFile[] }> {
  const pairing = await pairFiles(predictions, labels);
  const skipped = [...pairing.unpaired];
  const records = new Map<string, ImageRecord>();
  for await (const outcome of evaluatePairs(pairing.pairs, OPTIONS, { workers })) {
    if (outcome.type === 'skipped') skipped.push(outcome.skipped);
    else records.set(outcome.record.name, outcome.record);
  }
  return { records, skipped };
}

/** Content hash of every entry under `dir` (symlinks by their target, never followed). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const info = lstatSync(path);
      if (info.isSymbolicLink()) out.set(path, `link:${readlinkSync(path)}`);
      else if (info.isDirectory()) walk(path);
      else out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

test('each corpus file is reported with its code and reason when read on its own', async () => {
  for (const entry of EXPECTED) {
    const file = join(BROKEN, entry.file);
    const read = entry.role === 'label' ? readLabel : readPrediction;
    if (entry.code === null || entry.stage === 'pair') {
      await read(file, OPTIONS); // readable: what goes wrong (if anything) is the pair
      continue;
    }
    await assert.rejects(read(file, OPTIONS), (error: unknown) => {
      assert.ok(error instanceof InputError, `${entry.file}: not an InputError: ${String(error)}`);
      assert.equal(error.file, file);
      assert.equal(error.code, entry.code, `${entry.file}: ${error.reason}`);
      assert.ok(
        error.reason.includes(entry.reason!),
        `${entry.file}: ${JSON.stringify(error.reason)} lacks ${JSON.stringify(entry.reason)}`,
      );
      return true;
    });
  }
});

test('a folder mixing good pairs with the corpus: every broken file skipped once, good pairs unchanged (engine and CLI)', async () => {
  const good = makeFolders('good-only');
  const goodStems = copyGoodPairs(good.root);
  const alone = await engineRun(good.predictions, good.labels, 0);
  assert.equal(alone.skipped.length, 0, JSON.stringify(alone.skipped));
  assert.equal(alone.records.size, goodStems.length);

  const mixed = mixedFolder();
  const before = snapshot(mixed.root);
  const skips = expectedSkips(mixed);

  for (const workers of [0, 2]) {
    const { records, skipped } = await engineRun(mixed.predictions, mixed.labels, workers);
    assertSkips(skipped, skips, `engine, workers ${workers}`);
    for (const name of goodStems)
      assert.deepEqual(numbers(records.get(name)!), numbers(alone.records.get(name)!), `workers ${workers}: ${name}`);
    for (const entry of EXPECTED.filter((e) => e.code === null)) {
      const record = records.get(stem(entry.file));
      assert.ok(record, `${entry.file} must be evaluated (spec: out-of-range ids are void / misses)`);
      if (entry.warning)
        assert.ok(
          record.warnings.some((w) => w.includes(entry.warning!)),
          `${entry.file}: warnings ${JSON.stringify(record.warnings)}`,
        );
    }
  }

  const { stdout } = await run(
    process.execPath,
    [CLI, 'eval', mixed.predictions, '--labels', mixed.labels, '--json', '--workers', '2'],
    { maxBuffer: 64 << 20 },
  );
  const report = JSON.parse(stdout) as {
    images: { name: string; ce: number | null; adaptive: number | null; miou: number | null; perClassIoU: unknown }[];
    skipped: SkippedFile[];
  };
  // The CLI detects VOC from the labels' palette, so an RGB photo meets the VOC colour table instead of none.
  const cliSkips = new Map(skips);
  cliSkips.set(join(mixed.predictions, 'rgb-photo.png'), 'is not in the voc colour table');
  assertSkips(report.skipped, cliSkips, 'CLI');
  for (const name of goodStems) {
    const image = report.images.find((i) => i.name === name);
    const expected = alone.records.get(name)!;
    assert.ok(image, `CLI: ${name} missing`);
    assert.deepEqual(
      [image.ce, image.adaptive, image.miou, image.perClassIoU],
      [expected.ce, expected.adaptive, expected.miou, expected.perClassIoU],
      `CLI: ${name}`,
    );
  }

  // The engine only reads: nothing in the input folders changed, appeared or disappeared.
  assert.deepEqual(snapshot(mixed.root), before);
});

test('an empty folder ends the CLI with a non-zero exit and a one-line reason', async () => {
  const empty = makeFolders('empty');
  await assert.rejects(
    run(process.execPath, [CLI, 'eval', empty.predictions, '--labels', empty.labels, '--json']),
    (error: unknown) => {
      const failure = error as { code: number; stderr: string };
      assert.notEqual(failure.code, 0);
      const lines = failure.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `stderr: ${failure.stderr}`);
      assert.match(lines[0]!, /^seglens: no image could be evaluated/);
      return true;
    },
  );
});

test('symlink loops and dangling links are reported by pairing, never followed', async () => {
  const folders = makeFolders('links');
  writeFileSync(join(folders.predictions, 'real.png'), goodSmallPng());
  writeFileSync(join(folders.labels, 'real.png'), goodSmallPng());
  symlinkSync('loop.png', join(folders.predictions, 'loop.png'));
  symlinkSync('b.png', join(folders.predictions, 'a.png'));
  symlinkSync('a.png', join(folders.predictions, 'b.png'));
  symlinkSync('gone.png', join(folders.labels, 'dangling.png'));
  symlinkSync('..', join(folders.predictions, 'up.png'));
  const { pairs, unpaired } = await pairFiles(folders.predictions, folders.labels);
  assert.deepEqual(
    pairs.map((p) => p.name),
    ['real'],
  );
  const reasons = Object.fromEntries(unpaired.map((s) => [basename(s.file), s.reason]));
  assert.deepEqual(reasons, {
    'loop.png': 'symbolic link loop',
    'a.png': 'symbolic link loop',
    'b.png': 'symbolic link loop',
    'dangling.png': 'dangling symbolic link',
  });
});

test('a prediction deleted between pairing and evaluation is skipped as vanished', async () => {
  for (const workers of [0, 2]) {
    const folders = makeFolders(`vanish-${workers}`);
    for (const name of ['keep', 'gone']) {
      writeFileSync(join(folders.predictions, `${name}.png`), goodSmallPng());
      writeFileSync(join(folders.labels, `${name}.png`), goodSmallPng());
    }
    const { pairs } = await pairFiles(folders.predictions, folders.labels);
    unlinkSync(join(folders.predictions, 'gone.png'));
    const outcomes = [];
    for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers })) outcomes.push(outcome);
    const skipped = outcomes.flatMap((o) => (o.type === 'skipped' ? [o.skipped] : []));
    assert.deepEqual(
      skipped.map((s) => basename(s.file)),
      ['gone.png'],
      `workers ${workers}`,
    );
    assert.match(skipped[0]!.reason, /vanished/);
    assert.equal(outcomes.filter((o) => o.type === 'image').length, 1);
  }
});
