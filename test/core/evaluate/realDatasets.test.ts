import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import type { JsonReport } from '../../../src/core/report/jsonReport';
import { REPO_ROOT } from '../../helpers/golden';
import {
  csTrain,
  csTrainFromColours,
  decode,
  naiveMetrics,
  REAL,
  REAL_SKIP,
  vocIdsFromColours,
  type NaiveMetrics,
} from '../../helpers/realData';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const skip = REAL_SKIP;

function evalJson(...args: string[]): JsonReport {
  const run = spawnSync(process.execPath, [CLI, 'eval', ...args, '--json', '--workers', '0'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as JsonReport;
}

function firstLine(...args: string[]): string {
  const run = spawnSync(process.execPath, [CLI, 'eval', ...args, '--workers', '0'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n')[0]!;
}

/** A temp tree of symlinks to the real files: `{ 'gtFine/val/frankfurt/x.png': '/real/file.png' }`. */
function tree(layout: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'seglens-real-'));
  for (const [path, target] of Object.entries(layout)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  }
  return root;
}

function assertImage(report: JsonReport, name: string, expected: NaiveMetrics): void {
  const image = report.images.find((i) => i.name === name);
  assert.ok(image, `${name} missing from ${report.images.map((i) => i.name).join(', ')}`);
  assert.ok(Math.abs(image.ce! - expected.ce) < 1e-9, `${name}: CE ${image.ce} vs naive ${expected.ce}`);
  assert.ok(Math.abs(image.pixelAccuracy! - expected.pixelAccuracy) < 1e-12, `${name}: pixel accuracy`);
  assert.ok(Math.abs(image.miou! - expected.miou!) < 1e-12, `${name}: mIoU ${image.miou} vs ${expected.miou}`);
  assert.equal(image.perClassIoU.length, expected.perClassIoU.length, `${name}: class count`);
  image.perClassIoU.forEach((v, c) => {
    const want = expected.perClassIoU[c];
    assert.ok(v === want || (v !== null && want != null && Math.abs(v - want) < 1e-12), `${name}: IoU of class ${c}`);
  });
}

const CS = join(REAL, 'cityscapes-mmseg-pseudo', 'tests', 'data', 'pseudo_cityscapes_dataset');
const FAST = join(REAL, 'cityscapes-fast-scnn', 'png');
const A = 'frankfurt_000000_000294';
const B = 'frankfurt_000001_058914';

/** The two real frames as a Cityscapes tree; the predictions folder has city sub-folders. */
function cityscapesTree(labels: 'all' | 'labelIds'): string {
  const gt = 'gtFine/val/frankfurt';
  return tree({
    ...(labels === 'all'
      ? {
          [`${gt}/${A}_gtFine_labelTrainIds.png`]: join(CS, 'gtFine', `${A}_gtFine_labelTrainIds.png`),
          [`${gt}/${A}_gtFine_instanceIds.png`]: join(CS, 'gtFine', `${A}_gtFine_instanceIds.png`),
        }
      : {}),
    [`${gt}/${A}_gtFine_labelIds.png`]: join(CS, 'gtFine', `${A}_gtFine_labelIds.png`),
    [`${gt}/${B}_gtFine_color.png`]: join(FAST, `${B}_gtFine_color.png`),
    [`leftImg8bit/val/frankfurt/${A}_leftImg8bit.png`]: join(CS, 'leftImg8bit', `${A}_leftImg8bit.png`),
    [`leftImg8bit/val/frankfurt/${B}_leftImg8bit.png`]: join(FAST, `${B}_leftImg8bit.png`),
    // Fast-SCNN's real prediction (palette, train ids), named as mmseg writes results.
    [`results/frankfurt/${B}_leftImg8bit.png`]: join(FAST, `${B}_seg.png`),
    // Frame A has no model output: its trainId label stands in as a prediction in train ids.
    [`results/frankfurt/${A}_leftImg8bit.png`]: join(CS, 'gtFine', `${A}_gtFine_labelTrainIds.png`),
  });
}

test(
  'Cityscapes tree: nested folders, suffix pairing, colour and trainId labels equal a naive train-id computation',
  { skip },
  () => {
    const root = cityscapesTree('all');
    const report = evalJson(join(root, 'results'), '--labels', join(root, 'gtFine', 'val'), '--dataset', 'cityscapes');
    assert.equal(report.dataset.preset, 'cityscapes');
    assert.equal(report.dataset.predictionIds, 'train');
    assert.deepEqual(report.images.map((i) => i.name).sort(), [`frankfurt/${A}`, `frankfurt/${B}`]);
    assert.deepEqual(report.skipped, []);
    const ignored = (report.ignored ?? []).map((s) => s.file.split('/').at(-1)).sort();
    assert.deepEqual(
      ignored,
      [`${A}_gtFine_instanceIds.png`, `${A}_gtFine_labelIds.png`],
      'labelTrainIds is preferred',
    );

    const predictionB = decode(join(FAST, `${B}_seg.png`));
    const labelB = csTrainFromColours(decode(join(FAST, `${B}_gtFine_color.png`)).values);
    const expectedB = naiveMetrics(labelB, predictionB.values, 19);
    assert.ok(Math.abs(expectedB.pixelAccuracy - 0.944) < 5e-4, 'PROVENANCE.md measured 0.944');
    assert.equal(expectedB.validPixels, 1_856_327);
    assertImage(report, `frankfurt/${B}`, expectedB);
    const trainA = decode(join(CS, 'gtFine', `${A}_gtFine_labelTrainIds.png`)).values;
    assertImage(report, `frankfurt/${A}`, naiveMetrics(trainA, trainA, 19));

    // auto finds the same preset, from the names alone; the gtFine root works as well as gtFine/val.
    const auto = evalJson(join(root, 'results'), '--labels', join(root, 'gtFine'));
    assert.equal(auto.dataset.preset, 'cityscapes');
    assert.deepEqual(auto.images.map((i) => [i.name, i.ce]).sort(), report.images.map((i) => [i.name, i.ce]).sort());
    assert.match(
      firstLine(join(root, 'results'), '--labels', join(root, 'gtFine')),
      /^dataset: cityscapes \(detected: _gtFine_ in file names\)/,
    );
  },
);

test(
  'Cityscapes labelIds: mapped by the official table (77 px differ from the separately downsampled labelTrainIds)',
  { skip },
  () => {
    const root = cityscapesTree('labelIds');
    const report = evalJson(join(root, 'results'), '--labels', join(root, 'gtFine', 'val'), '--dataset', 'cityscapes');
    const mapped = decode(join(CS, 'gtFine', `${A}_gtFine_labelIds.png`)).values.map(csTrain);
    const trainA = decode(join(CS, 'gtFine', `${A}_gtFine_labelTrainIds.png`)).values;
    assert.equal(mapped.filter((id, p) => id !== trainA[p]).length, 77, 'as PROVENANCE.md says');
    assertImage(report, `frankfurt/${A}`, naiveMetrics(mapped, trainA, 19));
  },
);

test(
  'Cityscapes predictions in label ids (submission format): auto decides once for the folder, then maps them',
  { skip },
  () => {
    const root = tree({
      [`pred/frankfurt/${A}_leftImg8bit.png`]: join(CS, 'gtFine', `${A}_gtFine_labelIds.png`),
      [`gt/frankfurt/${A}_gtFine_labelTrainIds.png`]: join(CS, 'gtFine', `${A}_gtFine_labelTrainIds.png`),
    });
    const report = evalJson(join(root, 'pred'), '--labels', join(root, 'gt'));
    assert.equal(report.dataset.preset, 'cityscapes');
    assert.equal(report.dataset.predictionIds, 'label');
    assert.match(
      report.dataset.detection!,
      /predictions in label ids \(detected: ids up to 26, past the 19 train ids\)/,
    );
    const mapped = decode(join(CS, 'gtFine', `${A}_gtFine_labelIds.png`)).values.map(csTrain);
    const trainA = decode(join(CS, 'gtFine', `${A}_gtFine_labelTrainIds.png`)).values;
    assertImage(report, `frankfurt/${A}`, naiveMetrics(trainA, mapped, 19));
  },
);

test('Fast-SCNN folder as it comes: --pair pairs {stem}_seg.png with {stem}_gtFine_color.png', { skip }, () => {
  const report = evalJson(FAST, '--labels', FAST, '--pair', '{stem}_seg.png:{stem}_gtFine_color.png');
  assert.equal(report.dataset.preset, 'cityscapes');
  assert.deepEqual(
    report.images.map((i) => i.name),
    [B],
  );
  const expected = naiveMetrics(
    csTrainFromColours(decode(join(FAST, `${B}_gtFine_color.png`)).values),
    decode(join(FAST, `${B}_seg.png`)).values,
    19,
  );
  assertImage(report, B, expected);
});

const VAINF = join(REAL, 'voc-vainf-deeplabv3plus', 'samples');

test(
  "VainF's one folder of N_pred / N_target / N_image colour PNGs: 14 pairs equal a naive VOC computation",
  { skip },
  () => {
    const report = evalJson(VAINF, '--labels', VAINF, '--dataset', 'voc');
    assert.equal(report.images.length, 14);
    assert.deepEqual(report.skipped, []);
    for (const image of report.images) {
      const label = vocIdsFromColours(decode(join(VAINF, `${image.name}_target.png`)).values);
      const prediction = vocIdsFromColours(decode(join(VAINF, `${image.name}_pred.png`)).values);
      assertImage(report, image.name, naiveMetrics(label, prediction, 21));
    }
    const sample120 = report.images.find((i) => i.name === '120')!;
    assert.equal(sample120.pixelAccuracy!.toFixed(3), '0.896', 'PROVENANCE.md table');
    const auto = evalJson(VAINF, '--labels', VAINF);
    assert.equal(auto.dataset.preset, 'voc');
    assert.match(auto.dataset.detection!, /a guess .*--dataset overrides it/);
    assert.deepEqual(
      auto.images.map((i) => i.ce),
      report.images.map((i) => i.ce),
    );
  },
);

const TERESA = join(REAL, 'voc-teresaho-keras-fcn', 'doc');

test(
  "TeresaHo's <id>gt.png labels beside <id>.png predictions: one pair scored, two reported as 1 px off",
  { skip },
  () => {
    const report = evalJson(TERESA, '--labels', TERESA);
    assert.equal(report.dataset.preset, 'voc');
    assert.deepEqual(
      report.images.map((i) => i.name),
      ['2007_000033'],
    );
    const label = decode(join(TERESA, '2007_000033gt.png'));
    const prediction = decode(join(TERESA, '2007_000033.png'));
    assertImage(report, '2007_000033', naiveMetrics(label.values, prediction.values, 21));
    assert.deepEqual(report.skipped.map((s) => [s.file.split('/').at(-1), s.reason]).sort(), [
      ['2007_001311.png', 'prediction is 500x320 but its label is 500x319'],
      ['2007_003022.png', 'prediction is 500x332 but its label is 500x333'],
    ]);
  },
);

const ADE = join(REAL, 'ade20k-sceneparsing', 'sampleData');
const ADE_STEMS = ['ADE_val_00000001', 'ADE_val_00000002', 'ADE_val_00000003'];
const adeTrain = (labelId: number): number => (labelId === 0 ? 255 : labelId - 1);

test('ADE20K, predictions in label ids (the devkit copies): 0 → void, k → k − 1, a perfect score', { skip }, () => {
  const report = evalJson(join(ADE, 'predictions'), '--labels', join(ADE, 'annotations'), '--prediction-ids', 'label');
  assert.equal(report.dataset.preset, 'ade20k');
  assert.equal(report.dataset.predictionIds, 'label');
  for (const stem of ADE_STEMS) {
    const train = decode(join(ADE, 'annotations', `${stem}.png`)).values.map(adeTrain);
    const expected = naiveMetrics(train, train, 150);
    assert.equal(expected.pixelAccuracy, 1);
    assertImage(report, stem, expected);
  }
});

test(
  'ADE20K label-id predictions are detected as label ids by agreeing with the labels, without the flag',
  { skip },
  () => {
    const report = evalJson(join(ADE, 'predictions'), '--labels', join(ADE, 'annotations'));
    assert.equal(report.dataset.preset, 'ade20k');
    assert.equal(report.dataset.predictionIds, 'label');
    assert.match(
      report.dataset.detection!,
      /detected: ids 0–\d+, all below 150; right on [\d.]+% of labelled pixels as train ids, 100\.0% as label ids/,
    );
    for (const stem of ADE_STEMS) {
      const train = decode(join(ADE, 'annotations', `${stem}.png`)).values.map(adeTrain);
      assertImage(report, stem, naiveMetrics(train, train, 150));
    }
  },
);

test(
  'ADE20K, predictions in train ids (mmseg): --dataset ade20k --prediction-ids train equals a naive computation',
  { skip },
  () => {
    const root = mkdtempSync(join(tmpdir(), 'seglens-ade-'));
    const predictions: Record<string, number[]> = {};
    for (const stem of ADE_STEMS) {
      const label = decode(join(ADE, 'annotations', `${stem}.png`));
      // A train-id prediction: the label shifted down, with every 7th diagonal predicted as sky (2).
      const ids = label.values.map((v, p) =>
        ((p % label.width) + Math.floor(p / label.width)) % 7 === 0 ? 2 : v === 0 ? 0 : v - 1,
      );
      predictions[stem] = ids;
      writeFileSync(
        join(root, `${stem}.png`),
        encodeIndexPng(label.width, label.height, ids, { kind: 'gray', bitDepth: 8 }),
      );
    }
    const report = evalJson(
      root,
      '--labels',
      join(ADE, 'annotations'),
      '--dataset',
      'ade20k',
      '--prediction-ids',
      'train',
    );
    for (const stem of ADE_STEMS) {
      const train = decode(join(ADE, 'annotations', `${stem}.png`)).values.map(adeTrain);
      assertImage(report, stem, naiveMetrics(train, predictions[stem]!, 150));
    }
    const auto = evalJson(root, '--labels', join(ADE, 'annotations'));
    assert.equal(auto.dataset.preset, 'ade20k');
    assert.equal(auto.dataset.predictionIds, 'train');
    assert.match(
      auto.dataset.detection!,
      /detected: ids 0–\d+, all below 150; right on [\d.]+% of labelled pixels as train ids, [\d.]+% as label ids/,
    );
  },
);

const RIDER = join(REAL, 'voc-kevinddchen-keras-fcn', 'assets');

test('FCN-32s/16s/8s RGB-colour predictions of the SBD rider image equal a naive VOC computation', { skip }, () => {
  const label = vocIdsFromColours(decode(join(RIDER, 'rider_label.png')).values);
  for (const model of ['fcn32', 'fcn16', 'fcn8']) {
    const root = tree({
      [`pred/rider.png`]: join(RIDER, `${model}.png`),
      [`gt/rider.png`]: join(RIDER, 'rider_label.png'),
    });
    const report = evalJson(join(root, 'pred'), '--labels', join(root, 'gt'));
    assert.equal(report.dataset.preset, 'voc', 'colours of the VOC map');
    const prediction = vocIdsFromColours(decode(join(RIDER, `${model}.png`)).values);
    assertImage(report, 'rider', naiveMetrics(label, prediction, 21));
  }
});
