import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AgreeReport } from '../../src/cli/agree';
import { agreeImage } from '../../src/core/evaluate/agreeImage';
import { encodeIndexPng } from '../../src/core/io/pngChunks';
import { DEFAULT_READ_OPTIONS } from '../../src/core/options';
import type { LabelIssueLine } from '../../src/core/report/labelIssues';
import { generateScene, seededRandom } from '../../src/core/synthetic/scenes';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const W = 64;
const H = 48;
const CLASSES = 6;
const BOX = { x: 10, y: 12, width: 8, height: 5 };

function seglens(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const png = (ids: ArrayLike<number>, width = W, height = H): Buffer =>
  encodeIndexPng(width, height, Uint16Array.from(ids), { kind: 'gray', bitDepth: 8 });

/**
 * Four images and three models. Image 2's label has a box flipped to another class where every model
 * predicts the scene's class; model 3 has no file for image 3 and a prediction of another size for image 1.
 */
function makeDataset(): { labels: string; models: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'seglens-agree-'));
  const labels = join(root, 'labels');
  mkdirSync(labels);
  const models = [1, 2, 3].map((m) => {
    const dir = join(root, `model${m}`);
    mkdirSync(dir);
    return dir;
  });
  for (let i = 0; i < 4; i++) {
    const scene = generateScene(i + 1, { width: W, height: H, numClasses: CLASSES, ignoreIndex: 255, voidBand: 1 });
    const truth = Array.from(scene.label, (y) => (y === 255 ? 0 : y));
    const label = [...scene.label];
    if (i === 2) {
      for (let y = BOX.y; y < BOX.y + BOX.height; y++)
        for (let x = BOX.x; x < BOX.x + BOX.width; x++) label[y * W + x] = (truth[y * W + x]! + 1) % CLASSES;
    }
    writeFileSync(join(labels, `img${i}.png`), png(label));
    models.forEach((dir, m) => {
      if (m === 2 && i === 3) return;
      if (m === 2 && i === 1) {
        writeFileSync(join(dir, `img${i}.png`), png(new Array<number>((W + 2) * H).fill(0), W + 2, H));
        return;
      }
      const random = seededRandom(100 * m + i);
      const prediction = truth.map((y) => (random() < 0.1 ? Math.floor(random() * CLASSES) : y));
      writeFileSync(join(dir, `img${i}.png`), png(prediction));
    });
  }
  return { labels, models };
}

test('seglens agree: images with most likely label errors first, the flipped box found, files that cannot vote reported', () => {
  const { labels, models } = makeDataset();
  const issues = join(mkdtempSync(join(tmpdir(), 'seglens-agree-out-')), 'issues.jsonl');
  const csv = `${issues}.csv`;
  const run = seglens(
    'agree',
    ...models,
    '--labels',
    labels,
    '--classes',
    String(CLASSES),
    '--json',
    '--label-issues',
    issues,
    '--csv',
    csv,
    '--workers',
    '2',
  );
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as AgreeReport;
  assert.equal(report.minAgree, 2);
  assert.equal(report.images.length, 4);
  const counts = report.images.map((r) => r.likelyLabelErrorPixels);
  assert.deepEqual(
    counts,
    [...counts].sort((a, b) => b - a),
    'most likely label errors first',
  );
  assert.equal(report.images[0]!.name, 'img2');
  const region = report.images[0]!.likelyLabelErrorRegions[0]!;
  assert.deepEqual(region.box, BOX);
  assert.equal(region.pixels, BOX.width * BOX.height);
  // The size mismatch is reported and the image judged by the two other models; a missing file is null.
  assert.equal(report.skipped.length, 1);
  assert.match(report.skipped[0]!.reason, /prediction is 66x48 but its label is 64x48/);
  const byName = new Map(report.images.map((r) => [r.name, r]));
  assert.equal(byName.get('img1')!.models, 2);
  assert.equal(byName.get('img3')!.models, 2);
  assert.equal(byName.get('img3')!.predictionFiles[2], null);
  // Each image's figures are the engine's, run in-process on the same files.
  for (const image of report.images) {
    const { record } = agreeImage(
      { name: image.name, labelFile: image.labelFile, predictionFiles: image.predictionFiles },
      {
        models: models.map(() => ({
          metric: { numClasses: CLASSES, ignoreIndex: 255, scales: [1], hardEpsilon: 0 },
          read: DEFAULT_READ_OPTIONS,
        })),
        minAgree: 2,
      },
    );
    assert.deepEqual(image, JSON.parse(JSON.stringify(record)));
  }
  const lines = readFileSync(issues, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LabelIssueLine);
  const regions = report.images.reduce((sum, r) => sum + r.likelyLabelErrorRegions.length, 0);
  assert.equal(lines.length, regions, 'one line per region');
  assert.deepEqual(lines[0], {
    image: 'img2',
    labelFile: report.images[0]!.labelFile,
    predictionFiles: report.images[0]!.predictionFiles,
    box: BOX,
    pixels: region.pixels,
    labelClass: region.labelClass,
    suggestedClass: region.suggestedClass,
    score: region.score,
    evidence: 'agreement',
  });
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows.length, 5);
  assert.match(rows[1]!, /^img2,/);
});

test('seglens agree refuses one folder, and --min-agree outside 1..N', () => {
  const { labels, models } = makeDataset();
  assert.equal(seglens('agree', models[0]!, '--labels', labels).status, 2);
  const tooMany = seglens('agree', ...models, '--labels', labels, '--min-agree', '4');
  assert.equal(tooMany.status, 2);
  assert.match(tooMany.stderr, /--min-agree wants a number of models from 1 to 3, got 4/);
  assert.equal(seglens('eval', models[0]!, '--labels', labels, '--min-agree', '2').status, 2);
});
