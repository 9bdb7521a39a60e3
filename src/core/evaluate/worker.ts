import { parentPort, workerData } from 'node:worker_threads';
import { PairBuffers } from '../io/reusableBuffer';
import { agreeImage } from './agreeImage';
import { evaluatePairWireOutcome } from './evaluateImage';
import { fullCollection } from './heapCollector';
import { lowerThreadPriority } from './threadPriority';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

type JobRequest = Extract<WorkerRequest, { type: 'job' | 'agree' }>;

/**
 * One engine per worker thread: runs the jobs it is sent one at a time, in the order they came. Its
 * options come with the thread, or in a 'setup' message first when it was started ahead (StartedWorkers).
 */
let setup = workerData as WorkerData | undefined;
if (setup?.lowPriority === true) lowerThreadPriority();
const port = parentPort;
if (!port) throw new Error('worker.js must run as a worker thread');
// Jobs run one at a time, so one set of read buffers serves every pair.
const pairBuffers = new PairBuffers();
/** The pool sends the next job while this one runs (JOBS_PER_WORKER), so it waits here. */
const queued: JobRequest[] = [];
let running = false;

async function reply(request: JobRequest): Promise<WorkerReply> {
  if (!setup) throw new Error('a job was sent to a worker before its setup');
  if (request.type === 'agree') {
    if (!setup.agreement) throw new Error('an agreement job was sent to a worker started without an agreement setup');
    return { type: 'agreement', id: request.id, outcome: agreeImage(request.job, setup.agreement) };
  }
  return {
    type: 'pair',
    id: request.id,
    outcome: await evaluatePairWireOutcome(request.pair, setup.options, pairBuffers),
  };
}

async function runQueued(): Promise<void> {
  if (running) return;
  running = true;
  for (let request = queued.shift(); request !== undefined; request = queued.shift()) {
    port!.postMessage(await reply(request));
    collectNow();
  }
  running = false;
}

let collect: (() => void) | null | undefined;
let jobsSinceCollection = 0;

/** A full collection after every `collectEvery` jobs, when the host asked for it. */
function collectNow(): void {
  const every = setup?.collectEvery;
  if (every === undefined || ++jobsSinceCollection < every) return;
  jobsSinceCollection = 0;
  if (collect === undefined) collect = fullCollection() ?? null;
  collect?.();
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'setup') {
    setup = request.data;
    if (setup.lowPriority === true) lowerThreadPriority();
    return;
  }
  if (request.type === 'stop') {
    // Jobs not started are dropped; closing the port lets the thread end on its own once the job it
    // runs is done; being terminated mid-compilation instead can abort the whole process on Node 20.
    queued.length = 0;
    port.close();
    return;
  }
  queued.push(request);
  void runQueued();
});
