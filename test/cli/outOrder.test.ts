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
const root = mkdtempSync(join(tmpdir(), 'seglens-out-order-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** `eval ... --out FILE --workers N`: the results file's bytes. */
function resultsOf(args: readonly string[], workers: number, name: string): Buffer {
  const out = join(root, `${name}-${workers}.jsonl`);
  const result = spawnSync(process.execPath, [CLI, ...args, '--workers', String(workers), '--out', out], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return readFileSync(out);
}

function assertSameBytes(args: readonly string[], name: string, workerCounts: readonly number[]): string[] {
  const single = resultsOf(args, 0, name);
  for (const workers of workerCounts)
    assert.ok(
      resultsOf(args, workers, name).equals(single),
      `${name}: --out with ${workers} workers differs from the run on the main thread`,
    );
  return single.toString('utf8').trimEnd().split('\n');
}

test('the sample data: --out with 2 and 3 workers is the same bytes as with --workers 0', () => {
  const voc = join(REPO_ROOT, 'samples', 'voc-mini');
  const lines = assertSameBytes(
    ['eval', join(voc, 'predictions'), '--labels', join(voc, 'SegmentationClass')],
    'sample',
    [2, 3],
  );
  assert.equal(lines.length, 1 + 12 + 1, 'header, the 12 sample images, end line');
});

/**
 * 48 pairs in name order: every eighth a 1536×1152 frame (hundreds of times the work of the 16×12 ones
 * around it, so the workers finish out of order), and two predictions that cannot be read (skipped
 * entries, which the results file lists among the images).
 */
function mixedFolder(): { predictions: string; labels: string; images: number; broken: number } {
  const predictions = join(root, 'mixed', 'predictions');
  const labels = join(root, 'mixed', 'labels');
  mkdirSync(predictions, { recursive: true });
  mkdirSync(labels, { recursive: true });
  const format = { kind: 'palette', palette: vocColormap() } as const;
  const count = 48;
  const brokenAt = new Set([5, 30]);
  for (let i = 0; i < count; i++) {
    const size = i % 8 === 0 ? { width: 1536, height: 1152 } : { width: 16, height: 12 };
    const { label, prediction } = generateScene(700 + i, { ...size, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
    const file = `img_${String(i).padStart(3, '0')}.png`;
    writeFileSync(join(labels, file), encodeIndexPng(size.width, size.height, label, format));
    writeFileSync(
      join(predictions, file),
      brokenAt.has(i) ? 'not a PNG' : encodeIndexPng(size.width, size.height, prediction, format),
    );
  }
  return { predictions, labels, images: count - brokenAt.size, broken: brokenAt.size };
}

test('images of very different sizes and unreadable files: --out with 2 workers is the same bytes as with --workers 0', () => {
  const folder = mixedFolder();
  const lines = assertSameBytes(['eval', folder.predictions, '--labels', folder.labels], 'mixed', [2]);
  const kinds = lines.slice(1, -1).map((line) => Object.keys(JSON.parse(line) as object)[0]);
  assert.equal(kinds.length, folder.images + folder.broken, 'one line per pair');
});
