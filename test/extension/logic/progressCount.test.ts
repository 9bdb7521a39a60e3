import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressCount } from '../../../src/extension/logic/progressCount';

test('the run count reads "processed of total" with thousands separators, as every place shows it', () => {
  assert.equal(progressCount({ processed: 0, total: 12 }), '0 of 12');
  assert.equal(progressCount({ processed: 1480, total: 3000 }), '1,480 of 3,000');
});
