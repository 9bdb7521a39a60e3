import { createHash, randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ImageRecord } from '../../core/evaluate/record';
import { errorText } from '../../core/errors';
import { removeEntriesOfEndedProcesses } from '../../core/io/tempFolders';
import { PredictionFileIndex, RecordFile, type LineFields } from './recordFile';

/** Size and modification time: cheap to read, and they change whenever a file is rewritten. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a result was computed from, stored beside its record on the record's line. */
interface CacheKeys {
  readonly prediction: FileStamp;
  readonly label: FileStamp;
  /** optionsIdentity of the engine options the record was computed with, and the engine version. */
  readonly optionsHash: string;
}

/** A valid cached result whose record is still on disk (ResultCache.find, then read). */
export interface CachedResult {
  readonly in: 'stored' | 'fresh';
  readonly slot: number;
}

interface CacheEntry extends CacheKeys, CachedResult {
  readonly labelFile: string;
}

export async function stampOf(file: string): Promise<FileStamp | undefined> {
  try {
    const info = await stat(file);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isStamp(value: unknown): value is FileStamp {
  const v = value as Partial<FileStamp> | null;
  return typeof v === 'object' && v !== null && isNumber(v.size) && isNumber(v.mtimeMs);
}

function cacheKeysOf(line: LineFields): CacheKeys | undefined {
  const v = line['cache'] as Partial<CacheKeys> | null | undefined;
  return typeof v === 'object' &&
    v !== null &&
    isStamp(v.prediction) &&
    isStamp(v.label) &&
    typeof v.optionsHash === 'string'
    ? { prediction: v.prediction, label: v.label, optionsHash: v.optionsHash }
    : undefined;
}

/** A rewrite drops superseded lines once they are as many as the live ones. */
const REWRITE_WHEN_LINES_PER_ENTRY = 2;

/**
 * Results of earlier runs for one (predictions, labels) folder pair, kept in the extension's own
 * storage. An entry is reused only when both files still have the same size and mtime and the
 * options hash matches, so only changed files are recomputed.
 *
 * The cache is a record file (recordFile.ts): results-file image lines, each with its `cache` keys,
 * read on demand, so a cache of 100,000 images holds only their keys in memory. A run's new results
 * go to a file of their own and join the cache on save: appended when nobody changed the cache
 * meanwhile, else (or when superseded lines pile up) the cache is rewritten and renamed into place,
 * so a crash never leaves a half file behind. Opened for one run or one restore.
 */
export class ResultCache {
  private fresh: RecordFile<PredictionFileIndex> | undefined;
  private dropped = false;

  private constructor(
    private readonly file: string,
    private readonly stored: RecordFile<PredictionFileIndex> | undefined,
    /** The cache file's size and mtime when it was read: a save appends only if they still hold. */
    private readonly storedStamp: FileStamp | undefined,
    private readonly entries: Map<string, CacheEntry>,
    /** Why the stored cache was thrown away, if it was. */
    readonly discardedBecause: string | undefined,
  ) {}

  static fileFor(storageDir: string, predictionsDir: string, labelsDir: string): string {
    const key = createHash('sha256')
      .update(`${path.resolve(predictionsDir)}\0${path.resolve(labelsDir)}`)
      .digest('hex');
    return path.join(storageDir, 'results', `${key.slice(0, 24)}.jsonl`);
  }

  static async open(storageDir: string, predictionsDir: string, labelsDir: string): Promise<ResultCache> {
    const file = ResultCache.fileFor(storageDir, predictionsDir, labelsDir);
    // Those an extension host killed during a run (or a rewrite) left, as large as the run's records.
    await removeEntriesOfEndedProcesses(path.dirname(file), (name) => temporaryFileWriter(file, name));
    // The cache of SegLens before the record file: one JSON document, read whole. Nobody reads it any more.
    rmSync(file.replace(/\.jsonl$/, '.json'), { force: true });
    const stamp = await stampOf(file);
    if (stamp === undefined) return new ResultCache(file, undefined, undefined, new Map(), undefined);
    const entries = new Map<string, CacheEntry>();
    let damage: string | undefined;
    let stored: RecordFile<PredictionFileIndex> | undefined;
    let cut = 0;
    try {
      ({ store: stored, dropped: cut } = RecordFile.open(file, {
        writable: false,
        index: new PredictionFileIndex(),
        visit: (slot, line) => {
          const keys = cacheKeysOf(line);
          const record = line['record'] as ImageRecord;
          if (keys === undefined) throw new Error(`damaged entry ${record.predictionFile}`);
          entries.set(record.predictionFile, { ...keys, labelFile: record.labelFile, in: 'stored', slot });
        },
      }));
    } catch (error) {
      damage = errorText(error);
    }
    if (damage !== undefined || stored === undefined) {
      // A corrupt cache is discarded, never trusted in part; the next save replaces it.
      const cache = new ResultCache(file, undefined, undefined, new Map(), damage);
      cache.dropped = true;
      return cache;
    }
    const cache = new ResultCache(file, stored, stamp, entries, undefined);
    // A line cut short by a killed save: the next save rewrites the file rather than append after it.
    cache.dropped = cut > 0;
    return cache;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The file pairs with a stored result, for restoring a list without a run. */
  pairs(): { predictionFile: string; labelFile: string }[] {
    return [...this.entries].map(([predictionFile, entry]) => ({ predictionFile, labelFile: entry.labelFile }));
  }

  lookup(
    predictionFile: string,
    labelFile: string,
    stamps: { prediction: FileStamp; label: FileStamp },
    hash: string,
  ): ImageRecord | undefined {
    const found = this.find(predictionFile, labelFile, stamps, hash);
    return found === undefined ? undefined : this.read(found);
  }

  /** The valid entry for the pair (as lookup decides), its record not read yet: a run reads them one at a time. */
  find(
    predictionFile: string,
    labelFile: string,
    stamps: { prediction: FileStamp; label: FileStamp },
    hash: string,
  ): CachedResult | undefined {
    const entry = this.entries.get(predictionFile);
    if (entry === undefined || entry.optionsHash !== hash || entry.labelFile !== labelFile) return undefined;
    const same = (a: FileStamp, b: FileStamp) => a.size === b.size && a.mtimeMs === b.mtimeMs;
    if (!same(entry.prediction, stamps.prediction) || !same(entry.label, stamps.label)) return undefined;
    return entry;
  }

  /** The record of an entry find returned. */
  read(entry: CachedResult): ImageRecord {
    const from = entry.in === 'stored' ? this.stored : this.fresh;
    if (from === undefined) throw new Error(`${this.file}: the result cache is closed`);
    return from.read(entry.slot);
  }

  store(record: ImageRecord, stamps: { prediction: FileStamp; label: FileStamp }, hash: string): void {
    const keys: CacheKeys = { prediction: stamps.prediction, label: stamps.label, optionsHash: hash };
    this.fresh ??= RecordFile.create(temporaryFileOf(this.file), new PredictionFileIndex());
    const { slot } = this.fresh.append(record, { cache: keys });
    this.entries.set(record.predictionFile, { ...keys, labelFile: record.labelFile, in: 'fresh', slot });
  }

  /** Drops entries of files that are gone, so the cache does not grow forever. */
  retainOnly(predictionFiles: ReadonlySet<string>): void {
    for (const key of [...this.entries.keys()]) {
      if (!predictionFiles.has(key)) {
        this.entries.delete(key);
        this.dropped = true;
      }
    }
  }

  /** Adds this run's results to the cache file and closes the cache. */
  async save(): Promise<void> {
    try {
      if (this.fresh === undefined && !this.dropped) return;
      const lines = (this.stored?.lines ?? 0) + (this.fresh?.lines ?? 0);
      if (this.stored === undefined && this.fresh !== undefined && !this.dropped && this.fresh.lines === this.size) {
        // A first run: its own file (closed, so written whole) is the whole cache.
        this.fresh.close();
        await rename(this.fresh.file, this.file);
        this.fresh = undefined;
        return;
      }
      const unchanged = (): boolean => {
        if (this.storedStamp === undefined) return false;
        const now = statSync(this.file, { throwIfNoEntry: false });
        return now !== undefined && now.size === this.storedStamp.size && now.mtimeMs === this.storedStamp.mtimeMs;
      };
      if (
        this.fresh !== undefined &&
        !this.dropped &&
        lines <= REWRITE_WHEN_LINES_PER_ENTRY * this.entries.size &&
        unchanged()
      ) {
        // The run's last lines may still be in the record file's block: on disk before the copy reads it.
        this.fresh.flush();
        await appendFile(this.fresh.file, this.file);
        return;
      }
      this.rewrite();
    } finally {
      this.close();
    }
  }

  /** Every entry's line into a temp file, renamed over the cache: whole or absent, never half. */
  private rewrite(): void {
    const temp = RecordFile.create(temporaryFileOf(this.file), new PredictionFileIndex());
    try {
      for (const entry of this.entries.values()) {
        const keys: CacheKeys = { prediction: entry.prediction, label: entry.label, optionsHash: entry.optionsHash };
        temp.append(this.read(entry), { cache: keys });
      }
      temp.close();
      renameSync(temp.file, this.file);
    } catch (error) {
      temp.delete();
      throw error;
    }
  }

  /** Releases the files; this run's new results are already in the cache (or were never saved). */
  close(): void {
    this.stored?.close();
    this.fresh?.delete();
    this.fresh = undefined;
  }
}

/** Copies `from` onto the end of `to` in 1 MB pieces (a run's new results can be large). */
async function appendFile(from: string, to: string): Promise<void> {
  const input = await open(from, 'r');
  try {
    const output = await open(to, 'a');
    try {
      const buffer = Buffer.alloc(1 << 20);
      for (let { bytesRead } = await input.read(buffer); bytesRead > 0; { bytesRead } = await input.read(buffer))
        await output.write(buffer, 0, bytesRead);
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** A new temporary file beside the cache `file` (store and rewrite), named after this process. */
const temporaryFileOf = (file: string): string => `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;

const TEMPORARY_SUFFIX = /^\.(\d+)-[0-9a-f]+\.tmp$/;

/** The pid that wrote `name`, when it is a temporary file of the cache `file` (temporaryFileOf). */
function temporaryFileWriter(file: string, name: string): number | undefined {
  const base = path.basename(file);
  const pid = name.startsWith(base) ? Number(TEMPORARY_SUFFIX.exec(name.slice(base.length))?.[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
