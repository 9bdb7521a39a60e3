import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetAccumulator } from '../../src/core/evaluate/datasetSummary';
import { evaluatePairs } from '../../src/core/evaluate/evaluatePairs';
import type { ImageRecord } from '../../src/core/evaluate/record';
import { pairFiles } from '../../src/core/io/pairing';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../src/core/options';
import type { JsonReport } from '../../src/core/report/jsonReport';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const PREDICTIONS = join(REPO_ROOT, 'samples', 'voc-mini', 'predictions');
const LABELS = join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass');

function seglens(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('eval --json prints the documented object, hardest first, equal to the engine run in-process', async () => {
  const run = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json', '--workers', '2');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.equal(report.backend, 'exact-float64');
  assert.equal(report.images.length, 12);
  assert.deepEqual(report.skipped, []);
  for (const image of report.images) {
    assert.deepEqual(
      Object.keys(image).sort(),
      [
        'adaptive',
        'boundaryMiou',
        'ce',
        'label',
        'largestHotSpot',
        'meanAccuracy',
        'meanDice',
        'mergeEffect',
        'miou',
        'name',
        'perClassBoundaryIoU',
        'perClassIoU',
        'perScale',
        'pixelAccuracy',
        'prediction',
      ].sort(),
    );
    assert.deepEqual(Object.keys(image.perScale), ['2', '4', '8']);
    assert.equal(image.perClassIoU.length, 21);
    assert.equal(image.perClassBoundaryIoU.length, 21);
  }
  const adaptive = report.images.map((i) => i.adaptive!);
  assert.deepEqual(
    adaptive,
    [...adaptive].sort((a, b) => b - a),
    'hardest first',
  );

  const { pairs } = await pairFiles(PREDICTIONS, LABELS);
  const accumulator = new DatasetAccumulator(21);
  const byName = new Map<string, ImageRecord>();
  for await (const outcome of evaluatePairs(
    pairs,
    { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS },
    { workers: 0 },
  )) {
    assert.equal(outcome.type, 'image');
    if (outcome.type !== 'image') continue;
    accumulator.add(outcome.record);
    byName.set(outcome.record.name, outcome.record);
  }
  for (const image of report.images) {
    const record = byName.get(image.name)!;
    assert.equal(image.ce, record.ce);
    assert.equal(image.adaptive, record.adaptive);
    assert.deepEqual(image.perClassIoU, record.perClassIoU);
    assert.deepEqual(image.perClassBoundaryIoU, record.perClassBoundaryIoU);
    assert.equal(image.boundaryMiou, record.boundaryMiou);
  }
  const dataset = accumulator.summary();
  const { preset, predictionIds, detection, classNames: _names, ...figures } = report.dataset;
  assert.deepEqual(figures, JSON.parse(JSON.stringify(dataset)));
  assert.equal(preset, 'voc');
  assert.equal(predictionIds, 'train');
  assert.match(detection!, /^dataset: voc \(detected: a SegmentationClass folder\)/);
  const confusionTotal =
    dataset.confusion.flat().reduce((a, b) => a + b, 0) + dataset.unknownPredictions.reduce((a, b) => a + b, 0);
  assert.equal(
    confusionTotal,
    [...byName.values()].reduce((sum, r) => sum + r.validPixels, 0),
    'the confusion matrix counts every valid pixel once',
  );
});

test('the table lists the hardest images, the dataset summary and writes the CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-cli-'));
  const csv = join(dir, 'out.csv');
  const run = seglens('eval', PREDICTIONS, '--labels', LABELS, '--top', '3', '--csv', csv);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.split('\n');
  assert.match(lines[0]!, /^dataset: voc \(detected: a SegmentationClass folder\)$/, 'what was detected comes first');
  lines.shift();
  assert.match(lines[0]!, /^Hardest 3 of 12 images by adaptive loss \(highest first\):/);
  assert.match(lines[1]!, /^image\s+adaptive\s+CE\s+merge\s+mIoU\s+pix\.acc\s+bnd\.mIoU\s+mAcc\s+mDice$/);
  assert.match(
    run.stdout,
    /Dataset: 12 images, pooled mIoU 0\.\d{4}, mean per-image mIoU 0\.\d{4}, boundary mIoU 0\.\d{4}/,
  );
  const [comment, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
  assert.match(comment!, /^# seglens options \{/, 'the options come first, as a comment line');
  const options = JSON.parse(comment!.slice('# seglens options '.length)) as Record<string, unknown>;
  assert.deepEqual([options.classes, options.boundaryRatio, options.loss], [21, 0.02, 'v1']);
  assert.equal(rows.length, 13);
  assert.ok(
    rows[0]!.startsWith(
      'name,prediction,label,width,height,valid_pixels,ce,adaptive,adaptive_k2,adaptive_k4,adaptive_k8,merge_effect,miou,pixel_accuracy,iou_background',
    ),
  );
  assert.equal(rows[1]!.split(',')[0], lines[2]!.split(/\s+/)[0], 'CSV is in the same hardest-first order');
  assert.ok(
    rows[0]!.endsWith(
      ',hotspot_class,hotspot_scale,hotspot_effect,hotspot_share,hotspot_pixels,hotspot_x,hotspot_y,hotspot_width,hotspot_height',
    ),
    rows[0],
  );
  for (const row of rows.slice(1)) {
    const cells = row.split(',');
    const [scale, effect, , pixels, x, y, width, height] = cells.slice(-8).map(Number);
    assert.ok([2, 4, 8].includes(scale!), `hot spot scale of ${cells[0]}`);
    assert.ok(effect !== 0 && pixels! > 0 && width! > 0 && height! > 0 && x! >= 0 && y! >= 0, row);
  }
  const header = rows[0]!.split(',');
  // The columns carry the dataset's class names (VOC here).
  assert.equal(header.indexOf('boundary_miou'), header.indexOf('iou_tvmonitor') + 1);
  assert.equal(header.indexOf('mean_accuracy'), header.indexOf('boundary_iou_tvmonitor') + 1);
  assert.equal(header.indexOf('hotspot_class'), header.indexOf('mean_dice') + 1);
});

test('nothing to evaluate exits 1 with a one-line reason; bad usage exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-cli-'));
  mkdirSync(join(dir, 'empty'));
  const empty = seglens('eval', join(dir, 'empty'), '--labels', LABELS);
  assert.equal(empty.status, 1);
  assert.equal(empty.stderr.trim().split('\n').length, 1);
  assert.match(empty.stderr, /^seglens: no image could be evaluated/);

  const missing = seglens('eval', join(dir, 'nope'), '--labels', LABELS);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope: folder does not exist/);

  const usage = seglens('eval', PREDICTIONS, LABELS);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /eval needs exactly one prediction folder/);
  const badScale = seglens('eval', PREDICTIONS, '--labels', LABELS, '--scales', '2,0');
  assert.equal(badScale.status, 2);
  assert.match(badScale.stderr, /--scales must be integers in \[1, 4096\], separated by commas, got "2,0"/);
});

test('options reach the metric: one scale of 1 makes the adaptive loss equal CE', () => {
  const run = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json', '--scales', '1', '--hard-eps', '0.01');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  for (const image of report.images) assert.ok(Math.abs(image.adaptive! - image.ce!) < 1e-12);
});

test('--loss paper reports the v2 loss, the same numbers as its settings spelled out, and not v1', () => {
  const paper = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json', '--loss', 'paper', '--workers', '0');
  const spelled = seglens(
    'eval',
    PREDICTIONS,
    '--labels',
    LABELS,
    '--json',
    '--pooling',
    'gaussian',
    '--pooling-sigma',
    '0.5',
    '--minkowski',
    '5',
    '--workers',
    '0',
  );
  const v1 = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json', '--workers', '0');
  for (const run of [paper, spelled, v1]) assert.equal(run.status, 0, run.stderr);
  const [a, b, c] = [paper, spelled, v1].map((run) => JSON.parse(run.stdout) as JsonReport);
  assert.deepEqual(a!.loss, {
    variant: 'paper',
    pooling: 'gaussian',
    poolingSigma: 0.5,
    minkowski: 5,
    scales: [2, 4, 8],
  });
  assert.deepEqual(b!.loss, a!.loss);
  assert.equal(c!.loss.variant, 'v1');
  assert.deepEqual(b!.images, a!.images);
  const v1ByName = new Map(c!.images.map((image) => [image.name, image]));
  for (const image of a!.images) {
    const old = v1ByName.get(image.name)!;
    // v1 runs the fused hard kernel (CE from hit / miss / outside counts), v2 the general path (a
    // compensated sum over the pixels): the same number to rounding.
    assert.ok(Math.abs(image.ce! - old.ce!) <= 1e-14 * Math.abs(old.ce!), 'CE does not depend on the loss variant');
    assert.notEqual(image.adaptive, old.adaptive, `${image.name}: paper and v1 differ`);
  }
  const table = seglens('eval', PREDICTIONS, '--labels', LABELS, '--loss', 'paper', '--top', '1');
  assert.match(table.stdout, /loss paper/);
});

test('bad loss flags are usage errors', () => {
  for (const flags of [
    ['--loss', 'v3'],
    ['--pooling', 'max'],
    ['--minkowski', '0.5'],
    ['--pooling-sigma', '0'],
  ]) {
    const run = seglens('eval', PREDICTIONS, '--labels', LABELS, ...flags);
    assert.equal(run.status, 2, `${flags.join(' ')}: ${run.stderr}`);
  }
});

test('--compute tensor loads TensorFlow.js from dist/tensor.js (not bundled into the CLI) and agrees with exact', () => {
  const soft = [
    'eval',
    join(REPO_ROOT, 'samples', 'voc-mini', 'soft-predictions'),
    '--labels',
    join(REPO_ROOT, 'samples', 'voc-mini', 'soft-labels'),
  ];
  const exactRun = seglens(...soft, '--json', '--workers', '0');
  const tensorRun = seglens(...soft, '--json', '--workers', '2', '--compute', 'tensor');
  assert.equal(exactRun.status, 0, exactRun.stderr);
  assert.equal(tensorRun.status, 0, tensorRun.stderr);
  const exact = JSON.parse(exactRun.stdout) as JsonReport;
  const tensor = JSON.parse(tensorRun.stdout) as JsonReport;
  assert.equal(exact.backend, 'exact-float64');
  assert.match(tensor.backend, /^tfjs-(tensorflow|wasm|cpu)$/);
  assert.equal(tensor.images.length, exact.images.length);
  for (const image of exact.images) {
    const other = tensor.images.find((i) => i.name === image.name)!;
    assert.ok(Math.abs(other.ce! - image.ce!) <= 1e-5 * image.ce!, `${image.name}: CE ${other.ce} vs ${image.ce}`);
  }
  // The CLI and worker bundles stay free of TensorFlow.js: it is parsed only when asked for.
  for (const bundle of ['cli.js', 'worker.js', 'extension.js'])
    assert.ok(
      !readFileSync(join(REPO_ROOT, 'dist', bundle), 'utf8').includes('tfjs-core'),
      `${bundle} holds tfjs-core`,
    );
});
