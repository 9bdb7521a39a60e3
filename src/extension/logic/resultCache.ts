import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ImageRecord } from '../../core/evaluate/record';
import { isImageRecord } from '../../core/report/resultsFile';

/** Size and modification time: cheap to read, and they change whenever a file is rewritten. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

interface CacheEntry {
  readonly prediction: FileStamp;
  readonly label: FileStamp;
  /** optionsIdentity of the engine options the record was computed with, and the engine version. */
  readonly optionsHash: string;
  readonly record: ImageRecord;
}

interface CacheDocument {
  readonly version: typeof CACHE_VERSION;
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly entries: Record<string, CacheEntry>;
}

const CACHE_VERSION = 1;

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

function isCacheEntry(value: unknown): value is CacheEntry {
  const v = value as Partial<CacheEntry> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    isStamp(v.prediction) &&
    isStamp(v.label) &&
    typeof v.optionsHash === 'string' &&
    isImageRecord(v.record)
  );
}

/**
 * Results of earlier runs for one (predictions, labels) folder pair, kept in the extension's own
 * storage. An entry is reused only when both files still have the same size and mtime and the
 * options hash matches, so only changed files are recomputed.
 */
export class ResultCache {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly predictionsDir: string,
    private readonly labelsDir: string,
    private readonly entries: Map<string, CacheEntry>,
    /** Why the stored cache was thrown away, if it was. */
    readonly discardedBecause: string | undefined,
  ) {}

  static fileFor(storageDir: string, predictionsDir: string, labelsDir: string): string {
    const key = createHash('sha256')
      .update(`${path.resolve(predictionsDir)}\0${path.resolve(labelsDir)}`)
      .digest('hex');
    return path.join(storageDir, 'results', `${key.slice(0, 24)}.json`);
  }

  static async open(storageDir: string, predictionsDir: string, labelsDir: string): Promise<ResultCache> {
    const file = ResultCache.fileFor(storageDir, predictionsDir, labelsDir);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return new ResultCache(file, predictionsDir, labelsDir, new Map(), undefined);
    }
    const parsed = ResultCache.parse(text, predictionsDir, labelsDir);
    if (typeof parsed === 'string') {
      const cache = new ResultCache(file, predictionsDir, labelsDir, new Map(), parsed);
      cache.dirty = true; // overwrite the damaged file on the next save
      return cache;
    }
    return new ResultCache(file, predictionsDir, labelsDir, parsed, undefined);
  }

  /** The entries, or the reason the whole document is unusable (a corrupt cache is discarded, never trusted in part). */
  private static parse(text: string, predictionsDir: string, labelsDir: string): Map<string, CacheEntry> | string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return 'not valid JSON';
    }
    const doc = json as Partial<CacheDocument> | null;
    if (typeof doc !== 'object' || doc === null || doc.version !== CACHE_VERSION) return 'unknown cache version';
    if (doc.predictionsDir !== predictionsDir || doc.labelsDir !== labelsDir) return 'written for other folders';
    if (typeof doc.entries !== 'object' || doc.entries === null) return 'no entries';
    const entries = new Map<string, CacheEntry>();
    for (const [key, entry] of Object.entries(doc.entries)) {
      if (!isCacheEntry(entry) || entry.record.predictionFile !== key) return `damaged entry ${key}`;
      entries.set(key, entry);
    }
    return entries;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The file pairs with a stored result, for restoring a list without a run. */
  pairs(): { predictionFile: string; labelFile: string }[] {
    return [...this.entries.values()].map((entry) => ({
      predictionFile: entry.record.predictionFile,
      labelFile: entry.record.labelFile,
    }));
  }

  lookup(
    predictionFile: string,
    labelFile: string,
    stamps: { prediction: FileStamp; label: FileStamp },
    hash: string,
  ): ImageRecord | undefined {
    const entry = this.entries.get(predictionFile);
    if (entry === undefined || entry.optionsHash !== hash || entry.record.labelFile !== labelFile) return undefined;
    const same = (a: FileStamp, b: FileStamp) => a.size === b.size && a.mtimeMs === b.mtimeMs;
    return same(entry.prediction, stamps.prediction) && same(entry.label, stamps.label) ? entry.record : undefined;
  }

  store(record: ImageRecord, stamps: { prediction: FileStamp; label: FileStamp }, hash: string): void {
    this.entries.set(record.predictionFile, {
      prediction: stamps.prediction,
      label: stamps.label,
      optionsHash: hash,
      record,
    });
    this.dirty = true;
  }

  /** Drops entries of files that are gone, so the cache does not grow forever. */
  retainOnly(predictionFiles: ReadonlySet<string>): void {
    for (const key of [...this.entries.keys()]) {
      if (!predictionFiles.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
  }

  /** Write to a temp file and rename, so a crash mid-write never leaves a half file behind. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const doc: CacheDocument = {
      version: CACHE_VERSION,
      predictionsDir: this.predictionsDir,
      labelsDir: this.labelsDir,
      entries: Object.fromEntries(this.entries),
    };
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(doc));
    await rename(temp, this.file);
    this.dirty = false;
  }
}
