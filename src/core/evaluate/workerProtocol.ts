import type { FilePair } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import type { AgreementJob, AgreementOutcome, AgreementSetup } from './agreeImage';
import type { WirePairOutcome } from './evaluateImage';

export interface WorkerData {
  readonly options: EngineOptions;
  /** Set when the workers judge the agreement of several models instead of evaluating pairs. */
  readonly agreement?: AgreementSetup;
  /** The thread lowers its own scheduling priority (threadPriority.ts) before its first job. */
  readonly lowPriority?: boolean;
  /** A full collection of the thread's heap after every this many jobs (heapCollector.ts); none when absent. */
  readonly collectEvery?: number;
}

/**
 * Main thread → worker: the options of a worker started before they were known (StartedWorkers), evaluate
 * one pair, judge one image's agreement, or finish the current job and exit.
 */
export type WorkerRequest =
  | { readonly type: 'setup'; readonly data: WorkerData }
  | { readonly type: 'job'; readonly id: number; readonly pair: FilePair }
  | { readonly type: 'agree'; readonly id: number; readonly job: AgreementJob }
  | { readonly type: 'stop' };

export type WorkerReply =
  | { readonly type: 'pair'; readonly id: number; readonly outcome: WirePairOutcome }
  | { readonly type: 'agreement'; readonly id: number; readonly outcome: AgreementOutcome };
