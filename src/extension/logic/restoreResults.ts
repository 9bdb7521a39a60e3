import type { ImageRecord } from '../../core';
import { stampPairs } from './cachePartition';
import { ResultCache, type CachedResult } from './resultCache';

export interface EvaluatedFolders {
  readonly predictionsDir: string;
  readonly labelsDir: string;
}

/** The stored folder pair, or undefined when workspaceState holds something else (older versions, edits). */
export function parseEvaluatedFolders(value: unknown): EvaluatedFolders | undefined {
  const v = value as Partial<EvaluatedFolders> | null | undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  if (
    typeof v.predictionsDir !== 'string' ||
    typeof v.labelsDir !== 'string' ||
    v.predictionsDir === '' ||
    v.labelsDir === ''
  )
    return undefined;
  return { predictionsDir: v.predictionsDir, labelsDir: v.labelsDir };
}

export interface RestoredResults {
  /**
   * Records whose files still have the cached size and mtime, under the current options, read from
   * the cache one at a time (the cache closes after the last; close() if they are not wanted).
   */
  readonly records: Iterable<ImageRecord>;
  /** How many `records` yields. */
  readonly restored: number;
  readonly close: () => void;
  /** How many results the cache held for the folder pair. */
  readonly cached: number;
  /** One line for the view, e.g. "12 of 14 from cache — re-run to refresh". */
  readonly note: string;
}

export function restoreNote(restored: number, cached: number): string {
  return restored === cached
    ? `${restored} of ${cached} from cache`
    : `${restored} of ${cached} from cache — re-run to refresh`;
}

/**
 * Reads back the last run's results without evaluating anything. A result is shown only while both
 * its files are unchanged and the options hash matches, the same rule a run uses to reuse it, so a
 * restored list never shows a number a re-run would not. Undefined when there is nothing to show.
 */
export async function restoreFromCache(
  storageDir: string,
  folders: EvaluatedFolders,
  hash: string,
): Promise<RestoredResults | undefined> {
  const cache = await ResultCache.open(storageDir, folders.predictionsDir, folders.labelsDir);
  const pairs = cache.pairs();
  const stamps = await stampPairs(pairs);
  const found = pairs.map(({ predictionFile, labelFile }, index) => {
    const pairStamps = stamps.get(index);
    return pairStamps !== undefined ? cache.find(predictionFile, labelFile, pairStamps, hash) : undefined;
  });
  const valid = found.filter((result): result is CachedResult => result !== undefined);
  if (valid.length === 0) {
    cache.close();
    return undefined;
  }
  function* records(): Generator<ImageRecord> {
    try {
      for (const result of valid) yield cache.read(result);
    } finally {
      cache.close();
    }
  }
  return {
    records: records(),
    restored: valid.length,
    close: () => cache.close(),
    cached: cache.size,
    note: restoreNote(valid.length, cache.size),
  };
}
