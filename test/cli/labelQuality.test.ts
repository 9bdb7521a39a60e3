import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { vocColorTable } from '../../src/core/io/colorTable';
import { DatasetAccumulator } from '../../src/core/evaluate/datasetSummary';
import { evaluatePairs } from '../../src/core/evaluate/evaluatePairs';
import type { ImageRecord } from '../../src/core/evaluate/record';
import { pairFiles } from '../../src/core/io/pairing';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../src/core/options';
import type { JsonReport } from '../../src/core/report/jsonReport';
import type { LabelIssueLine } from '../../src/core/report/labelIssues';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SOFT = join(REPO_ROOT, 'samples', 'voc-mini', 'soft-predictions');
const SOFT_LABELS = join(REPO_ROOT, 'samples', 'voc-mini', 'soft-labels');

function seglens(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function inProcess(
  threshold?: number,
): Promise<{ records: Map<string, ImageRecord>; dataset: DatasetAccumulator }> {
  const { pairs } = await pairFiles(SOFT, SOFT_LABELS);
  const metric = { ...DEFAULT_METRIC_OPTIONS, ...(threshold !== undefined ? { labelIssueThreshold: threshold } : {}) };
  const dataset = new DatasetAccumulator(21);
  const records = new Map<string, ImageRecord>();
  for await (const outcome of evaluatePairs(
    pairs,
    { metric, read: DEFAULT_READ_OPTIONS, colorTable: vocColorTable() },
    { workers: 0 },
  )) {
    assert.equal(outcome.type, 'image');
    if (outcome.type !== 'image') continue;
    dataset.add(outcome.record);
    records.set(outcome.record.name, outcome.record);
  }
  return { records, dataset };
}

test('eval of soft predictions: label quality, label issues, unsure share and ECE per image, calibration for the dataset', async () => {
  const out = mkdtempSync(join(tmpdir(), 'seglens-lq-'));
  const issues = join(out, 'issues.jsonl');
  const csv = join(out, 'rows.csv');
  const run = seglens(
    'eval',
    SOFT,
    '--labels',
    SOFT_LABELS,
    '--json',
    '--sort',
    'labelQuality',
    '--label-issue-threshold',
    '0.2',
    '--label-issues',
    issues,
    '--csv',
    csv,
  );
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  const { records, dataset } = await inProcess(0.2);
  assert.equal(report.images.length, records.size);
  for (const image of report.images) {
    const record = records.get(image.name)!;
    assert.equal(image.labelQuality, record.labelQuality);
    assert.equal(image.labelIssuePixels, record.labelIssuePixels);
    assert.deepEqual(image.labelIssueRegions, record.labelIssueRegions);
    assert.equal(image.lowConfidenceShare, record.lowConfidenceShare);
    assert.equal(image.ece, record.ece);
    assert.ok(image.labelIssuePixels! > 0, `${image.name} has label issues at 0.2`);
  }
  const qualities = report.images.map((image) => image.labelQuality!);
  assert.deepEqual(
    qualities,
    [...qualities].sort((a, b) => a - b),
    '--sort labelQuality: lowest first',
  );
  assert.deepEqual(report.dataset.calibration, dataset.summary().calibration);
  assert.equal(report.dataset.calibration!.bins.length, 15);

  const lines = readFileSync(issues, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LabelIssueLine);
  assert.equal(
    lines.length,
    report.images.reduce((sum, image) => sum + image.labelIssueRegions!.length, 0),
  );
  assert.ok(lines.every((line) => line.evidence === 'soft' && line.predictionFiles.length === 1));
  assert.equal(lines[0]!.image, report.images[0]!.name, 'in the ranking order');

  const [comment, header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
  assert.match(comment!, /^# seglens options /);
  const columns = header!.split(',');
  for (const column of ['label_quality', 'label_issue_pixels', 'low_confidence_share', 'ece'])
    assert.ok(columns.includes(column), column);
  const at = columns.indexOf('label_quality');
  assert.deepEqual(
    rows.map((row) => Number(row.split(',')[at])),
    qualities,
  );
});

test('the soft columns show in the table only when some image has them; a bad threshold is a usage error', () => {
  const soft = seglens('eval', SOFT, '--labels', SOFT_LABELS, '--sort', 'labelQuality');
  assert.equal(soft.status, 0, soft.stderr);
  assert.match(soft.stdout, /Hardest 3 of 3 images by label quality \(lowest first\):/);
  assert.match(soft.stdout, /label q\.\s+issues\s+unsure\s+ECE/);
  const hard = seglens(
    'eval',
    join(REPO_ROOT, 'samples', 'voc-mini', 'predictions'),
    '--labels',
    join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass'),
  );
  assert.equal(hard.status, 0, hard.stderr);
  assert.doesNotMatch(hard.stdout, /label q\./);
  const bad = seglens('eval', SOFT, '--labels', SOFT_LABELS, '--label-issue-threshold', '2');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--label-issue-threshold must be a number in \[0, 1\], got "2"/);
});
