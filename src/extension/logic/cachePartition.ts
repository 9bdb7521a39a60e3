import type { FilePair, ImageRecord } from '../../core';
import { statFilesInThread } from '../../core/io/statThread';
import type { FileStamp } from './resultCache';

/** Size and mtime of both files of a pair. */
export interface PairStamps {
  readonly prediction: FileStamp;
  readonly label: FileStamp;
}

/**
 * The stamps of a run's pairs by pair index, four numbers a pair in one Float64Array (NaN: the pair
 * could not be stat'ed). A stamps object per pair, with its two stamp objects, was 22 MB of the
 * extension host's heap at 100,000 pairs (measured in Node 24, against 3.2 MB for the table), kept
 * through the whole run for the pairs to compute, which made the old generation grow by more.
 */
export class StampTable {
  private readonly numbers: Float64Array;

  constructor(readonly length: number) {
    this.numbers = new Float64Array(length * 4).fill(Number.NaN);
  }

  /**
   * The table of statFilesInThread's numbers for the pairs' files in order (each pair's prediction,
   * then its label): a pair with either file unstamped has no stamps.
   */
  static fromFileStats(numbers: Float64Array): StampTable {
    const table = new StampTable(numbers.length / 4);
    const into = table.numbers;
    for (let at = 0; at + 4 <= numbers.length; at += 4) {
      const [a, b, c, d] = [numbers[at]!, numbers[at + 1]!, numbers[at + 2]!, numbers[at + 3]!];
      if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c) || Number.isNaN(d)) continue;
      into[at] = a;
      into[at + 1] = b;
      into[at + 2] = c;
      into[at + 3] = d;
    }
    return table;
  }

  set(index: number, stamps: PairStamps | undefined): void {
    if (!(index >= 0 && index < this.length)) throw new RangeError(`no pair ${index} among ${this.length}`);
    const at = index * 4;
    this.numbers[at] = stamps?.prediction.size ?? Number.NaN;
    this.numbers[at + 1] = stamps?.prediction.mtimeMs ?? Number.NaN;
    this.numbers[at + 2] = stamps?.label.size ?? Number.NaN;
    this.numbers[at + 3] = stamps?.label.mtimeMs ?? Number.NaN;
  }

  /** The pair's stamps, made afresh on each call; undefined when either file could not be stat'ed. */
  get(index: number): PairStamps | undefined {
    if (!(index >= 0 && index < this.length)) return undefined;
    const at = index * 4;
    const n = this.numbers;
    if (Number.isNaN(n[at]!)) return undefined;
    return { prediction: { size: n[at]!, mtimeMs: n[at + 1]! }, label: { size: n[at + 2]!, mtimeMs: n[at + 3]! } };
  }
}

/**
 * Size and mtime of both files of every pair, stat'ed in a thread of its own (statFilesInThread): the
 * extension host stays free while 100,000 pairs are stamped.
 */
export async function stampPairs(
  pairs: readonly Pick<FilePair, 'predictionFile' | 'labelFile'>[],
): Promise<StampTable> {
  const files = new Array<string>(pairs.length * 2);
  pairs.forEach((pair, index) => {
    files[index * 2] = pair.predictionFile;
    files[index * 2 + 1] = pair.labelFile;
  });
  return StampTable.fromFileStats(await statFilesInThread(files));
}

/** The stamps of the pairs to compute, by prediction file: what their new results are cached under. */
export class StaleStamps {
  private readonly indexOf = new Map<string, number>();

  constructor(private readonly table: StampTable) {}

  /** Remembers pair `index` of the table under its prediction file. */
  add(predictionFile: string, index: number): void {
    this.indexOf.set(predictionFile, index);
  }

  get(predictionFile: string): PairStamps | undefined {
    const index = this.indexOf.get(predictionFile);
    return index === undefined ? undefined : this.table.get(index);
  }

  get size(): number {
    return this.indexOf.size;
  }

  /** The prediction files, in the order they were added. */
  files(): IterableIterator<string> {
    return this.indexOf.keys();
  }
}

/** A cached result for a pair whose files have these stamps, under the run's options; undefined when none is valid. */
export type CacheLookup<T = ImageRecord> = (pair: FilePair, stamps: PairStamps) => T | undefined;

export interface CachePartition<T = ImageRecord> {
  /** Results still valid (or where to read them), shown without evaluating; in the order of the pairs. */
  readonly cached: readonly T[];
  /** Pairs the engine must evaluate (new, changed, options changed, or not stat-able); in the order of the pairs. */
  readonly stale: readonly FilePair[];
  /** Stamps of the stale pairs by prediction file: what their new results are cached under. A pair without stamps is evaluated but not cached. */
  readonly staleStamps: StaleStamps;
}

/**
 * Splits a run's pairs into those the cache answers and those to compute; `stamps` holds pair i's
 * stamps at index i. Pure: the cache is behind `lookup`.
 */
export function partitionByCache<T = ImageRecord>(
  pairs: readonly FilePair[],
  stamps: StampTable,
  lookup: CacheLookup<T>,
): CachePartition<T> {
  if (stamps.length !== pairs.length) throw new RangeError(`${stamps.length} stamps for ${pairs.length} pairs`);
  const cached: T[] = [];
  const stale: FilePair[] = [];
  const staleStamps = new StaleStamps(stamps);
  pairs.forEach((pair, index) => {
    const pairStamps = stamps.get(index);
    const record = pairStamps !== undefined ? lookup(pair, pairStamps) : undefined;
    if (record !== undefined) {
      cached.push(record);
      return;
    }
    stale.push(pair);
    if (pairStamps !== undefined) staleStamps.add(pair.predictionFile, index);
  });
  return { cached, stale, staleStamps };
}
