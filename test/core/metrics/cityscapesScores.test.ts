import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import type { JsonReport } from '../../../src/core/report/jsonReport';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import { evaluateCityscapes, type CityscapesImage, type CityscapesResult } from '../../helpers/cityscapesOracle';
import { REPO_ROOT } from '../../helpers/golden';
import { REAL, REAL_SKIP } from '../../helpers/realData';

/** The 19 evaluated classes in train-id order (Cityscapes' labels.py). */
const TRAIN_NAMES = [
  'road',
  'sidewalk',
  'building',
  'wall',
  'fence',
  'pole',
  'traffic light',
  'traffic sign',
  'vegetation',
  'terrain',
  'sky',
  'person',
  'rider',
  'car',
  'truck',
  'bus',
  'train',
  'motorcycle',
  'bicycle',
];
const INSTANCE_LABEL_IDS = [24, 25, 26, 27, 28, 31, 32, 33];

function cli(...args: string[]): JsonReport {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'eval', ...args, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as JsonReport;
}

/** A tree with `predictions/` (label ids) and `gtFine/val/` evaluated as Cityscapes. */
const cityscapesArgs = (root: string): string[] => [
  join(root, 'predictions'),
  '--labels',
  join(root, 'gtFine', 'val'),
  '--dataset',
  'cityscapes',
  '--prediction-ids',
  'label',
];

const nullable = (value: number): number | null => (Number.isNaN(value) ? null : value);

function assertClose(actual: number | null | undefined, expected: number, what: string): void {
  const want = nullable(expected);
  if (want === null || actual === null || actual === undefined) {
    assert.equal(actual ?? null, want, `${what}: ${actual} vs oracle ${want}`);
    return;
  }
  assert.ok(Math.abs(actual - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs oracle ${want}`);
}

/** Every figure of dataset.cityscapes (and the class IoUs) against the script's. */
function assertReport(report: JsonReport, expected: CityscapesResult, what: string): void {
  const cs = report.dataset.cityscapes;
  assert.ok(cs, `${what}: no dataset.cityscapes`);
  TRAIN_NAMES.forEach((name, trainId) => {
    assertClose(report.dataset.perClassIoU[trainId], expected.classScores[name]!, `${what} IoU ${name}`);
    assertClose(cs.perClassIIoU?.[trainId], expected.classInstScores[name]!, `${what} iIoU ${name}`);
  });
  assertClose(report.dataset.miou, expected.averageScoreClasses, `${what} mIoU`);
  for (const [category, score] of Object.entries(expected.categoryScores)) {
    if (category === 'void') assert.ok(Number.isNaN(score), 'the script never scores void');
    else assertClose(cs.perCategoryIoU[category as keyof typeof cs.perCategoryIoU], score, `${what} ${category} IoU`);
  }
  assertClose(cs.categoryIoU, expected.averageScoreCategories, `${what} category IoU`);
  assertClose(cs.meanIIoU, expected.averageScoreInstClasses, `${what} mean iIoU`);
  assertClose(cs.categoryIIoU, expected.averageScoreInstCategories, `${what} category iIoU`);
  for (const category of ['human', 'vehicle'] as const)
    assertClose(cs.perCategoryIIoU?.[category], expected.categoryInstScores[category]!, `${what} ${category} iIoU`);
}

function writeTree(root: string, files: Record<string, Buffer>): void {
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
}

/**
 * A frame of 8×8 blocks: each block one label id (any of 0..33), things as instances (label id × 1000 +
 * index, some spanning two blocks) or as a group region (the label id alone); the prediction copies
 * the truth or not, in label ids that are not caravan or trailer (see cityscapesScores.ts).
 */
function randomFrame(random: () => number, width: number, height: number): CityscapesImage {
  const groundTruth: number[] = [];
  const instances: number[] = [];
  const prediction: number[] = [];
  const blockLabel = new Map<string, number>();
  const blockInstance = new Map<string, number>();
  let next = 0;
  const predictable = Array.from({ length: 34 }, (_, id) => id).filter((id) => id !== 29 && id !== 30);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const key = `${Math.floor(x / 8)},${Math.floor(y / 8)}`;
      if (!blockLabel.has(key)) {
        const thing = random() < 0.5;
        const labelId = thing ? INSTANCE_LABEL_IDS[Math.floor(random() * 8)]! : Math.floor(random() * 34);
        blockLabel.set(key, labelId);
        const left = blockInstance.get(`${Math.floor(x / 8) - 1},${Math.floor(y / 8)}`);
        const joined = left !== undefined && Math.trunc(left / 1000) === labelId && random() < 0.5;
        const instance = joined ? left : labelId >= 24 && random() < 0.8 ? labelId * 1000 + next++ : labelId;
        blockInstance.set(key, instance);
      }
      const y0 = blockLabel.get(key)!;
      groundTruth.push(y0);
      instances.push(blockInstance.get(key)!);
      const r = random();
      prediction.push(
        r < 0.6
          ? y0
          : r < 0.8
            ? INSTANCE_LABEL_IDS[Math.floor(random() * 8)]!
            : predictable[Math.floor(random() * 32)]!,
      );
    }
  }
  // A caravan or trailer truth is never predicted right (its prediction is a miss in both).
  return { groundTruth, prediction: prediction.map((q, p) => (q === 29 || q === 30 ? groundTruth[p]! : q)), instances };
}

test('category IoU, per-class and mean iIoU and category iIoU equal the Cityscapes script (retyped) on generated frames', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const random = seededRandom(seed);
    const [width, height] = [48 + 8 * Math.floor(random() * 4), 32 + 8 * Math.floor(random() * 3)];
    const frames = Array.from({ length: 1 + (seed % 3) }, () => randomFrame(random, width, height));
    const root = mkdtempSync(join(tmpdir(), 'seglens-cs-'));
    const files: Record<string, Buffer> = {};
    frames.forEach((frame, i) => {
      const stem = `city_00000${i}_000019`;
      files[`gtFine/val/city/${stem}_gtFine_labelIds.png`] = encodeIndexPng(width, height, frame.groundTruth, {
        kind: 'gray',
        bitDepth: 8,
      });
      files[`gtFine/val/city/${stem}_gtFine_instanceIds.png`] = encodeIndexPng(width, height, frame.instances, {
        kind: 'gray',
        bitDepth: 16,
      });
      files[`predictions/city/${stem}.png`] = encodeIndexPng(width, height, frame.prediction, {
        kind: 'gray',
        bitDepth: 8,
      });
    });
    writeTree(root, files);
    const report = cli(...cityscapesArgs(root));
    assert.equal(report.images.length, frames.length);
    assertReport(report, evaluateCityscapes(frames), `seed ${seed}`);
  }
});

test('without the instance maps iIoU is null with the reason; category IoU stays', () => {
  const random = seededRandom(99);
  const frame = randomFrame(random, 32, 16);
  const root = mkdtempSync(join(tmpdir(), 'seglens-cs-'));
  writeTree(root, {
    'gtFine/val/c/c_000000_000019_gtFine_labelIds.png': encodeIndexPng(32, 16, frame.groundTruth, {
      kind: 'gray',
      bitDepth: 8,
    }),
    'predictions/c_000000_000019.png': encodeIndexPng(32, 16, frame.prediction, { kind: 'gray', bitDepth: 8 }),
  });
  const report = cli(...cityscapesArgs(root));
  const cs = report.dataset.cityscapes!;
  assert.equal(cs.perClassIIoU, null);
  assert.equal(cs.meanIIoU, null);
  assert.equal(cs.categoryIIoU, null);
  assert.match(cs.iIoUUnavailable ?? '', /1 of 1 labels have no usable _gtFine_instanceIds file/);
  assertClose(cs.categoryIoU, evaluateCityscapes([frame]).averageScoreCategories, 'category IoU');
  const text = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'eval', ...cityscapesArgs(root)], {
    encoding: 'utf8',
  }).stdout;
  assert.ok(
    text.includes(`Cityscapes: category IoU ${cs.categoryIoU!.toFixed(4)}, no iIoU: 1 of 1 labels have no usable`),
    text,
  );
});

test('other datasets carry no Cityscapes figures', () => {
  const report = cli(
    join(REPO_ROOT, 'samples', 'voc-mini', 'predictions'),
    '--labels',
    join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass'),
  );
  assert.equal(report.dataset.cityscapes, undefined);
});

const PSEUDO = join(REAL, 'cityscapes-mmseg-pseudo', 'tests', 'data', 'pseudo_cityscapes_dataset', 'gtFine');
const FRAME = 'frankfurt_000000_000294';

/** 16-bit gray read by pngjs without rescaling, 8-bit gray as is: the script's np.array(Image.open(...)). */
function grayValues(file: string): { width: number; height: number; values: number[] } {
  const png = PNG.sync.read(readFileSync(file), { skipRescale: true });
  const data = png.data as unknown as ArrayLike<number>;
  return {
    width: png.width,
    height: png.height,
    values: Array.from({ length: png.width * png.height }, (_, p) => data[p * 4]!),
  };
}

test(
  'the real Cityscapes frame (mmseg pseudo, with its instanceIds): a perturbed prediction scored as the script does',
  {
    skip: REAL_SKIP,
  },
  () => {
    const label = grayValues(join(PSEUDO, `${FRAME}_gtFine_labelIds.png`));
    const instances = grayValues(join(PSEUDO, `${FRAME}_gtFine_instanceIds.png`));
    const { width, height } = label;
    // The truth moved 3 pixels right, cars as trucks in the left half, people as riders in the top rows.
    const prediction = label.values.map((_, p) => {
      const [x, y] = [p % width, Math.floor(p / width)];
      const q = label.values[y * width + Math.max(0, x - 3)]!;
      if (q === 26 && x < width / 2) return 27;
      if (q === 24 && y < height / 3) return 25;
      return q;
    });
    const root = mkdtempSync(join(tmpdir(), 'seglens-cs-real-'));
    const gt = join(root, 'gtFine', 'val', 'frankfurt');
    mkdirSync(gt, { recursive: true });
    for (const kind of ['labelIds', 'instanceIds'])
      symlinkSync(join(PSEUDO, `${FRAME}_gtFine_${kind}.png`), join(gt, `${FRAME}_gtFine_${kind}.png`));
    writeTree(root, {
      [`predictions/${FRAME}.png`]: encodeIndexPng(width, height, prediction, { kind: 'gray', bitDepth: 8 }),
    });
    const report = cli(...cityscapesArgs(root));
    const expected = evaluateCityscapes([{ groundTruth: label.values, prediction, instances: instances.values }]);
    assertReport(report, expected, FRAME);
    // The frame has people and cars as instances: their iIoU is defined and below 1.
    for (const name of ['person', 'car']) assert.ok(expected.classInstScores[name]! < 1, name);
  },
);
