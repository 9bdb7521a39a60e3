import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ListView } from '../io/packedPairs';
import { WORKER_RESOURCE_LIMITS } from '../workerLimits';
import type { JobGate } from './jobGate';
import { CompletionOrder, JobOrder, type ResultQueue } from './resultOrder';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

export interface WorkerPoolControl {
  readonly signal?: AbortSignal;
  /** Worker threads; 0 runs every job on the calling thread. Default: one per core. */
  readonly workers?: number;
  /**
   * Results in the jobs' order (as on the calling thread) instead of as they finish: what a file of
   * results needs to be the same bytes from run to run. A slow job then holds back those after it (for
   * a consumer showing progress, completion order stays more responsive).
   */
  readonly inJobOrder?: boolean;
  /**
   * The worker threads run at a lower scheduling priority than the rest of the process (nice +10 on
   * Linux, threadPriority.ts; nothing elsewhere): for a host that must stay responsive while the engine
   * runs (the extension host, whose event loop serves the editor). The CLI keeps normal priority.
   */
  readonly lowPriority?: boolean;
  /** While closed, no new job is handed out (workers finish the ones they hold). Worker runs only. */
  readonly gate?: JobGate;
  /** Each worker collects its heap fully after every this many jobs (heapCollector.ts). */
  readonly collectEvery?: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** The worker script sits next to the module that starts it, both in dist/ bundles and in tsc output. */
const WORKER_SCRIPT = join(__dirname, 'worker.js');

/**
 * Results finished but not yet taken by the consumer before workers wait: a consumer slower than the
 * workers (writing `--out` to a slow disk, say) never piles up records in memory. In job order, the
 * jobs started ahead of the first one not yet taken, so a slow job holds back at most this many more
 * with the jobs the workers hold: the same bound.
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

function newWorker(data: WorkerData | undefined, script = WORKER_SCRIPT): Worker {
  return new Worker(script, {
    ...(data !== undefined ? { workerData: data } : {}),
    resourceLimits: WORKER_RESOURCE_LIMITS,
  });
}

/**
 * Worker threads started before their jobs are known: each loads the engine (its bundle, its
 * WebAssembly) while the main thread walks and pairs the folders, and learns its options when a run
 * adopts it (runOnWorkers). Until then they do not keep the process alive, so a run that fails before
 * it starts cannot hang on them; `dispose` stops the ones no run took.
 */
export class StartedWorkers {
  private readonly waiting: Worker[] = [];

  constructor(count: number, script?: string) {
    for (let i = 0; i < count; i++) {
      const worker = newWorker(undefined, script);
      worker.unref();
      worker.on('error', () => {
        // 'exit' follows; take() then skips the worker.
      });
      worker.once('exit', () => {
        const at = this.waiting.indexOf(worker);
        if (at >= 0) this.waiting.splice(at, 1);
      });
      this.waiting.push(worker);
    }
  }

  /** A started worker still alive, now the caller's to give its setup and jobs and to stop. */
  take(): Worker | undefined {
    const worker = this.waiting.shift();
    worker?.ref();
    return worker;
  }

  dispose(): void {
    this.waiting.splice(0).forEach(stopWorker);
  }
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
  /** The worker script; the engine's own unless a test brings one that misbehaves on purpose. */
  readonly script?: string;
  /** Threads already loading the engine, adopted before any new one is started. */
  readonly started?: StartedWorkers;
}

/**
 * Jobs a worker holds at once: the one it runs and the next, queued in the worker. With one, a worker
 * idles from its reply until the main thread has taken it and sent the next job; under load that round
 * trip waits for the scheduler to run the main thread (18-44 ms a job at load 9, for 0.8 ms of work on a
 * VOC-sized pair). Two keep memory bounded by the worker count all the same.
 */
export const JOBS_PER_WORKER = 2;

/**
 * Runs jobs on worker threads and yields each result as soon as it is ready (completion order), or in
 * the jobs' order with `inJobOrder` (a bounded reorder window, resultOrder.ts). Each
 * worker holds at most JOBS_PER_WORKER jobs and runs them one at a time, so memory is bounded by the
 * worker count, not the folder size. Aborting stops handing out jobs and returns at once; workers finish
 * the job they are running and exit. A worker that dies (out of memory, say) costs only the job it was
 * running, reported through `crashed`; the jobs queued behind it go to the next worker, and it is replaced.
 */
export async function* runOnWorkers<Job, Result>(
  pool: PoolJobs<Job, Result>,
  workerCount: number,
  control: Pick<WorkerPoolControl, 'signal' | 'inJobOrder' | 'lowPriority' | 'gate' | 'collectEvery'> = {},
): AsyncGenerator<Result> {
  const { jobs } = pool;
  const data: WorkerData = {
    ...pool.data,
    ...(control.lowPriority === true ? { lowPriority: true } : {}),
    ...(control.collectEvery !== undefined ? { collectEvery: control.collectEvery } : {}),
  };
  const { signal, gate } = control;
  const ready: ResultQueue<Result> = control.inJobOrder
    ? new JobOrder(MAX_READY + workerCount * JOBS_PER_WORKER)
    : new CompletionOrder(MAX_READY);
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let next = 0;
  /** Jobs a dead worker had queued but not started: handed out again before new ones. */
  const returned: number[] = [];
  let finished = 0;
  let closing = false;
  const live = new Set<Worker>();
  /** Each worker's jobs in the order it runs them: the first is the one running. */
  const inHand = new Map<Worker, number[]>();
  /** Workers waiting for the consumer to take results before they get more jobs. */
  const waiting = new Set<Worker>();

  const nextJob = (): number | undefined => {
    if (signal?.aborted) return undefined;
    if (returned.length > 0) return returned.shift();
    return next < jobs.length ? next++ : undefined;
  };

  const refill = (worker: Worker): void => {
    const held = inHand.get(worker)!;
    while (held.length < JOBS_PER_WORKER) {
      if (!ready.admits(returned[0] ?? next) || gate?.isOpen === false) {
        waiting.add(worker);
        return;
      }
      const id = nextJob();
      if (id === undefined) return;
      held.push(id);
      worker.postMessage(pool.request(jobs.at(id)!, id));
    }
  };

  const spawn = (): void => {
    const adopted = pool.started?.take();
    const worker = adopted ?? newWorker(data, pool.script);
    if (adopted) {
      const setup: WorkerRequest = { type: 'setup', data };
      adopted.postMessage(setup);
    }
    live.add(worker);
    inHand.set(worker, []);
    worker.on('message', (reply: WorkerReply) => {
      inHand.get(worker)!.shift();
      ready.put(reply.id, pool.result(reply));
      finished++;
      refill(worker);
      notify();
    });
    worker.on('error', () => {
      // 'exit' follows and does the bookkeeping; the listener keeps the error from being thrown.
    });
    worker.on('exit', (code) => {
      live.delete(worker);
      waiting.delete(worker);
      const held = inHand.get(worker) ?? [];
      inHand.delete(worker);
      const [lost, ...queued] = held;
      if (closing || lost === undefined) return;
      ready.put(lost, pool.crashed(jobs.at(lost)!, code));
      finished++;
      returned.push(...queued);
      if (finished < jobs.length && !signal?.aborted) spawn();
      notify();
    });
    refill(worker);
  };

  const onAbort = (): void => notify();
  signal?.addEventListener('abort', onAbort);
  const resumeWaiting = (): void => {
    const resumed = [...waiting];
    waiting.clear();
    for (const worker of resumed) if (live.has(worker)) refill(worker);
  };
  const stopListening = gate?.onOpen(resumeWaiting);
  try {
    for (let i = 0; i < workerCount; i++) spawn();
    while (finished < jobs.length || ready.size > 0) {
      if (signal?.aborted) return;
      const result = ready.take();
      if (result !== undefined) {
        resumeWaiting();
        yield result;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    closing = true;
    stopListening?.();
    signal?.removeEventListener('abort', onAbort);
    live.forEach(stopWorker);
  }
}
