import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FilePair } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import { evaluatePairOutcome, type PairOutcome } from './evaluateImage';
import type { WorkerData, WorkerJob, WorkerReply } from './workerProtocol';

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
 * Evaluates pairs and yields each outcome as soon as it is ready (completion order).
 * Each worker holds one image at a time, so memory is bounded by the worker count, not the folder size.
 * Aborting terminates the workers at once.
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
  let failure: Error | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let next = 0;
  let finished = 0;
  const workers: Worker[] = [];
  const data: WorkerData = { options };

  const dispatch = (worker: Worker): void => {
    if (next >= pairs.length || signal?.aborted) return;
    const job: WorkerJob = { id: next, pair: pairs[next]! };
    next++;
    worker.postMessage(job);
  };

  for (let i = 0; i < workerCount; i++) {
    const worker = new Worker(WORKER_SCRIPT, { workerData: data });
    worker.on('message', (reply: WorkerReply) => {
      ready.push(reply.outcome);
      finished++;
      dispatch(worker);
      notify();
    });
    worker.on('error', (error) => {
      failure = error;
      notify();
    });
    workers.push(worker);
  }
  const onAbort = (): void => notify();
  signal?.addEventListener('abort', onAbort);
  try {
    workers.forEach(dispatch);
    while (finished < pairs.length || ready.length > 0) {
      if (signal?.aborted) return;
      if (failure) throw failure;
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
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
