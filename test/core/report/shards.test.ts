import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vocColormap } from '../../../src/core/io/colorTable';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { generateScene } from '../../../src/core/synthetic/scenes';
import { REPO_ROOT } from '../../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SHARDS = 3;

interface Report {
  backend: string;
  images: { name: string }[];
  dataset: unknown;
  skipped: { file: string; reason: string }[];
  ignored?: { file: string; reason: string }[];
}

function seglens(args: string[]): Report {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, `seglens ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

/** 30 generated pairs plus the kinds of broken input a real folder has, so shards carry skipped lines too. */
function makeFolder(root: string): { predictions: string; labels: string } {
  const predictions = join(root, 'predictions');
  const labels = join(root, 'labels');
  mkdirSync(predictions);
  mkdirSync(labels);
  const palette = vocColormap();
  for (let i = 0; i < 30; i++) {
    const width = 48 + (i % 3) * 8;
    const height = 40;
    const scene = generateScene(200 + i, { width, height, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
    const name = `img_${String(i).padStart(3, '0')}`;
    writeFileSync(
      join(labels, `${name}.png`),
      encodeIndexPng(width, height, scene.label, { kind: 'palette', palette }),
    );
    const prediction = encodeIndexPng(width, height, scene.prediction, { kind: 'palette', palette });
    // Two broken predictions: one cut short, one that is not a PNG at all.
    const bytes =
      i === 7
        ? prediction.subarray(0, Math.floor(prediction.length / 2))
        : i === 19
          ? Buffer.from('not a png')
          : prediction;
    writeFileSync(join(predictions, `${name}.png`), bytes);
  }
  // A prediction without a label.
  const orphan = generateScene(999, { width: 32, height: 32, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
  writeFileSync(
    join(predictions, 'orphan.png'),
    encodeIndexPng(32, 32, orphan.prediction, { kind: 'palette', palette }),
  );
  return { predictions, labels };
}

const byName = <T extends { name: string }>(items: T[]): T[] => [...items].sort((a, b) => a.name.localeCompare(b.name));
const byFile = <T extends { file: string }>(items: T[]): T[] => [...items].sort((a, b) => a.file.localeCompare(b.file));

test('eval in 3 shards then merge equals one eval exactly', () => {
  const root = mkdtempSync(join(tmpdir(), 'seglens-shards-'));
  try {
    const { predictions, labels } = makeFolder(root);
    const whole = seglens(['eval', predictions, '--labels', labels, '--json', '--workers', '2']);
    // Under --shard an --out that does not exist is a folder: each shard writes its own part in it.
    const run = join(root, 'run');
    for (let i = 0; i < SHARDS; i++)
      seglens([
        'eval',
        predictions,
        '--labels',
        labels,
        '--shard',
        `${i}/${SHARDS}`,
        '--out',
        run,
        '--json',
        '--workers',
        '2',
      ]);
    const parts = [0, 1, 2].map((i) => join(run, `part-${i}-of-${SHARDS}.jsonl`));
    const merged = seglens(['merge', ...parts, '--json']);
    assert.deepEqual(seglens(['merge', run, '--json']), merged, 'the folder and its part files merge alike');

    assert.equal(whole.images.length, 28, 'the two broken predictions are skipped, the rest evaluated');
    assert.equal(whole.skipped.length, 3, 'two broken predictions and one without a label');
    // Parts carry the dataset detection in their header, so the merged report has it too.
    assert.deepEqual(merged.dataset, whole.dataset);
    assert.deepEqual(byName(merged.images), byName(whole.images));
    assert.deepEqual(byFile(merged.skipped), byFile(whole.skipped));
    assert.deepEqual(merged.ignored, whole.ignored);
    assert.equal(merged.backend, whole.backend);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
