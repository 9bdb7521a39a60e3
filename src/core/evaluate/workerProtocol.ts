import type { FilePair } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import type { WirePairOutcome } from './evaluateImage';

export interface WorkerData {
  readonly options: EngineOptions;
}

/** Main thread → worker: evaluate one pair, or finish the current pair and exit. */
export type WorkerRequest =
  { readonly type: 'job'; readonly id: number; readonly pair: FilePair } | { readonly type: 'stop' };

export interface WorkerReply {
  readonly id: number;
  readonly outcome: WirePairOutcome;
}
