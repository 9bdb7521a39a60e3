import type { FilePair } from '../io/pairing';
import type { ListView } from '../io/packedPairs';
import type { EngineOptions } from '../io/readFiles';
import { PairBuffers } from '../io/reusableBuffer';
import { evaluatePairOutcome, fromWireOutcome, type PairOutcome } from './evaluateImage';
import { defaultWorkerCount, runOnWorkers, type StartedWorkers, type WorkerPoolControl } from './workerPool';

export interface EvaluatePairsControl extends WorkerPoolControl {
  /** Threads started while the folders were paired: adopted before new ones are started. */
  readonly started?: StartedWorkers;
}

export { defaultWorkerCount };

/**
 * Evaluates pairs and yields each outcome as soon as it is ready (completion order), or in pair order
 * with `inJobOrder`, on worker threads (workerPool.ts) or, with `workers: 0`, on the calling thread
 * (always pair order).
 */
export async function* evaluatePairs(
  pairs: ListView<FilePair>,
  options: EngineOptions,
  control: EvaluatePairsControl = {},
): AsyncGenerator<PairOutcome> {
  const { signal } = control;
  const workerCount = Math.min(control.workers ?? defaultWorkerCount(), pairs.length);
  if (workerCount <= 0) {
    const buffers = new PairBuffers(); // one pair at a time: each read reuses the last one's buffers
    for (let i = 0; i < pairs.length; i++) {
      if (signal?.aborted) return;
      yield await evaluatePairOutcome(pairs.at(i)!, options, buffers);
    }
    return;
  }
  yield* runOnWorkers<FilePair, PairOutcome>(
    {
      jobs: pairs,
      data: { options },
      ...(control.started !== undefined ? { started: control.started } : {}),
      request: (pair, id) => ({ type: 'job', id, pair }),
      result: (reply) => {
        if (reply.type !== 'pair') throw new Error(`a worker replied ${reply.type} to a pair`);
        return fromWireOutcome(reply.outcome);
      },
      crashed: (pair, code) => ({
        type: 'skipped',
        skipped: { file: pair.predictionFile, reason: `evaluation crashed (worker exit code ${code})` },
      }),
    },
    workerCount,
    control,
  );
}
