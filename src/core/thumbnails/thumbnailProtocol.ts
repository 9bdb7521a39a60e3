import type { EngineOptions } from '../io/readFiles';
import type { ThumbnailRequest } from './makeThumbnail';

export interface ThumbnailWorkerData {
  readonly options: EngineOptions;
}

/** Main thread → thumbnail worker: make one thumbnail, or finish the one in hand and exit. */
export type ThumbnailJob =
  { readonly type: 'job'; readonly id: number; readonly request: ThumbnailRequest } | { readonly type: 'stop' };

/** Thumbnail worker → main thread: the JPEG bytes, or why there are none. */
export type ThumbnailReply =
  { readonly id: number; readonly jpeg: Uint8Array } | { readonly id: number; readonly error: string };
