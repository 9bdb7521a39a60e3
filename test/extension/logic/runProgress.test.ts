import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  advanceProgress,
  progressIncrement,
  progressText,
  startProgress,
  type RunProgress,
} from '../../../src/extension/logic/runProgress';

/** A run as the runner feeds the store: cached results, computed ones, unreadable pairs, in any mix. */
const OUTCOMES = ['cached', 'cached', 'computed', 'failed', 'computed', 'cached', 'failed', 'computed'] as const;

test('every pair outcome (cached, computed or failed) advances the one count by one', () => {
  let progress = startProgress(OUTCOMES.length);
  OUTCOMES.forEach((_, i) => {
    progress = advanceProgress(progress);
    assert.deepEqual(progress, { done: i + 1, total: OUTCOMES.length });
  });
  assert.equal(progressText(progress), '8 of 8 images');
});

test('the count never passes the total (a late outcome of a superseded run)', () => {
  let progress: RunProgress = startProgress(2);
  for (let i = 0; i < 5; i++) progress = advanceProgress(progress);
  assert.deepEqual(progress, { done: 2, total: 2 });
});

test('the notification increments add up to exactly 100 % of the bar, whatever the report rhythm', () => {
  let progress = startProgress(3000);
  let reported = 0;
  let bar = 0;
  for (let i = 0; i < 3000; i++) {
    progress = advanceProgress(progress);
    // Reports only every 7th outcome and at the end, like a throttled notification would.
    if (i % 7 === 0 || i === 2999) {
      bar += progressIncrement(reported, progress);
      reported = progress.done;
    }
  }
  assert.ok(Math.abs(bar - 100) < 1e-9, `bar at ${bar}`);
  assert.equal(progressText(progress), '3,000 of 3,000 images');
  assert.equal(progressIncrement(0, startProgress(0)), 0);
});
