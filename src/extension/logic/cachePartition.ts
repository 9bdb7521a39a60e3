import type { FilePair, ImageRecord } from '../../core';
import type { FileStamp } from './resultCache';

/** Size and mtime of both files of a pair. */
export interface PairStamps {
  readonly prediction: FileStamp;
  readonly label: FileStamp;
}

/** A pair with its stamps; undefined when either file could not be stat'ed (gone, unreadable). */
export interface StampedPair {
  readonly pair: FilePair;
  readonly stamps: PairStamps | undefined;
}

/** A cached result for a pair whose files have these stamps, under the run's options; undefined when none is valid. */
export type CacheLookup<T = ImageRecord> = (pair: FilePair, stamps: PairStamps) => T | undefined;

export interface CachePartition<T = ImageRecord> {
  /** Results still valid (or where to read them), shown without evaluating; in the order of the pairs. */
  readonly cached: readonly T[];
  /** Pairs the engine must evaluate (new, changed, options changed, or not stat-able); in the order of the pairs. */
  readonly stale: readonly FilePair[];
  /** Stamps of the stale pairs by prediction file: what their new results are cached under. A pair without stamps is evaluated but not cached. */
  readonly staleStamps: ReadonlyMap<string, PairStamps>;
}

/** Splits a run's pairs into those the cache answers and those to compute. Pure: the cache is behind `lookup`. */
export function partitionByCache<T = ImageRecord>(
  pairs: readonly StampedPair[],
  lookup: CacheLookup<T>,
): CachePartition<T> {
  const cached: T[] = [];
  const stale: FilePair[] = [];
  const staleStamps = new Map<string, PairStamps>();
  for (const { pair, stamps } of pairs) {
    const record = stamps !== undefined ? lookup(pair, stamps) : undefined;
    if (record !== undefined) {
      cached.push(record);
      continue;
    }
    stale.push(pair);
    if (stamps !== undefined) staleStamps.set(pair.predictionFile, stamps);
  }
  return { cached, stale, staleStamps };
}
