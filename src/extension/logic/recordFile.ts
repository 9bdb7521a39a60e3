/**
 * The evaluated images' records on disk instead of in the extension host's memory: an append-only
 * file of the results file's image lines (core/report/resultsFile.ts, `{"type":"image","record":…}`),
 * an offset and a length per slot in typed arrays, the columns the views sort and filter by
 * (recordColumns.ts), and a few recently read records. A record is read back on demand with one
 * positioned read; nothing is ever rewritten in place, so a record replaced by a newer one is simply
 * a line nobody points at any more.
 *
 * Plain `node:fs`, synchronous: a record is a few kilobytes, read in well under a millisecond, and the
 * extension host runs on every platform without native add-ons.
 */
import { closeSync, mkdirSync, openSync, readSync, fstatSync, ftruncateSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { sparseConfusionOf, type ImageRecord } from '../../core/evaluate/record';
import { readImageRecord, resultsLine } from '../../core/report/resultsFile';
import { RecordColumns } from './recordColumns';

/** Records kept parsed: the inspector's image and its neighbours, a tree's hovered rows. */
const RECENT_RECORDS = 64;
const SCAN_CHUNK = 1 << 20;

/** A whole line as it was read: the image line's own fields beside `record` (e.g. a cache's keys). */
export type LineFields = Readonly<Record<string, unknown>>;

interface OpenOptions {
  readonly writable?: boolean;
  readonly visit?: (slot: number, line: LineFields) => void;
}

/** What a record file keeps of each record besides its place in the file: a slot per prediction file, at least. */
export interface SlotIndex {
  readonly size: number;
  /** The record's slot: a new one, or the slot of its prediction file when it replaces a record. */
  set(record: ImageRecord): { slot: number; replaced: boolean };
  slotOfPredictionFile(predictionFile: string): number | undefined;
}

/**
 * Only each prediction file's slot: for the result cache, which looks records up by file and never
 * sorts or filters them (the views' columns of 100,000 images are about 50 MB, kept twice before).
 */
export class PredictionFileIndex implements SlotIndex {
  private readonly slots = new Map<string, number>();

  get size(): number {
    return this.slots.size;
  }

  set(record: ImageRecord): { slot: number; replaced: boolean } {
    const existing = this.slots.get(record.predictionFile);
    if (existing !== undefined) return { slot: existing, replaced: true };
    const slot = this.slots.size;
    this.slots.set(record.predictionFile, slot);
    return { slot, replaced: false };
  }

  slotOfPredictionFile(predictionFile: string): number | undefined {
    return this.slots.get(predictionFile);
  }
}

/** The records of a file; `columns` the views' columns (RecordColumns) or, for the result cache, only the slots. */
export class RecordFile<Index extends SlotIndex = RecordColumns> {
  private offsets = new Float64Array(0);
  private lengths = new Uint32Array(0);
  private end = 0;
  /** Whole lines in the file, superseded ones included (how much a rewrite would save). */
  private lineCount = 0;
  private readonly recent = new Map<number, ImageRecord>();
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    fd: number,
    private readonly writable: boolean,
    readonly columns: Index,
  ) {
    this.fd = fd;
  }

  /** A new, empty file (an existing one at `file` is replaced), with the views' columns. */
  static create(file: string): RecordFile;
  /** A new, empty file keeping `index` of its records. */
  static create<I extends SlotIndex>(file: string, index: I): RecordFile<I>;
  static create(file: string, index: SlotIndex = new RecordColumns()): RecordFile<SlotIndex> {
    mkdirSync(path.dirname(file), { recursive: true });
    return new RecordFile(file, openSync(file, 'w+'), true, index);
  }

  /**
   * The file as an earlier writer left it. Every whole line is indexed and handed to `visit` with its
   * slot; a last line without its newline (a writer killed mid-write) is counted in `dropped` and, when
   * `writable`, cut off, so appends start on a clean line. A damaged whole line throws, naming the file.
   */
  static open(file: string, options?: OpenOptions): { store: RecordFile; dropped: number };
  static open<I extends SlotIndex>(
    file: string,
    options: OpenOptions & { readonly index: I },
  ): { store: RecordFile<I>; dropped: number };
  static open(
    file: string,
    options: OpenOptions & { readonly index?: SlotIndex } = {},
  ): { store: RecordFile<SlotIndex>; dropped: number } {
    const writable = options.writable ?? true;
    const index = options.index ?? new RecordColumns();
    const store = new RecordFile(file, openSync(file, writable ? 'r+' : 'r'), writable, index);
    try {
      return { store, dropped: store.scan(options.visit) };
    } catch (error) {
      store.close();
      throw error;
    }
  }

  private scan(visit: ((slot: number, line: LineFields) => void) | undefined): number {
    const fd = this.handle();
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(SCAN_CHUNK);
    let lineStart = 0;
    let pending: Buffer[] = [];
    let position = 0;
    while (position < size) {
      const read = readSync(fd, buffer, 0, Math.min(SCAN_CHUNK, size - position), position);
      let from = 0;
      for (let i = buffer.indexOf(10, 0); i >= 0 && i < read; i = buffer.indexOf(10, i + 1)) {
        pending.push(buffer.subarray(from, i));
        const line = parseLine(Buffer.concat(pending).toString('utf8'), this.file, lineStart);
        const slot = this.place(line.record, lineStart, position + i + 1 - lineStart);
        this.lineCount++;
        visit?.(slot, line.fields);
        pending = [];
        from = i + 1;
        lineStart = position + i + 1;
      }
      if (from < read) pending.push(Buffer.from(buffer.subarray(from, read)));
      position += read;
    }
    this.end = lineStart;
    if (lineStart < size && this.writable) ftruncateSync(fd, lineStart);
    return lineStart < size ? 1 : 0;
  }

  private place(record: ImageRecord, offset: number, length: number): number {
    const { slot } = this.columns.set(record);
    if (slot >= this.offsets.length) {
      const capacity = Math.max(64, this.offsets.length * 2);
      const offsets = new Float64Array(capacity);
      offsets.set(this.offsets);
      const lengths = new Uint32Array(capacity);
      lengths.set(this.lengths);
      this.offsets = offsets;
      this.lengths = lengths;
    }
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    this.recent.delete(slot);
    return slot;
  }

  private handle(): number {
    if (this.fd === undefined) throw new Error(`${this.file}: the record store is closed`);
    return this.fd;
  }

  get size(): number {
    return this.columns.size;
  }

  /** Whole lines in the file; more than `size` when records were replaced. */
  get lines(): number {
    return this.lineCount;
  }

  /**
   * Writes the record's line (with `fields` of its own beside the record, if given); an image already
   * stored (same prediction file) keeps its slot and reads the new record.
   */
  append(record: ImageRecord, fields?: LineFields): { slot: number; replaced: boolean } {
    if (!this.writable) throw new Error(`${this.file}: opened for reading only`);
    const line = withReusedCounts(record);
    const text =
      fields === undefined
        ? resultsLine({ type: 'image', record: line })
        : `${JSON.stringify({ ...fields, type: 'image', record: line })}\n`;
    const bytes = Buffer.from(text, 'utf8');
    const fd = this.handle();
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, this.end + written);
    const replaced = this.columns.slotOfPredictionFile(record.predictionFile) !== undefined;
    const slot = this.place(record, this.end, bytes.length);
    this.end += bytes.length;
    this.lineCount++;
    return { slot, replaced };
  }

  /** The record of a slot, parsed from its line (or from the few kept parsed). */
  read(slot: number): ImageRecord {
    if (!(slot >= 0 && slot < this.size)) throw new RangeError(`${this.file}: no record in slot ${slot}`);
    const kept = this.recent.get(slot);
    if (kept !== undefined) {
      this.recent.delete(slot);
      this.recent.set(slot, kept);
      return kept;
    }
    const offset = this.offsets[slot]!;
    const buffer = Buffer.alloc(this.lengths[slot]!);
    readSync(this.handle(), buffer, 0, buffer.length, offset);
    const { record } = parseLine(buffer.toString('utf8'), this.file, offset);
    this.recent.set(slot, record);
    if (this.recent.size > RECENT_RECORDS) this.recent.delete(this.recent.keys().next().value!);
    return record;
  }

  /** Every record in slot order, one at a time (exports; nothing is kept). */
  *records(): Generator<ImageRecord> {
    for (let slot = 0; slot < this.size; slot++) yield this.read(slot);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.recent.clear();
  }

  /** Closes and removes the file: the records were only ever a copy of what the run computed. */
  delete(): void {
    this.close();
    rmSync(this.file, { force: true });
  }
}

/** One C x C array, filled afresh for each line written (see withReusedCounts). */
let countsScratch: number[] = [];

/**
 * The record to write, its confusion's counts, when it came from a worker, filled from the non-zero
 * cells into one array that every line reuses: JSON.stringify would otherwise read the record's lazy
 * `counts` (core/evaluate/record.ts), which builds and keeps a C x C plain array per record, about
 * 10 KB of garbage for each image at 21 classes, at hundreds of images a second. Same text: the
 * record's own keys in their order, then `counts` and `unknown` as the lazy confusion has them.
 */
function withReusedCounts(record: ImageRecord): ImageRecord {
  const sparse = sparseConfusionOf(record);
  if (sparse === undefined) return record;
  const size = sparse.numClasses * sparse.numClasses;
  if (countsScratch.length !== size) {
    countsScratch = [];
    for (let i = 0; i < size; i++) countsScratch.push(0);
  } else countsScratch.fill(0);
  for (let i = 0; i < sparse.cells.length; i++) countsScratch[sparse.cells[i]!] = sparse.counts[i]!;
  return { ...record, confusion: { counts: countsScratch, unknown: record.confusion.unknown } };
}

function parseLine(line: string, file: string, offset: number): { record: ImageRecord; fields: LineFields } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`${file}: the line at byte ${offset} is not JSON`);
  }
  const value = json as { type?: unknown; record?: unknown } | null;
  if (typeof value !== 'object' || value === null || value.type !== 'image')
    throw new Error(`${file}: the line at byte ${offset} is not an image line`);
  return { record: readImageRecord(value.record, `${file}@${offset}.record`), fields: value };
}
