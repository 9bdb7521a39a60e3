import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluatePairs } from '../../../src/core/evaluate/evaluatePairs';
import type { PairOutcome } from '../../../src/core/evaluate/evaluateImage';
import { PackedPairs } from '../../../src/core/io/packedPairs';
import { pairFiles } from '../../../src/core/io/pairing';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import type { EngineOptions } from '../../../src/core/io/readFiles';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { generateScene } from '../../../src/core/synthetic/scenes';
import type { JobGate } from '../../../src/core/evaluate/jobGate';
import { JOBS_PER_WORKER, runOnWorkers, StartedWorkers, type PoolJobs } from '../../../src/core/evaluate/workerPool';
import type { WorkerData } from '../../../src/core/evaluate/workerProtocol';

const OPTIONS: EngineOptions = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS };

type Size = { readonly width: number; readonly height: number };

function makeFolder(
  count: number,
  sizeOf: (i: number) => Size = () => ({ width: 64, height: 48 }),
): {
  predictions: string;
  labels: string;
} {
  const root = mkdtempSync(join(tmpdir(), 'seglens-pool-'));
  const predictions = join(root, 'pred');
  const labels = join(root, 'gt');
  mkdirSync(predictions);
  mkdirSync(labels);
  for (let i = 0; i < count; i++) {
    const { width, height } = sizeOf(i);
    const scene = generateScene(i, { width, height, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
    const name = `img_${String(i).padStart(3, '0')}.png`;
    writeFileSync(join(labels, name), encodeIndexPng(width, height, scene.label, { kind: 'gray', bitDepth: 8 }));
    writeFileSync(
      join(predictions, name),
      encodeIndexPng(width, height, scene.prediction, { kind: 'gray', bitDepth: 8 }),
    );
  }
  return { predictions, labels };
}

test('workers and the calling thread give the same outcomes, each pair exactly once', async () => {
  const { predictions, labels } = makeFolder(12);
  const { pairs } = await pairFiles(predictions, labels);
  const collect = async (workers: number): Promise<Map<string, PairOutcome>> => {
    const outcomes = new Map<string, PairOutcome>();
    for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers })) {
      const name = outcome.type === 'image' ? outcome.record.name : outcome.skipped.file;
      assert.ok(!outcomes.has(name), `${name} reported twice`);
      outcomes.set(name, outcome);
    }
    return outcomes;
  };
  const inline = await collect(0);
  const pooled = await collect(2);
  assert.equal(pooled.size, 12);
  assert.deepEqual(pooled, inline);
});

test('aborting stops handing out pairs and ends the stream', async () => {
  const { predictions, labels } = makeFolder(40);
  const { pairs } = await pairFiles(predictions, labels);
  const controller = new AbortController();
  let received = 0;
  for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers: 2, signal: controller.signal })) {
    assert.equal(outcome.type, 'image');
    received++;
    if (received === 3) controller.abort();
  }
  assert.ok(received >= 3 && received < 40, `received ${received} outcomes after aborting at 3`);
});

test('a consumer slower than the workers still gets every outcome once, from packed pairs', async () => {
  // 150 pairs: more than the 64 finished outcomes the pool holds before its workers wait for the consumer.
  const { predictions, labels } = makeFolder(150);
  const { pairs } = await pairFiles(predictions, labels);
  const names: string[] = [];
  for await (const outcome of evaluatePairs(PackedPairs.from(pairs), OPTIONS, { workers: 2 })) {
    assert.equal(outcome.type, 'image');
    if (outcome.type === 'image') names.push(outcome.record.name);
    if (names.length === 1) await new Promise((done) => setTimeout(done, 500)); // the workers run ahead meanwhile
  }
  assert.deepEqual(
    names.sort(),
    pairs.map((p) => p.name),
  );
});

test('workers started before the pairing give the same outcomes; the ones no run takes are stopped', async () => {
  const { predictions, labels } = makeFolder(10);
  const { pairs } = await pairFiles(predictions, labels);
  const inline = new Map<string, PairOutcome>();
  for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers: 0 }))
    if (outcome.type === 'image') inline.set(outcome.record.name, outcome);
  // Three started, two adopted: the third must not keep the process alive or outlive dispose.
  const started = new StartedWorkers(3);
  const pooled = new Map<string, PairOutcome>();
  for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers: 2, started })) {
    assert.equal(outcome.type, 'image');
    if (outcome.type === 'image') pooled.set(outcome.record.name, outcome);
  }
  assert.deepEqual(pooled, inline);
  const spare = started.take();
  assert.ok(spare, 'the third started worker is still waiting');
  const exited = new Promise<number>((done) => spare.once('exit', done));
  spare.postMessage({ type: 'stop' });
  assert.equal(await exited, 0);
  started.dispose();
  assert.equal(started.take(), undefined);
});

/**
 * A worker script that speaks the pool's protocol with trivial jobs (each job's reply carries its own
 * id) and kills its thread on the job named in its setup, so that the pool's crash handling is tested
 * with the jobs queued behind the one that dies.
 */
const CRASHING_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let setup = workerData;
parentPort.on('message', (request) => {
  if (request.type === 'setup') { setup = request.data; return; }
  if (request.type === 'stop') { parentPort.close(); return; }
  if (request.id === setup.crashOn) process.exit(7);
  // Long enough that the pool queues the next job behind this one.
  const until = Date.now() + 5;
  while (Date.now() < until);
  parentPort.postMessage({ type: 'pair', id: request.id, outcome: { type: 'image', record: { id: request.id } } });
});
`;

test(
  'a worker that dies costs only the job it ran: the jobs queued behind it go to another worker',
  { timeout: 120_000 },
  async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'seglens-pool-')), 'crashingWorker.js');
    writeFileSync(script, CRASHING_WORKER);
    const jobs = Array.from({ length: 40 }, (_, i) => i);
    for (const crashOn of [0, 17, 39]) {
      const seen: string[] = [];
      const pool: PoolJobs<number, string> = {
        jobs,
        data: { options: OPTIONS, crashOn } as WorkerData,
        script,
        request: (job, id) => ({ type: 'job', id, pair: { name: String(job), predictionFile: '', labelFile: '' } }),
        result: (reply) => `done ${reply.id}`,
        crashed: (job, code) => `crashed ${job} (${code})`,
      };
      for await (const result of runOnWorkers(pool, 2)) seen.push(result);
      const expected = jobs.map((job) => (job === crashOn ? `crashed ${job} (7)` : `done ${job}`));
      assert.deepEqual([...seen].sort(), [...expected].sort(), `crash on job ${crashOn}`);
    }
  },
);

test('in job order, outcomes come in pair order even when the first pair is far slower than the rest', async () => {
  const { predictions, labels } = makeFolder(30, (i) =>
    i === 0 ? { width: 1536, height: 1152 } : { width: 16, height: 12 },
  );
  const { pairs } = await pairFiles(predictions, labels);
  const names: string[] = [];
  for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers: 2, inJobOrder: true }))
    names.push(outcome.type === 'image' ? outcome.record.name : outcome.skipped.file);
  assert.deepEqual(
    names,
    pairs.map((p) => p.name),
  );
});

/** Each thread of this process (Linux: /proc/self/task) with its nice value, field 19 of its stat line. */
function threadNiceValues(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at field 3, the state.
      nice.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]));
    } catch {
      // a thread that ended meanwhile
    }
  }
  return nice;
}

test(
  'low priority: every worker thread, new or started ahead, runs 10 nicer than the main thread; same outcomes',
  { skip: process.platform !== 'linux' ? 'a nice value per thread is a Linux notion' : false },
  async () => {
    const { predictions, labels } = makeFolder(40);
    const { pairs } = await pairFiles(predictions, labels);
    const inline = new Map<string, PairOutcome>();
    for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers: 0 }))
      if (outcome.type === 'image') inline.set(outcome.record.name, outcome);
    const mainNice = threadNiceValues().get(process.pid)!;
    if (mainNice >= 10) return; // already this nice: a test process run at low priority cannot tell
    const run = async (lowPriority: boolean, started?: StartedWorkers) => {
      const niceThreads = new Set<number>();
      const outcomes = new Map<string, PairOutcome>();
      for await (const outcome of evaluatePairs(pairs, OPTIONS, {
        workers: 2,
        lowPriority,
        ...(started !== undefined ? { started } : {}),
      })) {
        if (outcome.type === 'image') outcomes.set(outcome.record.name, outcome);
        // Both workers are alive while outcomes come (each holds two of the 40 pairs at a time).
        for (const [tid, nice] of threadNiceValues()) if (nice === mainNice + 10) niceThreads.add(tid);
      }
      return { niceThreads, outcomes };
    };
    const plain = await run(false);
    assert.equal(plain.niceThreads.size, 0, 'without the option no thread is nicer');
    assert.deepEqual(plain.outcomes, inline);
    // One worker started ahead (its options, and the priority, come in its setup message), one started by the run.
    const started = new StartedWorkers(1);
    const low = await run(true, started);
    started.dispose();
    assert.equal(low.niceThreads.size, 2, 'the two worker threads, and only they, run 10 nicer');
    assert.ok(!low.niceThreads.has(process.pid), 'the main thread keeps its priority');
    assert.equal(threadNiceValues().get(process.pid), mainNice);
    assert.deepEqual(low.outcomes, inline, 'the same outcomes at low priority');
  },
);

/** A gate the test opens and closes by hand. */
class ManualGate implements JobGate {
  isOpen = true;
  private readonly listeners = new Set<() => void>();

  onOpen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(open: boolean): void {
    this.isOpen = open;
    if (open) for (const listener of [...this.listeners]) listener();
  }

  get listening(): number {
    return this.listeners.size;
  }
}

test('a closed gate holds back the jobs not handed out; opened again, the run completes with every pair once', async () => {
  const { predictions, labels } = makeFolder(30);
  const { pairs } = await pairFiles(predictions, labels);
  const gate = new ManualGate();
  const names: string[] = [];
  let outcomesWhileClosed: number | undefined;
  for await (const outcome of evaluatePairs(pairs, OPTIONS, { workers: 2, gate })) {
    assert.equal(outcome.type, 'image');
    if (outcome.type === 'image') names.push(outcome.record.name);
    if (names.length === 3) {
      gate.set(false);
      setTimeout(() => {
        outcomesWhileClosed = names.length;
        gate.set(true);
      }, 700);
    }
  }
  // Unheld, the 27 pairs left take a few ms here: the loop would have ended before the timer.
  assert.ok(outcomesWhileClosed !== undefined, 'the run went on while the gate was closed');
  // Only the jobs already in the workers' hands finish while it is closed.
  assert.ok(outcomesWhileClosed <= 3 + 2 * JOBS_PER_WORKER, `${outcomesWhileClosed} outcomes while closed`);
  assert.deepEqual(
    names.sort(),
    pairs.map((p) => p.name),
  );
  assert.equal(gate.listening, 0, 'the pool stops listening to the gate when the run ends');
});
