import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FilePair } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import { ReusableBuffer } from '../io/reusableBuffer';
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

/**
 * Pairs a worker holds at once: the one it evaluates and the next, so that it starts the next as soon
 * as it posts a result instead of waiting for the main thread to take the result and send another. With
 * one at a time, workers sat idle for 14% of a 2-core run on the VOC-like bench, waiting for a main
 * thread that had to be scheduled first.
 */
const PAIRS_IN_FLIGHT = 2;

/** A worker still running this long after it was asked to stop is stuck in one file: end it. */
const STOP_GRACE_MS = 30_000;

function stopWorker(worker: Worker): void {
  const request: WorkerRequest = { type: 'stop' };
  worker.postMessage(request);
  const deadline = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
  deadline.unref();
  worker.once('exit', () => clearTimeout(deadline));
}

/**
 * Evaluates pairs and yields each outcome as soon as it is ready (completion order).
 * Each worker evaluates one image at a time and holds the next pair's name (PAIRS_IN_FLIGHT), so memory
 * is bounded by the worker count, not the folder size. Aborting stops handing out pairs and returns at
 * once; workers finish the image in hand and exit. A worker that dies (out of memory, say) costs only
 * the pair it was evaluating, reported as skipped; the pairs it had not started go to the others, and
 * it is replaced.
 */
export async function* evaluatePairs(
  pairs: readonly FilePair[],
  options: EngineOptions,
  control: EvaluatePairsControl = {},
): AsyncGenerator<PairOutcome> {
  const { signal } = control;
  const workerCount = Math.min(control.workers ?? defaultWorkerCount(), pairs.length);
  if (workerCount <= 0) {
    const predictionBytes = new ReusableBuffer(); // one pair at a time: each read reuses the last one's buffer
    for (const pair of pairs) {
      if (signal?.aborted) return;
      yield await evaluatePairOutcome(pair, options, predictionBytes);
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
  /** Pairs handed to a worker that died before starting them: given out again first. */
  const returned: number[] = [];
  let finished = 0;
  let closing = false;
  const live = new Set<Worker>();
  const data: WorkerData = { options };

  /** Sends the worker its next pair, if any is left; `held` is the worker's list of pairs in hand. */
  const dispatch = (worker: Worker, held: number[]): void => {
    if (signal?.aborted) return;
    const id = returned.length > 0 ? returned.shift()! : next < pairs.length ? next++ : undefined;
    if (id === undefined) return;
    const request: WorkerRequest = { type: 'job', id, pair: pairs[id]! };
    held.push(id);
    worker.postMessage(request);
  };

  const spawn = (): void => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: data });
    live.add(worker);
    // Its pairs in the order it evaluates them: the first is the one in progress.
    const held: number[] = [];
    worker.on('message', (reply: WorkerReply) => {
      held.splice(held.indexOf(reply.id), 1);
      ready.push(fromWireOutcome(reply.outcome));
      finished++;
      dispatch(worker, held);
      notify();
    });
    worker.on('error', () => {
      // 'exit' follows and does the bookkeeping; the listener keeps the error from being thrown.
    });
    worker.on('exit', (code) => {
      live.delete(worker);
      const lost = held.shift();
      if (closing || lost === undefined) return;
      returned.unshift(...held);
      ready.push({
        type: 'skipped',
        skipped: { file: pairs[lost]!.predictionFile, reason: `evaluation crashed (worker exit code ${code})` },
      });
      finished++;
      if ((returned.length > 0 || next < pairs.length) && !signal?.aborted) {
        spawn();
      }
      notify();
    });
    for (let i = 0; i < PAIRS_IN_FLIGHT; i++) dispatch(worker, held);
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
