import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRIC_COLUMN_WIDTH, metricFirstLabel } from '../../../src/extension/logic/treeLabel';

test('the metric comes first, padded to one width, then the name', () => {
  assert.equal(metricFirstLabel('0.1234', 'a/b'), '0.1234 · a/b');
  assert.equal(metricFirstLabel('45.2%', 'x'), '\u200745.2% · x');
  assert.equal(metricFirstLabel('—', 'x'), `${'\u2007'.repeat(METRIC_COLUMN_WIDTH - 1)}— · x`);
  // Every label of a list starts its name at the same character.
  const labels = ['1.2345', '12.0%', '−0.12'].map((metric) => metricFirstLabel(metric, 'name'));
  assert.deepEqual(new Set(labels.map((label) => label.indexOf('name'))).size, 1);
});
