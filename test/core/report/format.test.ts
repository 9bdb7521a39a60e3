import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorText } from '../../../src/core';
import { formatFixed, formatPercent, formatSigned, MISSING } from '../../../src/core/report/format';

test('a missing number prints as an em dash in every formatter', () => {
  assert.equal(MISSING, '—');
  for (const missing of [null, undefined]) {
    assert.equal(formatFixed(missing), MISSING);
    assert.equal(formatPercent(missing), MISSING);
    assert.equal(formatSigned(missing), MISSING);
  }
});

test('numbers print with fixed decimals, percentages with one, signs with a true minus', () => {
  assert.equal(formatFixed(0.123456), '0.1235');
  assert.equal(formatFixed(0.5, 3), '0.500');
  assert.equal(formatPercent(0.7345), '73.5%');
  assert.equal(formatSigned(0.25), '+0.2500');
  assert.equal(formatSigned(-0.25), '−0.2500');
  assert.equal(formatSigned(-0.00001), '0.0000');
});

test('errorText is the message of an Error and the string of anything else', () => {
  assert.equal(errorText(new TypeError('bad')), 'bad');
  assert.equal(errorText('plain'), 'plain');
  assert.equal(errorText(42), '42');
});
