import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLoopWatch, eventLoopText } from '../../../src/extension/logic/eventLoopWatch';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a loop held for 150 ms shows at least 100 ms of delay and some busy time; the text names them', async () => {
  const watch = new EventLoopWatch();
  await sleep(50);
  const until = Date.now() + 150;
  while (Date.now() < until); // the thread held: the watch's 10 ms timer cannot fire
  await sleep(50);
  const report = watch.stop();
  assert.ok(report.delayMaxMs >= 100, `max delay ${report.delayMaxMs} ms after holding the loop 150 ms`);
  assert.ok(report.delayP50Ms <= report.delayP99Ms && report.delayP99Ms <= report.delayMaxMs);
  assert.ok(report.busy > 0 && report.busy <= 1, `busy ${report.busy}`);
  assert.match(eventLoopText(report), /^event loop: delay p50 \d+ ms, p99 \d+ ms, max (\d+) ms, busy (\d+)%$/);
  assert.equal(
    eventLoopText({ delayP50Ms: 0.4, delayP99Ms: 12.6, delayMaxMs: 250, busy: 0.634 }),
    'event loop: delay p50 0 ms, p99 13 ms, max 250 ms, busy 63%',
  );
});
