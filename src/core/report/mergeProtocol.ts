import type { RankingKey } from './ranking';
import type { ResultsHeader } from './resultsFile';
import type { CheckedChunk } from './mergeChunk';
import type { ReportPartial } from './streamingReport';

/** What each merge worker starts with: the run's header and how the report ranks and lists images. */
export interface MergeWorkerSetup {
  readonly header: ResultsHeader;
  readonly top: number;
  readonly rankBy: RankingKey;
  /** Send every image's row back (--json, --csv). */
  readonly keepRows: boolean;
}

/** Main thread → merge worker: check and fold a chunk of a part's body lines, or send back the report so far and exit. */
export type MergeRequest =
  { readonly type: 'chunk'; readonly id: number; readonly bytes: Uint8Array } | { readonly type: 'finish' };

export type MergeReply =
  | { readonly type: 'chunk'; readonly id: number; readonly chunk: CheckedChunk }
  | { readonly type: 'partial'; readonly partial: ReportPartial };
