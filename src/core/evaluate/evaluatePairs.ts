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
 * Each worker holds one image at a time, so memory is bounded by the worker count, not the folder size.
 * Aborting stops handing out pairs and returns at once; workers finish the image in hand and exit.
 * A worker that dies (out of memory, say) costs only its pair, reported as skipped, and is replaced.
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
  let finished = 0;
  let closing = false;
  const live = new Set<Worker>();
  const inHand = new Map<Worker, number>();
  const data: WorkerData = { options };

  const dispatch = (worker: Worker): void => {
    if (next >= pairs.length || signal?.aborted) return;
    const request: WorkerRequest = { type: 'job', id: next, pair: pairs[next]! };
    inHand.set(worker, next);
    next++;
    worker.postMessage(request);
  };

  const spawn = (): void => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: data });
    live.add(worker);
    worker.on('message', (reply: WorkerReply) => {
      inHand.delete(worker);
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
      const lost = inHand.get(worker);
      inHand.delete(worker);
      if (closing || lost === undefined) return;
      ready.push({
        type: 'skipped',
        skipped: { file: pairs[lost]!.predictionFile, reason: `evaluation crashed (worker exit code ${code})` },
      });
      finished++;
      if (next < pairs.length && !signal?.aborted) {
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
