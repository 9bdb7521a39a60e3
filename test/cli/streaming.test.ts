import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { vocColormap } from '../../src/core/io/colorTable';
import { encodeIndexPng } from '../../src/core/io/pngChunks';
import { generateScene } from '../../src/core/synthetic/scenes';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'seglens-streaming-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI; `chunk` rows are held before a sorted run goes to disk, `fanIn` runs are merged at once. */
function seglens(args: readonly string[], sort: { chunk: number; fanIn: number }) {
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

/**
 * Every output of a run whose rows all fit in memory (one sorted chunk, nothing spilled) against the
 * same run with the rows spilled in runs of `chunk` and merged `fanIn` at a time: the same bytes.
 */
function assertSameOutputs(args: readonly string[], name: string, chunk: number, fanIn: number): void {
  const inMemory = { chunk: 1 << 30, fanIn: 64 };
  const spilled = { chunk, fanIn };
  const csvA = join(root, `${name}-memory.csv`);
  const csvB = join(root, `${name}-spilled.csv`);
  const jsonA = seglens([...args, '--json', '--csv', csvA], inMemory);
  const jsonB = seglens([...args, '--json', '--csv', csvB], spilled);
  assert.equal(jsonB, jsonA, `${name}: --json`);
  assert.equal(readFileSync(csvB, 'utf8'), readFileSync(csvA, 'utf8'), `${name}: --csv`);
  assert.equal(
    withoutTiming(seglens([...args, '--top', '25'], spilled)),
    withoutTiming(seglens([...args, '--top', '25'], inMemory)),
  );
  const report = JSON.parse(jsonA) as { images: { adaptive: number | null }[] };
  assert.ok(report.images.length > 0);
}

test('the sample data: the streamed report (rows spilled and merged in two passes) equals the in-memory one', () => {
  const args = [
    'eval',
    join(REPO_ROOT, 'samples', 'voc-mini', 'predictions'),
    '--labels',
    join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass'),
  ];
  // 12 images in runs of 2, merged 3 at a time: 6 runs, so one extra merge pass.
  assertSameOutputs(args, 'sample', 2, 3);
});

test('2,000 generated pairs: eval and merge stream the same bytes as the in-memory report', () => {
  const predictions = join(root, 'gen', 'predictions');
  const labels = join(root, 'gen', 'labels');
  mkdirSync(predictions, { recursive: true });
  mkdirSync(labels, { recursive: true });
  const palette = vocColormap();
  for (let i = 0; i < 2000; i++) {
    const scene = generateScene(5000 + i, { width: 16, height: 12, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
    const name = `img_${String(i).padStart(5, '0')}.png`;
    writeFileSync(join(labels, name), encodeIndexPng(16, 12, scene.label, { kind: 'palette', palette }));
    writeFileSync(join(predictions, name), encodeIndexPng(16, 12, scene.prediction, { kind: 'palette', palette }));
  }
  const args = ['eval', predictions, '--labels', labels, '--workers', '2'];
  assertSameOutputs(args, 'generated', 150, 4);
  const run = join(root, 'gen-run');
  for (const i of [0, 1, 2]) seglens([...args, '--shard', `${i}/3`, '--out', run], { chunk: 150, fanIn: 4 });
  const merged = seglens(['merge', run, '--json'], { chunk: 150, fanIn: 4 });
  const whole = seglens([...args, '--json'], { chunk: 1 << 30, fanIn: 64 });
  const strip = (text: string) => JSON.parse(text) as { images: unknown[]; dataset: unknown };
  assert.deepEqual(strip(merged).images, strip(whole).images, 'merged parts: the same images in the same order');
  assert.deepEqual(strip(merged).dataset, strip(whole).dataset, 'merged parts: the same dataset figures, bit for bit');
});
