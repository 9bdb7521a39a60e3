import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareReports, DELTA_KEYS, type CompareReport } from '../../../src/core/report/compare';
import type { JsonReport } from '../../../src/core/report/jsonReport';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS, optionsRecord } from '../../../src/core/options';
import { REPO_ROOT } from '../../helpers/golden';
import { REAL } from '../../helpers/realData';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const TRAMAC = join(REAL, 'voc-tramac-awesome-semseg', 'tests');
const KERAS_FCN = join(REAL, 'voc-kevinddchen-keras-fcn', 'assets');

function seglens(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json<T>(...args: string[]): T {
  const run = seglens(...args);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}

/**
 * Folders of symbolic links to the real files: the VOC label of 2007_000033 and the SBD rider label,
 * a prediction of each by model A and by model B, and one extra image in each folder only
 * (a label used as its own prediction, so it is a real, readable pair).
 */
function realFolders(
  modelA: string,
  modelB: string,
  fcnA: string,
  fcnB: string,
): { a: string; b: string; labels: string } {
  const root = mkdtempSync(join(tmpdir(), 'seglens-compare-'));
  const [a, b, labels] = ['a', 'b', 'labels'].map((name) => join(root, name)) as [string, string, string];
  for (const dir of [a, b, labels]) mkdirSync(dir);
  const mask = join(TRAMAC, 'test_mask.png');
  for (const name of ['2007_000033', 'only-a', 'only-b']) symlinkSync(mask, join(labels, `${name}.png`));
  symlinkSync(join(KERAS_FCN, 'rider_label.png'), join(labels, 'rider.png'));
  symlinkSync(join(TRAMAC, 'runs', modelA), join(a, '2007_000033.png'));
  symlinkSync(join(TRAMAC, 'runs', modelB), join(b, '2007_000033.png'));
  symlinkSync(join(KERAS_FCN, fcnA), join(a, 'rider.png'));
  symlinkSync(join(KERAS_FCN, fcnB), join(b, 'rider.png'));
  symlinkSync(mask, join(a, 'only-a.png'));
  symlinkSync(mask, join(b, 'only-b.png'));
  return { a, b, labels };
}

test('compare on real predictions: deltas are B − A of two eval runs, worst regression first', (t) => {
  if (!existsSync(TRAMAC) || !existsSync(KERAS_FCN)) {
    t.skip(`real data not found at ${REAL} (it sits beside the checkout in CI)`);
    return;
  }
  const models = readdirSync(join(TRAMAC, 'runs'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  assert.equal(models.length, 12);
  const fcns = ['fcn32.png', 'fcn16.png', 'fcn8.png'];
  let comparedPairs = 0;
  let sawSkippedSize = false;
  for (let i = 0; i < models.length; i += 2) {
    const fcnA = fcns[(i / 2) % 3]!;
    const fcnB = fcns[(i / 2 + 1) % 3]!;
    const { a, b, labels } = realFolders(models[i]!, models[i + 1]!, fcnA, fcnB);
    const common = ['--labels', labels, '--color-table', 'voc', '--workers', '0'];
    const evalA = json<JsonReport>('eval', a, ...common, '--json');
    const evalB = json<JsonReport>('eval', b, ...common, '--json');
    const report = json<CompareReport>('compare', a, b, ...common, '--json');
    const where = `${models[i]} vs ${models[i + 1]}`;
    assert.deepEqual(Object.keys(report).sort(), ['a', 'b', 'images', 'onlyInA', 'onlyInB'], where);
    assert.deepEqual(report.a, evalA, `${where}: "a" is the eval JSON of A`);
    assert.deepEqual(report.b, evalB, `${where}: "b" is the eval JSON of B`);

    // Every image evaluated in both runs, with B − A of each metric taken from the two eval runs.
    const aImages = new Map(evalA.images.map((image) => [image.name, image]));
    const bImages = new Map(evalB.images.map((image) => [image.name, image]));
    const both = [...aImages.keys()].filter((name) => bImages.has(name)).sort();
    assert.deepEqual(report.images.map((image) => image.name).sort(), both, where);
    for (const image of report.images) {
      assert.deepEqual(Object.keys(image.delta).sort(), [...DELTA_KEYS].sort());
      for (const key of DELTA_KEYS) {
        const x = aImages.get(image.name)![key] ?? null;
        const y = bImages.get(image.name)![key] ?? null;
        assert.equal(image.delta[key], x === null || y === null ? null : y - x, `${where}: ${image.name} Δ${key}`);
      }
    }
    // Largest mIoU regression (most negative Δ) first.
    const mious = report.images.map((image) => image.delta.miou!);
    assert.deepEqual(
      mious,
      [...mious].sort((x, y) => x - y),
      `${where}: regressions first`,
    );

    // A prediction at another size is skipped in its run, so its image is only in the other folder.
    const onlyA = [...aImages.keys()].filter((name) => !bImages.has(name)).sort();
    const onlyB = [...bImages.keys()].filter((name) => !aImages.has(name)).sort();
    assert.deepEqual(report.onlyInA, onlyA, where);
    assert.deepEqual(report.onlyInB, onlyB, where);
    assert.ok(report.onlyInA.includes('only-a') && report.onlyInB.includes('only-b'), where);
    if (evalA.skipped.length + evalB.skipped.length > 0) sawSkippedSize = true;
    comparedPairs++;
  }
  assert.equal(comparedPairs, 6);
  assert.ok(sawSkippedSize, 'the 504×368 predictions are among the pairs');
});

test('compare prints both datasets, per-class deltas and unmatched images; --sort and --csv', (t) => {
  if (!existsSync(TRAMAC) || !existsSync(KERAS_FCN)) {
    t.skip(`real data not found at ${REAL}`);
    return;
  }
  const { a, b, labels } = realFolders('fcn32s_epoch_300.png', 'fcn8s_epoch_100.png', 'fcn32.png', 'fcn8.png');
  const csv = join(mkdtempSync(join(tmpdir(), 'seglens-compare-csv-')), 'compare.csv');
  const common = ['--labels', labels, '--color-table', 'voc', '--workers', '0'];
  const run = seglens('compare', a, b, ...common, '--sort', 'ce', '--csv', csv);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^Largest CE regressions \(B − A\), 2 of 2 images in both:/);
  assert.match(run.stdout, /\nA: 3 images, pooled mIoU 0\.\d{4}, mean per-image mIoU 0\.\d{4}, boundary mIoU 0\.\d{4}/);
  assert.match(run.stdout, /\nB: 3 images, pooled mIoU/);
  assert.match(run.stdout, /\nclass\s+IoU A\s+IoU B\s+ΔIoU\s+BIoU A\s+BIoU B\s+ΔBIoU\n/);
  assert.match(run.stdout, /\nperson\s+0\.\d{4}\s+0\.\d{4}\s+[+−]0\.\d{4}/, 'person (class 15) is in both runs');
  assert.match(run.stdout, /only in A: only-a\nonly in B: only-b\n/);

  const report = json<CompareReport>('compare', a, b, ...common, '--sort', 'ce', '--json');
  const ces = report.images.map((image) => image.delta.ce!);
  assert.deepEqual(
    ces,
    [...ces].sort((x, y) => y - x),
    'largest CE increase first',
  );
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows[0], `name,${DELTA_KEYS.flatMap((k) => [`${k}_a`, `${k}_b`, `${k}_delta`]).join(',')}`);
  assert.deepEqual(
    rows.slice(1).map((row) => row.split(',')[0]),
    report.images.map((image) => image.name),
    'CSV rows in the regression order',
  );

  const usage = seglens('compare', a, '--labels', labels);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /compare needs exactly two prediction folders/);
});

test('compareReports pairs by name, leaves undefined deltas null and sorts them last', () => {
  const image = (name: string, miou: number | null, ce: number | null): JsonReport['images'][number] => ({
    name,
    prediction: `${name}.png`,
    label: `${name}.png`,
    ce,
    adaptive: ce,
    perScale: {},
    mergeEffect: 0,
    miou,
    pixelAccuracy: miou,
    perClassIoU: [],
    boundaryMiou: miou,
    perClassBoundaryIoU: [],
    largestHotSpot: null,
    meanAccuracy: miou,
    meanDice: miou,
  });
  const report = (images: JsonReport['images']): JsonReport => ({
    backend: 'exact-float64',
    loss: { variant: 'v1', pooling: 'uniform', poolingSigma: 0.5, minkowski: 1, scales: [2, 4, 8] },
    options: optionsRecord({ metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS }),
    images,
    dataset: {
      images: images.length,
      miou: null,
      meanImageMiou: null,
      pixelAccuracy: null,
      perClassIoU: [],
      boundaryMiou: null,
      perClassBoundaryIoU: [],
      confusion: [],
      unknownPredictions: [],
      meanCe: null,
      meanAdaptive: null,
      meanMergeEffect: null,
    },
    skipped: [],
  });
  const a = report([image('x', 0.5, 1), image('y', 0.5, 1), image('z', null, null), image('a-only', 1, 0)]);
  const b = report([image('x', 0.25, 2), image('y', 0.75, 0.5), image('z', 0.5, 1), image('b-only', 1, 0)]);
  const compared = compareReports(a, b);
  assert.deepEqual(
    compared.images.map((i) => [i.name, i.delta.miou]),
    [
      ['x', -0.25],
      ['y', 0.25],
      ['z', null],
    ],
  );
  assert.deepEqual(compared.onlyInA, ['a-only']);
  assert.deepEqual(compared.onlyInB, ['b-only']);
  assert.deepEqual(
    compareReports(a, b, 'ce').images.map((i) => i.name),
    ['x', 'y', 'z'],
  );
});
