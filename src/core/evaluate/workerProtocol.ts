import type { FilePair } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import type { PairOutcome } from './evaluateImage';

export interface WorkerData {
  readonly options: EngineOptions;
}
export interface WorkerJob {
  readonly id: number;
  readonly pair: FilePair;
}
export interface WorkerReply {
  readonly id: number;
  readonly outcome: PairOutcome;
}
