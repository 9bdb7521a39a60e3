import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../../src/extension/logic/clock';
import {
  RefreshPacer,
  STREAMING_REFRESH_MAX_MS,
  STREAMING_REFRESH_MIN_MS,
  streamingRefreshMs,
} from '../../../src/extension/logic/refreshPace';

test('streaming refreshes wait 150 ms up to 3,750 images, 1 ms more per 25 images after, 1 s from 25,000 on', () => {
  // The rule written out case by case: below 3,750 images the floor, from 25,000 the ceiling.
  for (const [images, ms] of [
    [0, 150],
    [1_000, 150],
    [3_750, 150],
    [5_000, 200],
    [12_500, 500],
    [24_975, 999],
    [25_000, 1000],
    [100_000, 1000],
    [1_000_000, 1000],
  ] as const)
    assert.equal(streamingRefreshMs(images), ms, `${images} images`);
  assert.equal(STREAMING_REFRESH_MIN_MS, 150);
  assert.equal(STREAMING_REFRESH_MAX_MS, 1000);
});

/** A clock whose time moves only when the test says, running due timers in order of their due time. */
class FakeClock implements Clock {
  time = 0;
  private timers: { due: number; run: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ due: this.time + ms, run, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (next === undefined || next.due > until) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.due;
      next.run();
    }
    this.time = until;
  }
}

test('the pacer refreshes once for requests that arrive while one is pending, at the earliest time asked', () => {
  const clock = new FakeClock();
  const refreshedAt: number[] = [];
  const pacer = new RefreshPacer(() => refreshedAt.push(clock.now()), clock);

  // A stream of results: the first asks for 1,000 ms, the ones after join it.
  for (let i = 0; i < 10; i++) {
    pacer.request(1000);
    clock.advance(50);
  }
  assert.deepEqual(refreshedAt, []);
  assert.equal(clock.pending, 1, 'one timer for all the requests');
  clock.advance(500);
  assert.deepEqual(refreshedAt, [1000]);

  // A sort while results stream in: shown at once, and the streaming refresh it overtook is not run again.
  pacer.request(1000); // at 1,000: due at 2,000
  clock.advance(100);
  pacer.request(0); // at 1,100: due now
  clock.advance(0);
  assert.deepEqual(refreshedAt, [1000, 1100]);
  clock.advance(2000);
  assert.deepEqual(refreshedAt, [1000, 1100], 'the later refresh was replaced, not kept beside');

  // A later request never delays an earlier one.
  pacer.request(100); // at 3,100: due at 3,200
  pacer.request(1000);
  clock.advance(100);
  assert.deepEqual(refreshedAt, [1000, 1100, 3200]);
  assert.equal(clock.pending, 0);

  // Disposed: a pending refresh never runs.
  pacer.request(100);
  pacer.dispose();
  clock.advance(1000);
  assert.deepEqual(refreshedAt, [1000, 1100, 3200]);
});
