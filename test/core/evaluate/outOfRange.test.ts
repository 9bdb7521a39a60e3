import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateImage } from '../../../src/core/evaluate/evaluateImage';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS, LOSS_PRESETS } from '../../../src/core/options';
import type { JsonReport } from '../../../src/core/report/jsonReport';
import { REPO_ROOT } from '../../helpers/golden';
import { naiveOutOfRange } from '../../helpers/oracle';
import { REAL, REAL_SKIP } from '../../helpers/realData';

const C = 5;
const IGNORE = 255;
const SIZE = 16;

/** A label with a void band and an out-of-range band, and a prediction with ids >= C on both and on valid pixels. */
function maps(): { label: number[]; prediction: number[] } {
  const label: number[] = [];
  const prediction: number[] = [];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const l = x < 4 ? IGNORE : x < 6 ? 9 : (x + y) % C;
      label.push(l);
      // Void and out-of-range label pixels get predictions >= C (never scored); some valid ones do too.
      prediction.push(x < 6 ? 200 + (y % 3) : (x * y) % 7 === 0 ? 6 + (x % 2) : (x + 2 * y) % C);
    }
  }
  return { label, prediction };
}

test('predictions on void or out-of-range label pixels are never counted as out-of-range predictions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-range-'));
  const { label, prediction } = maps();
  const png = (ids: number[]): Buffer => encodeIndexPng(SIZE, SIZE, ids, { kind: 'gray', bitDepth: 8 });
  writeFileSync(join(dir, 'label.png'), png(label));
  writeFileSync(join(dir, 'scored.png'), png(prediction));
  // The same prediction with every valid-pixel id in range: only void pixels keep ids >= C.
  writeFileSync(join(dir, 'clean.png'), png(prediction.map((q, p) => (label[p]! < C && q >= C ? 0 : q))));
  const expected = naiveOutOfRange(prediction, C, -1, { ids: label, ignoreIndex: IGNORE });
  assert.ok(expected.count > 0 && expected.count < (SIZE * SIZE) / 2, 'the case has both kinds of pixel');
  const variants = {
    'v1, nested scales (fusedHard)': DEFAULT_METRIC_OPTIONS,
    'paper (fusedHardWeighted)': { ...DEFAULT_METRIC_OPTIONS, ...LOSS_PRESETS.paper },
    'v1, scales 3 and 4 (fusedHardWeighted)': { ...DEFAULT_METRIC_OPTIONS, scales: [3, 4] },
  };
  for (const [name, metric] of Object.entries(variants)) {
    const options = { metric: { ...metric, numClasses: C, ignoreIndex: IGNORE }, read: DEFAULT_READ_OPTIONS };
    const pair = (prediction: string) => ({
      name: prediction,
      predictionFile: join(dir, prediction),
      labelFile: join(dir, 'label.png'),
    });
    const scored = (await evaluateImage(pair('scored.png'), options)).record;
    const predictionWarnings = scored.warnings.filter((w) => w.startsWith('prediction'));
    assert.deepEqual(
      predictionWarnings,
      [
        `prediction has ${expected.count} pixels with ids >= ${C} (up to ${expected.largest}), counted as misses: is the class count right?`,
      ],
      name,
    );
    assert.equal(
      scored.confusion.unknown.reduce((a, b) => a + b, 0),
      expected.count,
      `${name}: the warning counts the misses the metrics count`,
    );
    const clean = (await evaluateImage(pair('clean.png'), options)).record;
    assert.deepEqual(
      clean.warnings.filter((w) => w.startsWith('prediction')),
      [],
      `${name}: ids >= C only on void pixels`,
    );
    assert.ok(
      clean.warnings.some((w) => w.startsWith(`label has ${2 * SIZE} pixels with ids >= ${C}`)),
      `${name}: the label's own out-of-range band is still reported`,
    );
  }
});

const ADE = join(REAL, 'ade20k-sceneparsing', 'sampleData');

test('the ADE20K devkit perfect predictions: pixel accuracy 1 and no warning at all', { skip: REAL_SKIP }, () => {
  const run = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'dist', 'cli.js'),
      'eval',
      join(ADE, 'predictions'),
      '--labels',
      join(ADE, 'annotations'),
      '--json',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.equal(report.dataset.preset, 'ade20k');
  assert.equal(report.images.length, 3);
  for (const image of report.images) {
    assert.equal(image.pixelAccuracy, 1, image.name);
    assert.equal(image.warnings, undefined, `${image.name}: ${JSON.stringify(image.warnings)}`);
  }
  assert.ok(report.dataset.unknownPredictions.every((n) => n === 0));
});
