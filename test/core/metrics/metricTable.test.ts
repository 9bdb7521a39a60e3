import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRecord } from '../../../src/core/evaluate/record';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import {
  IMAGE_METRICS,
  VALUE_METRIC_KEYS,
  formatMetric,
  isOptionalMetric,
  isSoftOnlyMetric,
} from '../../../src/core/metrics/metricTable';
import { DEFAULT_METRIC_OPTIONS } from '../../../src/core/options';
import { recordsToCsv } from '../../../src/core/report/csv';
import { DELTA_KEYS, regression, type Deltas } from '../../../src/core/report/compare';
import { hardestFirst, RANKING_KEYS } from '../../../src/core/report/ranking';
import { SORT_KEYS } from '../../../src/extension/logic/sortKeys';
import { isImageRecord } from '../../../src/core/report/resultsFile';
import { fakeRecord } from '../../extension/logic/records';

/** A real record: a 4x4 two-class image with one wrong pixel, through the engine. */
function evaluatedRecord() {
  const label = { width: 4, height: 4, ids: new Uint8Array([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]) };
  const predicted = new Uint8Array(label.ids);
  predicted[5] = 1;
  const options = { ...DEFAULT_METRIC_OPTIONS, numClasses: 2, scales: [2] };
  const { metrics } = evaluatePair(label, { type: 'hard', map: { width: 4, height: 4, ids: predicted } }, options);
  return toRecord({ name: 'x', predictionFile: 'p/x.png', labelFile: 'l/x.png' }, metrics, []);
}

/** The same image with a soft prediction (logits), which has the soft-only metrics too. */
function softRecord() {
  const label = { width: 4, height: 4, ids: new Uint8Array([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]) };
  const values = new Float32Array(32);
  label.ids.forEach((y, p) => (values[p * 2 + y] = p === 5 ? -2 : 2));
  const options = { ...DEFAULT_METRIC_OPTIONS, numClasses: 2, scales: [2] };
  const scores = { width: 4, height: 4, channels: 2, kind: 'logits', layout: 'hwc', values } as const;
  const { metrics } = evaluatePair(label, { type: 'soft', scores }, options);
  return toRecord({ name: 'x', predictionFile: 'p/x.npy', labelFile: 'l/x.png' }, metrics, []);
}

test('every metric of the table is a field of an evaluated record, in the shape the table says', () => {
  const hard = evaluatedRecord() as unknown as Record<string, unknown>;
  const soft = softRecord() as unknown as Record<string, unknown>;
  for (const metric of IMAGE_METRICS) {
    // Soft-only metrics: soft predictions have them, hard ones leave them out.
    if (isSoftOnlyMetric(metric)) assert.equal(hard[metric.key], undefined, metric.key);
    const record = isSoftOnlyMetric(metric) ? soft : hard;
    const value = record[metric.key];
    if (metric.shape === 'value') assert.ok(value === null || typeof value === 'number', metric.key);
    if (metric.shape === 'perClass') assert.ok(Array.isArray(value) && value.length === 2, metric.key);
    if (metric.shape === 'perScale') assert.deepEqual(Object.keys(value as object), ['2'], metric.key);
  }
});

test('keys and CSV columns are unique', () => {
  const keys = IMAGE_METRICS.map((m) => m.key);
  const columns = IMAGE_METRICS.map((m) => m.csvColumn);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(new Set(columns).size, columns.length);
});

test('the CSV keeps the column layout of earlier versions, new metrics before the hot spot (written out by hand)', () => {
  const header = recordsToCsv([fakeRecord('a')], [2, 4], ['0', '1', '2']).split('\n')[0];
  assert.equal(
    header,
    'name,prediction,label,width,height,valid_pixels,ce,adaptive,adaptive_k2,adaptive_k4,merge_effect,miou,' +
      'pixel_accuracy,iou_0,iou_1,iou_2,boundary_miou,boundary_iou_0,boundary_iou_1,boundary_iou_2,' +
      'mean_accuracy,mean_dice,' +
      'hotspot_class,hotspot_scale,hotspot_effect,hotspot_share,hotspot_pixels,hotspot_x,hotspot_y,' +
      'hotspot_width,hotspot_height',
  );
  // Soft predictions only (issue 22): after the earlier columns, when some image has them.
  const soft = recordsToCsv([fakeRecord('a'), softRecord()], [2, 4], ['0', '1', '2']).split('\n')[0]!;
  assert.ok(soft.endsWith(',hotspot_height,label_quality,label_issue_pixels,low_confidence_share,ece'), soft);
});

test('ranking, compare and the sort menu list every one-number metric, each in its earlier order, new ones last', () => {
  const added = ['meanAccuracy', 'meanDice', 'labelQuality', 'labelIssuePixels', 'lowConfidenceShare', 'ece'];
  assert.deepEqual(RANKING_KEYS, ['adaptive', 'ce', 'mergeEffect', 'miou', 'pixelAccuracy', 'boundaryMiou', ...added]);
  assert.deepEqual(DELTA_KEYS, ['miou', 'pixelAccuracy', 'ce', 'adaptive', 'mergeEffect', 'boundaryMiou', ...added]);
  assert.deepEqual(Object.keys(SORT_KEYS), RANKING_KEYS);
  assert.deepEqual([...VALUE_METRIC_KEYS].sort(), [...RANKING_KEYS].sort());
});

test('the better direction: losses rank high first and regress when they grow; scores the other way', () => {
  const low = fakeRecord('low', { ce: 0.1, miou: 0.1 });
  const high = fakeRecord('high', { ce: 0.9, miou: 0.9 });
  assert.deepEqual(
    [low, high].sort(hardestFirst('ce')).map((r) => r.name),
    ['high', 'low'],
  );
  assert.deepEqual(
    [high, low].sort(hardestFirst('miou')).map((r) => r.name),
    ['low', 'high'],
  );
  const delta = { ...Object.fromEntries(DELTA_KEYS.map((key) => [key, 0])), ce: 0.2, miou: 0.2 } as Deltas;
  assert.equal(regression(delta, 'ce'), 0.2);
  assert.equal(regression(delta, 'miou'), -0.2);
});

test('the sort menu words and formats come from the table', () => {
  assert.equal(SORT_KEYS.adaptive.detail, 'locally adaptive loss (Guo et al.), highest first');
  assert.equal(SORT_KEYS.miou.detail, 'mean IoU of the image, lowest first');
  assert.equal(formatMetric('ce', 0.12345), '0.1235');
  assert.equal(formatMetric('miou', 0.5), '50.0%');
  assert.equal(formatMetric('miou', null), '—');
  assert.equal(formatMetric('labelIssuePixels', 525), '525');
  assert.equal(formatMetric('labelIssuePixels', 6207), '6,207');
  assert.equal(SORT_KEYS.labelQuality.detail.endsWith('lowest first'), true);
});

test('the cache accepts a record with every metric and rejects one that lacks a required one', () => {
  assert.ok(isImageRecord(evaluatedRecord()));
  // Records of earlier versions have no mean accuracy or Dice: still readable.
  const { meanAccuracy: _accuracy, meanDice: _dice, ...older } = fakeRecord('old');
  assert.ok(isImageRecord(older));
  for (const metric of IMAGE_METRICS.filter((m) => !isOptionalMetric(m))) {
    const record = { ...fakeRecord('a') } as Record<string, unknown>;
    delete record[metric.key];
    assert.equal(isImageRecord(record), false, metric.key);
    assert.equal(isImageRecord({ ...fakeRecord('a'), [metric.key]: 'text' }), false, metric.key);
  }
});
