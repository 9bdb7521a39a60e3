import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelIds } from './fileRoles';
import { TEMP_FOLDER_PREFIX } from './tempFolders';
import type { FilePair } from './pairing';

/** A list read by position: arrays and PackedPairs alike (what the worker pool hands out). */
export interface ListView<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export interface PackedPairsOptions {
  /**
   * Bytes of packed pairs held in memory; once there are more, every pair goes to a temporary file
   * and is read back a block at a time. Default: all in memory.
   */
  readonly memoryBytes?: number;
  /** Pairs in a block, the unit written to and read back from the file (default 256). */
  readonly blockPairs?: number;
  /** Where the temporary folder goes (default: the system's). */
  readonly tempRoot?: string;
  /**
   * The temporary file to use if the pairs outgrow memory, opened beforehand (openSpillFile) by the
   * thread that will read them: a worker thread's own open files are closed when it ends.
   */
  readonly spillTo?: Readonly<SpillFile>;
}

/** How `labelIds` is stored: its index here (0: absent, the dataset's default). */
const LABEL_IDS: readonly (LabelIds | undefined)[] = [undefined, 'train', 'label', 'color'];

/**
 * A pair's header in a block: the byte lengths of its name, prediction file name and label file name,
 * its two folders (indices into the folder table) as 32-bit integers, then its labelIds index; its
 * bytes (the three names as UTF-8) follow.
 */
const HEADER_BYTES = 21;

const BLOCK_PAIRS = 256;

/** Where the folder part of a path ends (after its last `/` or `\`), 0 when it has none. */
const folderEnd = (path: string): number => Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;

/** A full block: its bytes in memory, or where they are in the file. */
interface Block {
  bytes: Buffer | undefined;
  readonly offset: number;
  readonly length: number;
}

/** The temporary file blocks go to once the pairs outgrow memory. */
export interface SpillFile {
  readonly fd: number;
  /** The file's folder, until it is removed (at once where the system allows: openSpillFile). */
  folder: string | undefined;
  size: number;
}

/**
 * A PackedPairs as one thread of this process hands it to another (PackedPairs.handOver, then
 * PackedPairs.adopt there): plain data a worker message can carry, the temporary file's descriptor
 * included (threads share the process's open files).
 */
export interface PackedPairsState {
  readonly options: PackedPairsOptions;
  readonly folders: readonly string[];
  readonly blocks: readonly {
    readonly bytes: Uint8Array | undefined;
    readonly offset: number;
    readonly length: number;
  }[];
  /** The open block's bytes, and where each of its pairs starts in them. */
  readonly open: Uint8Array;
  readonly openStarts: readonly number[];
  readonly count: number;
  readonly heldBytes: number;
  readonly file: Readonly<SpillFile> | undefined;
}

/**
 * The pairs of a folder in compact form, for a run that holds them while it evaluates: each pair's
 * name and its two file names as UTF-8 bytes behind a 21-byte header, its two folders as indices into
 * one table of distinct folders, in blocks of 256 pairs. About 60 bytes a pair against about 300 for
 * the FilePair objects and their strings, none of it on the JavaScript heap. With `memoryBytes`, a
 * list that outgrows it moves its blocks to a temporary file and reads them back one block at a time
 * (a run reads its pairs in order, so that is one read per 256 pairs): memory is then one block and
 * one block's read buffer, whatever the folder's size. `at(i)` builds the pair again with the same
 * strings. Call dispose() when done, to close and remove the file.
 */
export class PackedPairs implements ListView<FilePair> {
  private readonly folders: string[] = [];
  private readonly folderIndex = new Map<string, number>();
  private readonly blocks: Block[] = [];
  private readonly blockPairs: number;
  /** The block being filled, and where each of its pairs starts in it. */
  private open: Buffer = Buffer.allocUnsafe(1 << 12);
  private openBytes = 0;
  private readonly openStarts: number[] = [];
  private count = 0;
  /** Bytes of full blocks held in memory. */
  private heldBytes = 0;
  private file: SpillFile | undefined;
  /** The last full block read: its bytes (a buffer reused for blocks read from the file) and pair starts. */
  private cached: { index: number; bytes: Buffer; starts: Uint32Array } | undefined;
  private readBuffer: Buffer | undefined;
  private readonly starts: Uint32Array;

  constructor(private readonly options: PackedPairsOptions = {}) {
    this.blockPairs = Math.max(1, Math.floor(options.blockPairs ?? BLOCK_PAIRS));
    this.starts = new Uint32Array(this.blockPairs);
  }

  static from(pairs: Iterable<FilePair>, options?: PackedPairsOptions): PackedPairs {
    const packed = new PackedPairs(options);
    for (const pair of pairs) packed.push(pair);
    return packed;
  }

  get length(): number {
    return this.count;
  }

  /** Whether the pairs went to a temporary file. */
  get spilled(): boolean {
    return this.file !== undefined;
  }

  push(pair: FilePair): void {
    const predictionCut = folderEnd(pair.predictionFile);
    const labelCut = folderEnd(pair.labelFile);
    const prediction = pair.predictionFile.slice(predictionCut);
    const label = pair.labelFile.slice(labelCut);
    const nameBytes = Buffer.byteLength(pair.name);
    const predictionBytes = Buffer.byteLength(prediction);
    const labelBytes = Buffer.byteLength(label);
    const start = this.reserve(HEADER_BYTES + nameBytes + predictionBytes + labelBytes);
    const open = this.open;
    open.writeUInt32LE(nameBytes, start);
    open.writeUInt32LE(predictionBytes, start + 4);
    open.writeUInt32LE(labelBytes, start + 8);
    open.writeUInt32LE(this.folder(pair.predictionFile.slice(0, predictionCut)), start + 12);
    open.writeUInt32LE(this.folder(pair.labelFile.slice(0, labelCut)), start + 16);
    open[start + 20] = LABEL_IDS.indexOf(pair.labelIds);
    let at = start + HEADER_BYTES;
    at += open.write(pair.name, at, 'utf8');
    at += open.write(prediction, at, 'utf8');
    open.write(label, at, 'utf8');
    this.openStarts.push(start);
    this.count++;
    if (this.openStarts.length === this.blockPairs) this.seal();
  }

  at(index: number): FilePair | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const block = Math.floor(index / this.blockPairs);
    const within = index - block * this.blockPairs;
    if (block === this.blocks.length) return this.decode(this.open, this.openStarts[within]!);
    const { bytes, starts } = this.fullBlock(block);
    return this.decode(bytes, starts[within]!);
  }

  *[Symbol.iterator](): Generator<FilePair> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
  }

  /**
   * Everything this list holds, for PackedPairs.adopt in another thread of this process, which then
   * owns the temporary file: this list is empty afterwards, and its dispose() leaves the file alone.
   */
  handOver(): PackedPairsState {
    const state: PackedPairsState = {
      options: this.options,
      folders: this.folders.slice(),
      blocks: this.blocks.map(({ bytes, offset, length }) => ({ bytes, offset, length })),
      open: this.open.subarray(0, this.openBytes),
      openStarts: this.openStarts.slice(),
      count: this.count,
      heldBytes: this.heldBytes,
      file: this.file === undefined ? undefined : { ...this.file },
    };
    this.folders.length = 0;
    this.folderIndex.clear();
    this.blocks.length = 0;
    this.open = Buffer.allocUnsafe(1 << 12);
    this.openBytes = 0;
    this.openStarts.length = 0;
    this.count = 0;
    this.heldBytes = 0;
    this.file = undefined;
    this.cached = undefined;
    return state;
  }

  /** The list another thread handed over (handOver); dispose of it here. */
  static adopt(state: PackedPairsState): PackedPairs {
    // A file given to the other thread (spillTo) is this list's own file now, or was closed unused.
    const { spillTo: _given, ...options } = state.options;
    const pairs = new PackedPairs(options);
    const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const [index, folder] of state.folders.entries()) {
      pairs.folders.push(folder);
      pairs.folderIndex.set(folder, index);
    }
    for (const { bytes, offset, length } of state.blocks)
      pairs.blocks.push({ bytes: bytes === undefined ? undefined : asBuffer(bytes), offset, length });
    pairs.open = Buffer.allocUnsafe(Math.max(1 << 12, state.open.length));
    pairs.open.set(state.open);
    pairs.openBytes = state.open.length;
    pairs.openStarts.push(...state.openStarts);
    pairs.count = state.count;
    pairs.heldBytes = state.heldBytes;
    pairs.file = state.file === undefined ? undefined : { ...state.file };
    return pairs;
  }

  /** Closes and removes the temporary file, if any. The pairs read from it are gone after this. */
  dispose(): void {
    const file = this.file;
    this.file = undefined;
    this.cached = undefined;
    if (file !== undefined) closeSpillFile(file);
  }

  private decode(bytes: Buffer, start: number): FilePair {
    const nameEnd = start + HEADER_BYTES + bytes.readUInt32LE(start);
    const predictionEnd = nameEnd + bytes.readUInt32LE(start + 4);
    const labelEnd = predictionEnd + bytes.readUInt32LE(start + 8);
    const labelIds = LABEL_IDS[bytes[start + 20]!];
    return {
      name: bytes.toString('utf8', start + HEADER_BYTES, nameEnd),
      predictionFile: this.folders[bytes.readUInt32LE(start + 12)]! + bytes.toString('utf8', nameEnd, predictionEnd),
      labelFile: this.folders[bytes.readUInt32LE(start + 16)]! + bytes.toString('utf8', predictionEnd, labelEnd),
      ...(labelIds !== undefined ? { labelIds } : {}),
    };
  }

  /** A full block's bytes and pair starts, read from the file when it is there. */
  private fullBlock(index: number): { bytes: Buffer; starts: Uint32Array } {
    if (this.cached?.index === index) return this.cached;
    const block = this.blocks[index]!;
    let bytes = block.bytes;
    if (bytes === undefined) {
      if (this.file === undefined) throw new Error('the packed pairs were read after dispose()');
      if (this.readBuffer === undefined || this.readBuffer.length < block.length)
        this.readBuffer = Buffer.allocUnsafe(Math.max(block.length, 1 << 16));
      bytes = this.readBuffer;
      let read = 0;
      while (read < block.length) {
        const got = readSync(this.file.fd, bytes, read, block.length - read, block.offset + read);
        if (got === 0) throw new Error(`the pairs' temporary file ended at byte ${block.offset + read}`);
        read += got;
      }
    }
    const starts = this.starts;
    for (let i = 0, at = 0; i < this.blockPairs; i++) {
      starts[i] = at;
      at += HEADER_BYTES + bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) + bytes.readUInt32LE(at + 8);
    }
    this.cached = { index, bytes, starts };
    return this.cached;
  }

  /** Room for `length` more bytes in the open block; returns where they start. */
  private reserve(length: number): number {
    const start = this.openBytes;
    if (start + length > this.open.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.open.length * 2, start + length));
      this.open.copy(bigger, 0, 0, start);
      this.open = bigger;
    }
    this.openBytes += length;
    return start;
  }

  /** The open block is full: keep it (a copy of its bytes) or write it to the file. */
  private seal(): void {
    const length = this.openBytes;
    if (this.file !== undefined) {
      this.blocks.push({ bytes: undefined, offset: this.append(this.open, length), length });
    } else {
      this.blocks.push({ bytes: Buffer.from(this.open.subarray(0, length)), offset: 0, length });
      this.heldBytes += length;
      if (this.options.memoryBytes !== undefined && this.heldBytes > this.options.memoryBytes) this.spill();
    }
    this.openBytes = 0;
    this.openStarts.length = 0;
  }

  /** Moves every full block to a new temporary file. */
  private spill(): void {
    const given = this.options.spillTo;
    this.file =
      given !== undefined ? { fd: given.fd, folder: given.folder, size: 0 } : openSpillFile(this.options.tempRoot);
    this.cached = undefined;
    for (let i = 0; i < this.blocks.length; i++) {
      const { bytes, length } = this.blocks[i]!;
      this.blocks[i] = { bytes: undefined, offset: this.append(bytes!, length), length };
    }
    this.heldBytes = 0;
  }

  /** Writes `length` bytes of `bytes` at the end of the file; returns where they start. */
  private append(bytes: Buffer, length: number): number {
    const file = this.file!;
    const offset = file.size;
    let written = 0;
    while (written < length) written += writeSync(file.fd, bytes, written, length - written, offset + written);
    file.size += length;
    return offset;
  }

  private folder(path: string): number {
    let index = this.folderIndex.get(path);
    if (index === undefined) {
      index = this.folders.length;
      this.folders.push(path);
      this.folderIndex.set(path, index);
    }
    return index;
  }
}

/**
 * A new temporary file for the pairs, in a folder of its own. Both are removed at once where the
 * system lets an open file be removed (its data stays until it is closed), so even a killed run
 * leaves nothing behind; elsewhere (Windows) dispose() removes them.
 */
export function openSpillFile(tempRoot: string | undefined): SpillFile {
  // Named as the engine's temporary folders are: should the process be killed before the folder is
  // removed, the next run knows it for a dead process's and removes it (removeStaleTempFolders).
  const folder = mkdtempSync(join(tempRoot ?? tmpdir(), `${TEMP_FOLDER_PREFIX}${process.pid}-`));
  const path = join(folder, 'pairs.bin');
  let fd: number;
  try {
    fd = openSync(path, 'w+', 0o600);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const file: SpillFile = { fd, folder, size: 0 };
  try {
    unlinkSync(path);
    rmSync(folder, { recursive: true, force: true });
    file.folder = undefined;
  } catch {
    // The system keeps an open file (Windows): dispose() removes it after closing it.
  }
  return file;
}

/** Closes a temporary file of openSpillFile and removes it where the system had not yet. */
export function closeSpillFile(file: Readonly<SpillFile>): void {
  closeSync(file.fd);
  if (file.folder !== undefined) rmSync(file.folder, { recursive: true, force: true });
}
