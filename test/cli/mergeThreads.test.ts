import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../helpers/golden';
import { assertSameText, inMemoryReport, withoutTiming } from '../helpers/inMemoryReport';

/**
 * `seglens merge` on worker threads (issue 23): its outputs against a naive merge written here (every
 * part read whole, split into lines as readline splits them, parsed, the image lines copied in part
 * order) and the reports computed in memory from that merged file; a bad part named with its line; a
 * run killed part-way leaves no merged file. Parts are read in small chunks (SEGLENS_MERGE_CHUNK), so
 * every part is many chunks and most of them are checked on the worker threads.
 */

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'seglens-merge-threads-'));
after(() => rmSync(root, { recursive: true, force: true }));
const TOP = 15;
const SMALL_CHUNKS = { SEGLENS_MERGE_CHUNK: '8192' };

function seglens(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Json = Record<string, unknown>;

/** The sample run's header and records (12 images), evaluated once by the CLI. */
function sampleRun(): { header: Json; records: Json[] } {
  const file = join(root, 'sample.jsonl');
  const run = seglens([
    'eval',
    join(REPO_ROOT, 'samples', 'voc-mini', 'predictions'),
    '--labels',
    join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass'),
    '--out',
    file,
    '--workers',
    '0',
  ]);
  assert.equal(run.status, 0, run.stderr);
  const lines = readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Json);
  const records = lines.filter((line) => line['type'] === 'image').map((line) => line['record'] as Json);
  assert.equal(records.length, 12);
  return { header: lines[0]!, records };
}

const sample = sampleRun();

/**
 * Image `k` of a generated run: a sample record under its own name, its losses moved by a small step
 * that repeats every 7 images (so many images tie and are ordered by name), its counts as they are.
 */
function generatedRecord(k: number, name = `img_${String(k).padStart(6, '0')}`): Json {
  const base = sample.records[k % sample.records.length]!;
  const step = (k % 7) * 1e-3;
  const moved = (value: unknown): unknown => (typeof value === 'number' ? value + step : value);
  return { ...base, name, adaptive: moved(base['adaptive']), ce: moved(base['ce']), miou: base['miou'] };
}

interface PartOptions {
  /** Line break after each line. */
  readonly eol?: '\n' | '\r\n';
  /** A blank line after every this many lines. */
  readonly blankEvery?: number;
  /** Skipped entries written among the images. */
  readonly skipped?: readonly Json[];
  /** Leave the last line (the end line) without a line break. */
  readonly noFinalBreak?: boolean;
}

/** A part file as an eval shard writes it: header, image lines, skipped lines, end line. */
function writePart(
  dir: string,
  index: number,
  count: number,
  records: readonly Json[],
  options: PartOptions = {},
): string {
  const eol = options.eol ?? '\n';
  const skipped = options.skipped ?? [];
  const body = records.map((record) => JSON.stringify({ type: 'image', record }));
  skipped.forEach((entry, i) =>
    body.splice(Math.min(body.length, (i + 1) * 37), 0, JSON.stringify({ type: 'skipped', skipped: entry })),
  );
  const lines = [
    JSON.stringify({ ...sample.header, shard: `${index}/${count}` }),
    ...body,
    JSON.stringify({ type: 'end', images: records.length, skipped: skipped.length }),
  ];
  const every = options.blankEvery;
  const text = lines
    .map((line, i) => (every !== undefined && i % every === every - 1 ? `${line}${eol}${eol}` : `${line}${eol}`))
    .join('');
  const file = join(dir, `part-${index}-of-${count}.jsonl`);
  writeFileSync(file, options.noFinalBreak === true ? text.replace(/(\r\n|\n)+$/, '') : text);
  return file;
}

/**
 * The naive merge: each part read whole and split as readline splits lines (`\r\n`, `\n`, a lone `\r`),
 * blank lines dropped, the header first; the merged file is the first part's header as shard 0/1, every
 * image line as read and every skipped line written anew, in part order, and an end line counting them.
 */
function naiveMerge(parts: readonly string[]): string {
  let header: Json | undefined;
  const body: string[] = [];
  let images = 0;
  let skipped = 0;
  for (const part of parts) {
    const lines = readFileSync(part, 'utf8')
      .split(/\r\n|\n|\r/)
      .filter((line) => line.trim() !== '');
    header ??= JSON.parse(lines[0]!) as Json;
    for (const line of lines.slice(1)) {
      const value = JSON.parse(line) as Json;
      if (value['type'] === 'image') {
        images++;
        body.push(line);
      } else if (value['type'] === 'skipped') {
        skipped++;
        body.push(JSON.stringify({ type: 'skipped', skipped: value['skipped'] }));
      }
    }
  }
  const end = JSON.stringify({ type: 'end', images, skipped });
  return [JSON.stringify({ ...header, shard: '0/1' }), ...body, end].map((line) => `${line}\n`).join('');
}

/** The merged file's lines after its header, and its header parsed (the CLI writes the header as it read it). */
function assertSameMerged(actual: string, expected: string, what: string): void {
  const cut = (text: string): [Json, string] => [
    JSON.parse(text.slice(0, text.indexOf('\n'))) as Json,
    text.slice(text.indexOf('\n') + 1),
  ];
  const [actualHeader, actualBody] = cut(actual);
  const [expectedHeader, expectedBody] = cut(expected);
  assert.deepEqual(actualHeader, expectedHeader, `${what}: the header`);
  assertSameText(actualBody, expectedBody, `${what}: the merged lines`);
}

/** Four parts of 3,000 generated images, written with every way of breaking lines the reader accepts. */
function generatedRun(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const records = Array.from({ length: 3000 }, (_, k) => generatedRecord(k));
  const ofPart = (index: number): Json[] => records.filter((_, k) => k % 4 === index);
  // Part 2 also holds an image and a skipped file with names outside ASCII (those chunks are decoded as UTF-8).
  const part2 = [...ofPart(2), generatedRecord(3000, 'bild_überall_图像')];
  return [
    writePart(dir, 0, 4, ofPart(0)),
    writePart(dir, 1, 4, ofPart(1), { eol: '\r\n', blankEvery: 5 }),
    writePart(dir, 2, 4, part2, {
      skipped: [
        { file: 'predictions/ünpaired.png', reason: 'no label with this name' },
        { file: 'predictions/broken.png', reason: 'not a PNG' },
      ],
    }),
    writePart(dir, 3, 4, ofPart(3), { blankEvery: 11, noFinalBreak: true }),
  ];
}

test('merge on worker threads: --out, --json, --csv and the text report equal a naive merge and the in-memory reports', async () => {
  const dir = join(root, 'generated');
  const parts = generatedRun(dir);
  const naive = join(root, 'naive.jsonl');
  writeFileSync(naive, naiveMerge(parts));
  const expected = await inMemoryReport(naive, TOP);
  assert.equal(expected.images, 3001);
  for (const workers of ['2', '1', '0']) {
    const out = join(root, `merged-${workers}.jsonl`);
    const csv = join(root, `merged-${workers}.csv`);
    const what = `--workers ${workers}`;
    const json = seglens(['merge', dir, '--out', out, '--json', '--csv', csv, '--workers', workers], SMALL_CHUNKS);
    assert.equal(json.status, 0, json.stderr);
    assertSameMerged(readFileSync(out, 'utf8'), readFileSync(naive, 'utf8'), what);
    assertSameText(json.stdout, expected.json, `${what}: --json`);
    assertSameText(readFileSync(csv, 'utf8'), expected.csv, `${what}: --csv`);
    const text = seglens(['merge', dir, '--top', String(TOP), '--workers', workers], SMALL_CHUNKS);
    assert.equal(text.status, 0, text.stderr);
    const report = withoutTiming(text.stdout);
    assert.match(report, /^merged 4 parts of run \S+\n/);
    assertSameText(report.slice(report.indexOf('\n') + 1), expected.text, `${what}: the text report`);
  }
  // The reader's own chunk size (1 MB: each part is one or two chunks) gives the same file.
  const whole = join(root, 'merged-default.jsonl');
  assert.equal(seglens(['merge', dir, '--out', whole]).status, 0);
  assert.equal(readFileSync(whole, 'utf8'), readFileSync(join(root, 'merged-2.jsonl'), 'utf8'));
});

/** A copy of the generated run with `part` replaced by `text`. */
function brokenRun(name: string, part: number, edit: (lines: string[]) => string[]): { dir: string; file: string } {
  const dir = join(root, name);
  const parts = generatedRun(dir);
  const file = parts[part]!;
  writeFileSync(file, edit(readFileSync(file, 'utf8').split('\n')).join('\n'));
  return { dir, file };
}

/** Merges `dir` on two worker threads with --out; the merge must fail with `message` and leave no merged file. */
function assertRefused(dir: string, message: RegExp): void {
  const out = join(dir, 'merged.jsonl');
  const run = seglens(['merge', dir, '--out', out, '--workers', '2'], SMALL_CHUNKS);
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stderr, message);
  assert.equal(existsSync(out), false, 'no merged file');
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
}

/** The number (from 1) of the first image line at or after line `from`. */
const imageLineFrom = (lines: readonly string[], from: number): number =>
  lines.findIndex((line, i) => i >= from - 1 && line.startsWith('{"type":"image"')) + 1;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('merge on worker threads refuses a bad part naming the file and the line, and writes nothing', () => {
  // Line 400 of part 0 (deep in the part: checked on a worker thread) cut short.
  const cut = brokenRun('cut-line', 0, (lines) => lines.map((line, i) => (i === 399 ? line.slice(0, 80) : line)));
  assertRefused(cut.dir, new RegExp(`${escape(cut.file)}:400: not a JSON line`));
  // A figure of the wrong type in part 3 (blank lines among its lines) and a twin image in part 1 (CRLF).
  let typedLine = 0;
  const typed = brokenRun('wrong-type', 3, (lines) => {
    typedLine = imageLineFrom(lines, 600);
    return lines.map((line, i) => (i === typedLine - 1 ? line.replace(/"width":\d+/, '"width":"wide"') : line));
  });
  assertRefused(typed.dir, new RegExp(`${escape(typed.file)}:${typedLine}: line\\.record\\.width: expected`));
  let twinLine = 0;
  const twin = brokenRun('twin', 1, (lines) => {
    twinLine = imageLineFrom(lines, 500);
    return lines.map((line, i) =>
      i === twinLine - 1 ? line.replace(/"name":"img_\d+"/, '"name":"img_000004"') : line,
    );
  });
  assertRefused(twin.dir, new RegExp(`${escape(twin.file)}:${twinLine}: image img_000004 is in more than one shard`));
  // Part 1 (CRLF, blank lines) cut short: no end line.
  const short = brokenRun('short', 1, (lines) => lines.slice(0, 700));
  assertRefused(short.dir, new RegExp(`${escape(short.file)}: cut short \\(no end line\\); run shard 1/4 again`));
  // A line after part 0's end line.
  const after = brokenRun('after-end', 0, (lines) => [...lines, lines[5]!]);
  assertRefused(after.dir, new RegExp(`${escape(after.file)}:\\d+: lines after the end line`));
  // The first fault in part order wins: part 1 is cut short and part 3 has a bad line.
  const two = brokenRun('two-faults', 3, (lines) => lines.map((line, i) => (i === 100 ? '{' : line)));
  writeFileSync(
    join(two.dir, 'part-1-of-4.jsonl'),
    readFileSync(join(two.dir, 'part-1-of-4.jsonl'), 'utf8').slice(0, 50_000),
  );
  assertRefused(two.dir, /part-1-of-4\.jsonl: cut short/);
});

test('a merge killed part-way leaves no merged file; one stopped by SIGTERM leaves no temporary file either', async () => {
  const dir = join(root, 'large');
  mkdirSync(dir, { recursive: true });
  // 40,000 images (about 80 MB): long enough to be caught part-way.
  const records = Array.from({ length: 40_000 }, (_, k) => generatedRecord(k));
  for (let index = 0; index < 4; index++)
    writePart(
      dir,
      index,
      4,
      records.filter((_, k) => k % 4 === index),
    );
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const out = join(root, `killed-${signal}.jsonl`);
    const child = spawn(process.execPath, [CLI, 'merge', dir, '--out', out, '--workers', '2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, killedBy) => resolve({ code, signal: killedBy })),
    );
    const temp = join(root, `.killed-${signal}.jsonl.${child.pid}.tmp`);
    // Stopped once a part of the merged lines is written (the merged file is then under way, not done).
    while (!(existsSync(temp) && statSync(temp).size > 4 << 20)) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill(signal);
    const { code, signal: killedBy } = await exited;
    if (signal === 'SIGKILL') assert.equal(killedBy, 'SIGKILL', 'killed before it finished');
    else assert.equal(code, 1, 'interrupted: exit code 1');
    assert.equal(existsSync(out), false, `${signal}: no merged file`);
    if (signal === 'SIGTERM') assert.equal(existsSync(temp), false, 'SIGTERM: the temporary file removed');
    rmSync(temp, { force: true });
  }
});
