import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorText } from '../../../src/core';
import {
  formatCount,
  formatFixed,
  formatPercent,
  formatSigned,
  formatThreshold,
  MISSING,
} from '../../../src/core/report/format';

test('a missing number prints as an em dash in every formatter', () => {
  assert.equal(MISSING, '—');
  for (const missing of [null, undefined]) {
    assert.equal(formatFixed(missing), MISSING);
    assert.equal(formatPercent(missing), MISSING);
    assert.equal(formatSigned(missing), MISSING);
    assert.equal(formatCount(missing), MISSING);
    assert.equal(formatThreshold(missing), MISSING);
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

test('a threshold prints with two decimals, or the few more it needs to be the value in force', () => {
  assert.equal(formatThreshold(0.1), '0.10');
  assert.equal(formatThreshold(0.6), '0.60');
  assert.equal(formatThreshold(0), '0.00');
  assert.equal(formatThreshold(1), '1.00');
  assert.equal(formatThreshold(0.125), '0.125');
  assert.equal(formatThreshold(0.05), '0.05');
  assert.equal(formatThreshold(1 / 3), '0.3333');
});

test('counts print with thousands separators', () => {
  assert.equal(formatCount(1234), '1,234');
  assert.equal(formatCount(6207), '6,207');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1234567), '1,234,567');
});

test('errorText is the message of an Error and the string of anything else', () => {
  assert.equal(errorText(new TypeError('bad')), 'bad');
  assert.equal(errorText('plain'), 'plain');
  assert.equal(errorText(42), '42');
});
