import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

// The CLI's V8 flags, checked in a process of their own (they are process-wide): the main thread's
// young generation keeps its starting size however much survives it, also after worker threads have
// started (V8 sets the growth factor back when it configures each one's heap), and a worker's starts
// at the size its limits allow. Without the flags, the same program's young generation grows: that
// is what the check would miss if V8 ignored them.

const FLAGS_MODULE = join(__dirname, '..', '..', 'src', 'cli', 'v8Flags.js');
const LIMITS_MODULE = join(__dirname, '..', '..', 'src', 'core', 'workerLimits.js');

/** The program: flags (or not), two workers started and waited for, then 40 MB of objects that survive. */
const program = (withFlags: boolean): string => `
const { Worker } = require('node:worker_threads');
const { getHeapSpaceStatistics } = require('node:v8');
const { WORKER_RESOURCE_LIMITS } = require(${JSON.stringify(LIMITS_MODULE)});
${withFlags ? `require(${JSON.stringify(FLAGS_MODULE)}).setCliV8Flags();` : ''}
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const workerCode = "const v8 = require('node:v8'); require('node:worker_threads').parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);";
const started = [0, 1].map(() => new Promise((resolve) => {
  const worker = new Worker(workerCode, { eval: true, resourceLimits: WORKER_RESOURCE_LIMITS });
  worker.once('message', (size) => worker.terminate().then(() => resolve(size)));
}));
Promise.all(started).then((workers) => {
  const kept = [];
  for (let i = 0; i < 400000; i++) kept.push({ i, text: 'x' + i });
  process.stdout.write(JSON.stringify({ main: newSpace(), workers, kept: kept.length }));
});
`;

function newSpaces(withFlags: boolean): { main: number; workers: number[] } {
  const result = spawnSync(process.execPath, ['-e', program(withFlags)], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { main: number; workers: number[] };
}

const MB = 1 << 20;

test("the CLI's V8 flags keep the main thread's young generation at its starting size, after workers start too", () => {
  const without = newSpaces(false);
  assert.ok(without.main > 4 * MB, `without the flags the young generation grows (${without.main} bytes)`);
  const flagged = newSpaces(true);
  assert.ok(flagged.main <= 2 * MB, `with them it stays at 2 MB (${flagged.main} bytes)`);
  // A worker's young generation starts with 4 MB semi-spaces (its limit of 12 MB, a third each), where
  // V8 would start it at 1 MB. (V8 commits the second semi-space at the first collection.)
  for (const size of without.workers) assert.ok(size < 4 * MB, `a worker's, without the flags (${size} bytes)`);
  for (const size of flagged.workers) assert.equal(size, 4 * MB, `a worker's, with them (${size} bytes)`);
});
