import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompletionOrder, JobOrder, type ResultQueue } from '../../../src/core/evaluate/resultOrder';
import { seededRandom } from '../../../src/core/synthetic/scenes';

interface Run {
  /** Results in the order the consumer took them (each result is its job's index). */
  readonly taken: number[];
  /** Job indices in the order they finished. */
  readonly finished: number[];
  /** The most results held, and held plus running, at any moment. */
  readonly maxHeld: number;
  readonly maxHeldOrRunning: number;
}

/**
 * A pool simulated step by step, as workerPool.ts drives the queue: a free worker starts the next job
 * only while the queue admits it; jobs take their own duration; the consumer takes what it can, one
 * result per `consumerStep` time units.
 */
function simulate(
  queue: ResultQueue<number>,
  durations: readonly number[],
  workers: number,
  consumerStep: number,
): Run {
  const taken: number[] = [];
  const finished: number[] = [];
  const running = new Map<number, number>(); // job -> finish time
  let next = 0;
  let now = 0;
  let consumerFree = 0;
  let maxHeld = 0;
  let maxHeldOrRunning = 0;
  for (let steps = 0; taken.length < durations.length; steps++) {
    assert.ok(steps < 1_000_000, `no progress: ${taken.length} taken, ${queue.size} held, ${running.size} running`);
    while (running.size < workers && next < durations.length && queue.admits(next)) {
      running.set(next, now + durations[next]!);
      next++;
    }
    maxHeldOrRunning = Math.max(maxHeldOrRunning, queue.size + running.size);
    if (now >= consumerFree) {
      const result = queue.take();
      if (result !== undefined) {
        taken.push(result);
        consumerFree = now + consumerStep;
        continue;
      }
    }
    // Next event: a job ends, or the busy consumer is free again for a result that is waiting.
    const events = [...running.values(), ...(queue.size > 0 && consumerFree > now ? [consumerFree] : [])];
    assert.ok(
      events.length > 0,
      `stuck at ${now}: ${taken.length} taken, ${queue.size} held, job ${next} not admitted`,
    );
    now = Math.min(...events);
    for (const [job, end] of [...running].sort((a, b) => a[1] - b[1] || a[0] - b[0]))
      if (end <= now) {
        running.delete(job);
        queue.put(job, job);
        finished.push(job);
      }
    maxHeld = Math.max(maxHeld, queue.size);
  }
  return { taken, finished, maxHeld, maxHeldOrRunning };
}

/** Durations of very different sizes: most jobs short, some 10 to 1000 times longer. */
function durations(seed: number, count: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const r = random();
    return r < 0.05 ? 1000 * (1 + random()) : r < 0.2 ? 10 * (1 + random()) : 1 + random();
  });
}

test('job order: results come out in job order (a naive sort of what finished), held and running never above the window', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(1000 + seed);
    const count = 50 + Math.floor(random() * 400);
    const workers = 2 + Math.floor(random() * 7);
    const window = workers + Math.floor(random() * 20);
    const consumerStep = random() < 0.5 ? 0 : random() * 50; // a fast consumer, or one slower than the workers
    const run = simulate(new JobOrder<number>(window), durations(seed, count), workers, consumerStep);
    const naive = [...run.finished].sort((a, b) => a - b);
    assert.deepEqual(run.taken, naive, `seed ${seed}: order`);
    assert.deepEqual(
      naive,
      Array.from({ length: count }, (_, i) => i),
      `seed ${seed}: every job once`,
    );
    assert.notDeepEqual(run.finished, naive, `seed ${seed}: the jobs did finish out of order`);
    assert.ok(
      run.maxHeldOrRunning <= window,
      `seed ${seed}: ${run.maxHeldOrRunning} held or running, window ${window}`,
    );
  }
});

test('job order: one very slow first job holds back at most the window, then the workers wait', () => {
  const window = 10;
  const slowFirst = [100_000, ...Array.from({ length: 200 }, () => 1)];
  const run = simulate(new JobOrder<number>(window), slowFirst, 4, 0);
  assert.equal(run.maxHeld, window, 'the nine jobs after the slow one waited for it: ten held when it ended');
  assert.equal(run.maxHeldOrRunning, window);
  assert.equal(run.finished.indexOf(0), window - 1, 'no job beyond the window started before the slow one ended');
  assert.deepEqual(
    run.taken,
    Array.from({ length: 201 }, (_, i) => i),
  );
});

test('completion order: results as they finish, at most the bound held', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const bound = 8;
    const run = simulate(new CompletionOrder<number>(bound), durations(seed, 300), 3, seed % 2 === 0 ? 0 : 40);
    assert.deepEqual(run.taken, run.finished, `seed ${seed}`);
    assert.ok(run.maxHeld <= bound + 3, `seed ${seed}: ${run.maxHeld} held`);
  }
});

test('job order refuses a job outside the window or finished twice', () => {
  const queue = new JobOrder<string>(3);
  queue.put(1, 'b');
  assert.throws(() => queue.put(1, 'again'), /finished twice/);
  assert.throws(() => queue.put(3, 'd'), /outside the window/);
  assert.equal(queue.take(), undefined, 'job 0 has not finished');
  queue.put(0, 'a');
  assert.equal(queue.take(), 'a');
  assert.equal(queue.take(), 'b');
  assert.throws(() => queue.put(0, 'a'), /outside the window/);
  assert.ok(queue.admits(4) && !queue.admits(5));
  assert.throws(() => new JobOrder(0), RangeError);
});
