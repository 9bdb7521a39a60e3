import type { LabelIds } from './fileRoles';
import type { FilePair } from './pairing';

/** A list read by position: arrays and PackedPairs alike (what the worker pool hands out). */
export interface ListView<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/** How `labelIds` is stored: its index here (0: absent, the dataset's default). */
const LABEL_IDS: readonly (LabelIds | undefined)[] = [undefined, 'train', 'label', 'color'];

/** Per pair: where its bytes start, the name's, the prediction file name's and the label file name's byte lengths, and the two folders. */
const FIELDS = 6;

/** Where the folder part of a path ends (after its last `/` or `\`), 0 when it has none. */
const folderEnd = (path: string): number => Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;

/**
 * The pairs of a folder in compact form, for a run that holds them while it evaluates: each pair's
 * name and its two file names as UTF-8 bytes in one growing buffer, its two folders as indices into
 * one table of distinct folders, and six integers in a typed array. About 50 bytes a pair against
 * about 300 for the FilePair objects and their strings, and none of it on the JavaScript heap, whose
 * live size sets how far V8 lets the heap grow between collections. `at(i)` builds the pair again
 * with the same strings.
 */
export class PackedPairs implements ListView<FilePair> {
  private bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  private usedBytes = 0;
  private fields = new Uint32Array(FIELDS * 1024);
  private ids = new Uint8Array(1024);
  private count = 0;
  private readonly folders: string[] = [];
  private readonly folderIndex = new Map<string, number>();

  static from(pairs: Iterable<FilePair>): PackedPairs {
    const packed = new PackedPairs();
    for (const pair of pairs) packed.push(pair);
    return packed;
  }

  get length(): number {
    return this.count;
  }

  push(pair: FilePair): void {
    if (this.count === this.ids.length) this.growRecords();
    const predictionCut = folderEnd(pair.predictionFile);
    const labelCut = folderEnd(pair.labelFile);
    const start = this.usedBytes;
    const nameBytes = this.write(pair.name);
    const predictionBytes = this.write(pair.predictionFile.slice(predictionCut));
    const labelBytes = this.write(pair.labelFile.slice(labelCut));
    const at = this.count * FIELDS;
    this.fields[at] = start;
    this.fields[at + 1] = nameBytes;
    this.fields[at + 2] = predictionBytes;
    this.fields[at + 3] = labelBytes;
    this.fields[at + 4] = this.folder(pair.predictionFile.slice(0, predictionCut));
    this.fields[at + 5] = this.folder(pair.labelFile.slice(0, labelCut));
    this.ids[this.count] = LABEL_IDS.indexOf(pair.labelIds);
    this.count++;
  }

  at(index: number): FilePair | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const at = index * FIELDS;
    const start = this.fields[at]!;
    const nameEnd = start + this.fields[at + 1]!;
    const predictionEnd = nameEnd + this.fields[at + 2]!;
    const labelEnd = predictionEnd + this.fields[at + 3]!;
    const labelIds = LABEL_IDS[this.ids[index]!];
    return {
      name: this.bytes.toString('utf8', start, nameEnd),
      predictionFile: this.folders[this.fields[at + 4]!]! + this.bytes.toString('utf8', nameEnd, predictionEnd),
      labelFile: this.folders[this.fields[at + 5]!]! + this.bytes.toString('utf8', predictionEnd, labelEnd),
      ...(labelIds !== undefined ? { labelIds } : {}),
    };
  }

  *[Symbol.iterator](): Generator<FilePair> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
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

  /** Appends `text` as UTF-8; returns its byte length. */
  private write(text: string): number {
    const length = Buffer.byteLength(text);
    if (this.usedBytes + length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.usedBytes + length));
      this.bytes.copy(bigger, 0, 0, this.usedBytes);
      this.bytes = bigger;
    }
    this.bytes.write(text, this.usedBytes, 'utf8');
    this.usedBytes += length;
    return length;
  }

  private growRecords(): void {
    const fields = new Uint32Array(this.fields.length * 2);
    fields.set(this.fields);
    this.fields = fields;
    const ids = new Uint8Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
  }
}
