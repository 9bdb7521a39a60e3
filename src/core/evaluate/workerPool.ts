import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ListView } from '../io/packedPairs';
import { WORKER_RESOURCE_LIMITS } from '../workerLimits';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

export interface WorkerPoolControl {
  readonly signal?: AbortSignal;
  /** Worker threads; 0 runs every job on the calling thread. Default: one per core. */
  readonly workers?: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** The worker script sits next to the module that starts it, both in dist/ bundles and in tsc output. */
const WORKER_SCRIPT = join(__dirname, 'worker.js');

/**
 * Results finished but not yet taken by the consumer before workers wait: a consumer slower than the
 * workers (writing `--out` to a slow disk, say) never piles up records in memory.
 */
const MAX_READY = 64;

/** A worker still running this long after it was asked to stop is stuck in one file: end it. */
const STOP_GRACE_MS = 30_000;

function stopWorker(worker: Worker): void {
  const request: WorkerRequest = { type: 'stop' };
  worker.postMessage(request);
  const deadline = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
  deadline.unref();
  worker.once('exit', () => clearTimeout(deadline));
}

/** How one kind of job goes to a worker and comes back. */
export interface PoolJobs<Job, Result> {
  /** Read by position, one job at a time: an array, or a compact list (PackedPairs). */
  readonly jobs: ListView<Job>;
  readonly data: WorkerData;
  readonly request: (job: Job, id: number) => WorkerRequest;
  readonly result: (reply: WorkerReply) => Result;
  /** The result of a job whose worker died under it. */
  readonly crashed: (job: Job, exitCode: number) => Result;
}

/**
 * Runs jobs on worker threads and yields each result as soon as it is ready (completion order). Each
 * worker holds one job at a time, so memory is bounded by the worker count, not the folder size.
 * Aborting stops handing out jobs and returns at once; workers finish the job in hand and exit. A
 * worker that dies (out of memory, say) costs only its job, reported through `crashed`, and is replaced.
 */
export async function* runOnWorkers<Job, Result>(
  pool: PoolJobs<Job, Result>,
  workerCount: number,
  signal?: AbortSignal,
): AsyncGenerator<Result> {
  const { jobs } = pool;
  const ready: Result[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let next = 0;
  let finished = 0;
  let closing = false;
  const live = new Set<Worker>();
  const inHand = new Map<Worker, number>();
  /** Workers waiting for the consumer to take results before they get their next job. */
  const waiting: Worker[] = [];

  const dispatch = (worker: Worker): void => {
    if (next >= jobs.length || signal?.aborted) return;
    inHand.set(worker, next);
    worker.postMessage(pool.request(jobs.at(next)!, next));
    next++;
  };

  const spawn = (): void => {
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: pool.data,
      resourceLimits: WORKER_RESOURCE_LIMITS,
    });
    live.add(worker);
    worker.on('message', (reply: WorkerReply) => {
      inHand.delete(worker);
      ready.push(pool.result(reply));
      finished++;
      if (ready.length < MAX_READY) dispatch(worker);
      else waiting.push(worker);
      notify();
    });
    worker.on('error', () => {
      // 'exit' follows and does the bookkeeping; the listener keeps the error from being thrown.
    });
    worker.on('exit', (code) => {
      live.delete(worker);
      const lost = inHand.get(worker);
      inHand.delete(worker);
      if (closing || lost === undefined) return;
      ready.push(pool.crashed(jobs.at(lost)!, code));
      finished++;
      if (next < jobs.length && !signal?.aborted) {
        spawn();
      }
      notify();
    });
    dispatch(worker);
  };

  const onAbort = (): void => notify();
  signal?.addEventListener('abort', onAbort);
  try {
    for (let i = 0; i < workerCount; i++) spawn();
    while (finished < jobs.length || ready.length > 0) {
      if (signal?.aborted) return;
      const result = ready.shift();
      if (result !== undefined) {
        for (let worker = waiting.pop(); worker !== undefined; worker = waiting.pop())
          if (live.has(worker)) dispatch(worker);
        yield result;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    closing = true;
    signal?.removeEventListener('abort', onAbort);
    live.forEach(stopWorker);
  }
}
