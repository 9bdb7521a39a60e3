import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { JsonReport } from '../../src/core/report/jsonReport';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const PREDICTIONS = join(REPO_ROOT, 'samples', 'voc-mini', 'predictions');
const LABELS = join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass');
/** The 21 VOC classes, typed out again here (Pascal VOC devkit order). */
const VOC = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

function seglens(...args: string[]): string {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const fixed = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : value.toFixed(4);

test('the text output ends with an aligned per-class table: name, IoU, Acc, Dice, BIoU, label pixels; absent classes counted', () => {
  const report = JSON.parse(seglens('eval', PREDICTIONS, '--labels', LABELS, '--json')) as JsonReport;
  const text = seglens('eval', PREDICTIONS, '--labels', LABELS).trimEnd().split('\n');
  const { dataset } = report;
  const present = dataset.perClassIoU.flatMap((iou, c) => (iou === null ? [] : [c]));
  const table = text.slice(-(present.length + 2));
  const absent = VOC.length - present.length;
  assert.ok(absent > 0, 'the sample leaves some classes out');
  assert.equal(
    table[0],
    `Per class (pooled over 12 images); ${absent} of 21 classes absent from labels and predictions are left out:`,
  );
  assert.match(table[1]!, /^class\s+IoU\s+Acc\s+Dice\s+BIoU\s+label px$/);
  const width = table[1]!.length;
  present.forEach((c, i) => {
    const row = table[i + 2]!;
    assert.equal(row.length, width, `row of ${VOC[c]} is as wide as the header`);
    const labelPixels = dataset.confusion[c]!.reduce((s, n) => s + n, 0) + dataset.unknownPredictions[c]!;
    assert.deepEqual(row.trim().split(/\s{2,}/), [
      VOC[c],
      fixed(dataset.perClassIoU[c]),
      fixed(dataset.perClassAccuracy![c]),
      fixed(dataset.perClassDice![c]),
      fixed(dataset.perClassBoundaryIoU[c]),
      String(labelPixels),
    ]);
  });
  assert.ok(
    text.some((line) =>
      line.startsWith(
        `mmseg IoUMetric: aAcc ${fixed(dataset.pixelAccuracy)}, mIoU ${fixed(dataset.miou)}, mAcc ${fixed(dataset.meanAccuracy)}`,
      ),
    ),
  );
  assert.deepEqual(dataset.classNames, VOC, 'the JSON names the classes too');
});

test('CSV columns and the compare table name the classes when the dataset has names', () => {
  const csv = join(mkdtempSync(join(tmpdir(), 'seglens-names-')), 'out.csv');
  seglens('eval', PREDICTIONS, '--labels', LABELS, '--csv', csv);
  // The first line is the options comment ('# seglens options {…}'); the column names follow it.
  const lines = readFileSync(csv, 'utf8').split('\n');
  assert.match(lines[0]!, /^# seglens options \{/);
  const header = lines[1]!.split(',');
  for (const name of VOC) {
    assert.ok(header.includes(`iou_${name}`), `iou_${name}`);
    assert.ok(header.includes(`boundary_iou_${name}`), `boundary_iou_${name}`);
  }
  const compare = seglens('compare', PREDICTIONS, PREDICTIONS, '--labels', LABELS).split('\n');
  const start = compare.findIndex((line) => /^class\s+IoU A/.test(line));
  assert.ok(start > 0);
  assert.match(compare[start + 1]!, /^background\s+0\.\d{4}/);
});
