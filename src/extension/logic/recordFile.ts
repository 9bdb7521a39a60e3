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
import { readImageRecord } from '../../core/report/resultsFile';
import { RecordColumns } from './recordColumns';

/** Records kept parsed: the inspector's image and its neighbours, a tree's hovered rows. */
const RECENT_RECORDS = 64;
const SCAN_CHUNK = 1 << 20;
/** Appended lines kept before they are written: about a hundred records of 21 classes. */
const WRITE_BLOCK = 256 * 1024;
/** What ends every line, after the record's JSON. */
const LINE_TAIL = '}\n';

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
  /** Where the next line goes: the file's bytes and the block's. */
  private end = 0;
  /** Lines appended and not yet written, at the file's end (`end - blockUsed`); allocated on the first append. */
  private block: Buffer | undefined;
  private blockUsed = 0;
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
   * Appends the record's line (with `fields` of its own beside the record, if given); an image already
   * stored (same prediction file) keeps its slot and reads the new record. The line is on disk after
   * the next `flush` or `close`, or once the block fills; `read` has it at once.
   */
  append(record: ImageRecord, fields?: LineFields): { slot: number; replaced: boolean } {
    if (!this.writable) throw new Error(`${this.file}: opened for reading only`);
    this.handle(); // a closed file takes no more lines, not even into the block
    const length = this.put(fields === undefined ? IMAGE_LINE_HEAD : lineHead(fields), recordJson(record));
    const replaced = this.columns.slotOfPredictionFile(record.predictionFile) !== undefined;
    const slot = this.place(record, this.end, length);
    this.end += length;
    this.lineCount++;
    return { slot, replaced };
  }

  /** Puts `head`, `json` and the line's end into the block (first writing it if they may not fit); the line's bytes. */
  private put(head: string, json: string): number {
    // UTF-8 takes at most 3 bytes for each UTF-16 unit: the bound saves measuring the text first.
    const most = 3 * (head.length + json.length + LINE_TAIL.length);
    if (this.blockUsed + most > WRITE_BLOCK) this.flush();
    if (most > WRITE_BLOCK) {
      // A line longer than a block (a record of many classes): written on its own.
      const bytes = Buffer.from(`${head}${json}${LINE_TAIL}`, 'utf8');
      writeWhole(this.handle(), bytes, this.end);
      return bytes.length;
    }
    const block = (this.block ??= Buffer.allocUnsafe(WRITE_BLOCK));
    const start = this.blockUsed;
    let at = start;
    at += block.write(head, at, 'utf8');
    at += block.write(json, at, 'utf8');
    at += block.write(LINE_TAIL, at, 'utf8');
    this.blockUsed = at;
    return at - start;
  }

  /** Writes the lines appended so far to the file. */
  flush(): void {
    if (this.blockUsed === 0) return;
    // On a failed write the block stays as it is: a later flush writes it again at the same place.
    writeWhole(this.handle(), this.block!.subarray(0, this.blockUsed), this.end - this.blockUsed);
    this.blockUsed = 0;
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
    const { record } = parseLine(this.lineText(slot), this.file, this.offsets[slot]!);
    this.recent.set(slot, record);
    if (this.recent.size > RECENT_RECORDS) this.recent.delete(this.recent.keys().next().value!);
    return record;
  }

  /** A slot's line: from the block while it is not written yet, else from the file. */
  private lineText(slot: number): string {
    const offset = this.offsets[slot]!;
    const length = this.lengths[slot]!;
    const inBlock = offset - (this.end - this.blockUsed);
    if (inBlock >= 0) return this.block!.toString('utf8', inBlock, inBlock + length);
    const buffer = Buffer.alloc(length);
    readSync(this.handle(), buffer, 0, length, offset);
    return buffer.toString('utf8');
  }

  /** Every record in slot order, one at a time (exports; nothing is kept). */
  *records(): Generator<ImageRecord> {
    for (let slot = 0; slot < this.size; slot++) yield this.read(slot);
  }

  /** Writes what is left in the block and closes the file (also when that write fails, which throws). */
  close(): void {
    try {
      if (this.fd !== undefined) this.flush();
    } finally {
      this.release();
    }
  }

  /** Closes and removes the file, the lines not written yet with it: the records were only ever a copy of what the run computed. */
  delete(): void {
    this.release();
    rmSync(this.file, { force: true });
  }

  private release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.recent.clear();
    this.block = undefined;
    this.blockUsed = 0;
  }
}

function writeWhole(fd: number, bytes: Uint8Array, position: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}

/** `{"type":"image","record":`: what JSON.stringify({ type: 'image', record }) writes before the record. */
const IMAGE_LINE_HEAD = '{"type":"image","record":';

/**
 * The text before the record's JSON on its line, which is the results file's image line with `fields`
 * first: `${JSON.stringify({ ...fields, type: 'image', record })}\n`, built around the record's JSON
 * text so that text can serve two files (the tests compare the bytes with that JSON).
 */
function lineHead(fields: LineFields): string {
  if ('record' in fields || 'type' in fields) throw new Error('a line names its type and record itself, not `fields`');
  const own = JSON.stringify(fields);
  return own === '{}' ? IMAGE_LINE_HEAD : `${own.slice(0, -1)},${IMAGE_LINE_HEAD.slice(1)}`;
}

/**
 * The last record serialised and its JSON. A run writes each computed record twice, one after the
 * other: to the view's record file (ResultsStore) and to the result cache's (the runner's `remember`),
 * the same line but for the cache's keys; the second reuses the first's text instead of serialising
 * the record again. By identity: records are never changed once made (ImageRecord is readonly).
 */
let lastRecord: ImageRecord | undefined;
let lastJson = '';

function recordJson(record: ImageRecord): string {
  if (record !== lastRecord) {
    lastJson = JSON.stringify(withReusedCounts(record));
    lastRecord = record;
  }
  return lastJson;
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
