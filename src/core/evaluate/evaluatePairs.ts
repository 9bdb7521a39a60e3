import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FilePair } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import { evaluatePairOutcome, fromWireOutcome, type PairOutcome } from './evaluateImage';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

export interface EvaluatePairsControl {
  readonly signal?: AbortSignal;
  /** Worker threads; 0 evaluates on the calling thread. Default: one per core. */
  readonly workers?: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** The worker script sits next to the module that starts it, both in dist/ bundles and in tsc output. */
const WORKER_SCRIPT = join(__dirname, 'worker.js');

/** A worker still running this long after it was asked to stop is stuck in one file: end it. */
const STOP_GRACE_MS = 30_000;

/**
 * Pairs sent to a worker ahead of the one it works on: its next pair is already in its queue when it
 * posts a result, so it never waits for the main thread's reply (the round trip left workers idle
 * about 6% of the time on VOC-sized pairs). A job is only a file pair; images are read one at a time.
 */
const JOBS_PER_WORKER = 2;

function stopWorker(worker: Worker): void {
  const request: WorkerRequest = { type: 'stop' };
  worker.postMessage(request);
  const deadline = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
  deadline.unref();
  worker.once('exit', () => clearTimeout(deadline));
}

/**
 * Evaluates pairs and yields each outcome as soon as it is ready (completion order).
 * Each worker holds one image at a time (and the name of its next pair), so memory is bounded by the
 * worker count, not the folder size. Aborting stops handing out pairs and returns at once; workers
 * finish the image in hand (and the one queued) and exit. A worker that dies (out of memory, say)
 * costs only the pair it was on, reported as skipped; its queued pair goes to another worker.
 */
export async function* evaluatePairs(
  pairs: readonly FilePair[],
  options: EngineOptions,
  control: EvaluatePairsControl = {},
): AsyncGenerator<PairOutcome> {
  const { signal } = control;
  const workerCount = Math.min(control.workers ?? defaultWorkerCount(), pairs.length);
  if (workerCount <= 0) {
    for (const pair of pairs) {
      if (signal?.aborted) return;
      yield await evaluatePairOutcome(pair, options);
    }
    return;
  }

  const ready: PairOutcome[] = [];
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
  /** Pair indices sent to each worker and not answered yet, in the order it works on them. */
  const inHand = new Map<Worker, number[]>();
  /** Pairs queued on a worker that died before starting them. */
  const requeued: number[] = [];
  const data: WorkerData = { options };

  const dispatch = (worker: Worker): void => {
    const queue = inHand.get(worker) ?? [];
    inHand.set(worker, queue);
    while (queue.length < JOBS_PER_WORKER && !signal?.aborted) {
      const id = requeued.shift() ?? (next < pairs.length ? next++ : undefined);
      if (id === undefined) return;
      const request: WorkerRequest = { type: 'job', id, pair: pairs[id]! };
      queue.push(id);
      worker.postMessage(request);
    }
  };

  const spawn = (): void => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: data });
    live.add(worker);
    worker.on('message', (reply: WorkerReply) => {
      inHand.get(worker)?.shift();
      ready.push(fromWireOutcome(reply.outcome));
      finished++;
      dispatch(worker);
      notify();
    });
    worker.on('error', () => {
      // 'exit' follows and does the bookkeeping; the listener keeps the error from being thrown.
    });
    worker.on('exit', (code) => {
      live.delete(worker);
      const [lost, ...queued] = inHand.get(worker) ?? [];
      inHand.delete(worker);
      if (closing || lost === undefined) return;
      ready.push({
        type: 'skipped',
        skipped: { file: pairs[lost]!.predictionFile, reason: `evaluation crashed (worker exit code ${code})` },
      });
      finished++;
      requeued.push(...queued);
      if ((next < pairs.length || requeued.length > 0) && !signal?.aborted) {
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
    while (finished < pairs.length || ready.length > 0) {
      if (signal?.aborted) return;
      const outcome = ready.shift();
      if (outcome) {
        yield outcome;
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
