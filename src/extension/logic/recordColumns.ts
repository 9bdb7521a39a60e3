/**
 * What the views need of every evaluated image without its record: name, prediction file, each
 * metric's value, the classes present and the confusion cells, kept as typed-array columns. Sorting,
 * filtering by class or by confusion cell and counting images per class read only these, so 100,000
 * images cost a few tens of megabytes here while their records stay on disk (recordFile.ts).
 *
 * A slot is an image's row; an image added again under the same prediction file keeps its slot, as a
 * Map keeps a replaced key's place, so the order of first arrival never changes.
 */
import type { ImageRecord } from '../../core/evaluate/record';
import { sparseConfusionOf } from '../../core/evaluate/record';
import { lowerIsBetter, metricValue } from '../../core/metrics/metricTable';
import { RANKING_KEYS, type RankingKey } from '../../core/report/ranking';
import type { ConfusionPair } from '../../shared/protocol/common';

/** A cell's key in the columns: label and predicted class in 16 bits each. */
const cellKey = (label: number, predicted: number): number => label * 65536 + predicted;

function grown<T extends Float64Array | Uint32Array | Uint16Array>(array: T, size: number): T {
  if (array.length >= size) return array;
  const next = new (array.constructor as new (length: number) => T)(Math.max(size, array.length * 2, 64));
  next.set(array);
  return next;
}

/** Code-point order, the engine's tie rule (never locale order, so every machine lists ties alike). */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `slots` by `values` (NaN: undefined, always last), highest first when `descending`, ties by name:
 * the order of hardestFirst (core/report/ranking.ts) read from typed arrays. `namePosition[slot]` is the
 * slot's place among all names in code-point order (distinct per slot).
 *
 * No comparator runs: each value becomes its place among the sorted values (a native typed-array sort
 * and a binary search), and value place × slots + name position, an exact integer below 2^53, is
 * sorted natively again. At 100,000 slots that is a few tens of milliseconds where a comparator sort
 * comparing names on ties took about 200.
 */
export function rankSlots(
  slots: readonly number[],
  values: Float64Array,
  descending: boolean,
  namePosition: Uint32Array,
  slotAtNamePosition: Uint32Array,
): number[] {
  const n = slots.length;
  const total = slotAtNamePosition.length;
  // -0 and 0 are one value (+ 0 makes -0 into 0); descending is ascending of the negated values.
  const keyed = new Float64Array(n);
  for (let i = 0; i < n; i++) keyed[i] = (descending ? -values[slots[i]!]! : values[slots[i]!]!) + 0;
  const sorted = keyed.slice().sort(); // NaN last
  let defined = n;
  while (defined > 0 && Number.isNaN(sorted[defined - 1]!)) defined--;
  const composite = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = keyed[i]!;
    let place = defined; // undefined values after every defined one
    if (!Number.isNaN(v)) {
      let lo = 0;
      let hi = defined;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      place = lo;
    }
    composite[i] = place * total + namePosition[slots[i]!]!;
  }
  composite.sort();
  const ranked = new Array<number>(n);
  for (let i = 0; i < n; i++) ranked[i] = slotAtNamePosition[composite[i]! % total]!;
  return ranked;
}

export class RecordColumns {
  private count = 0;
  private readonly names: string[] = [];
  private readonly predictionFiles: string[] = [];
  private readonly slotByName = new Map<string, number>();
  private readonly slotByPrediction = new Map<string, number>();
  private readonly values = new Map<RankingKey, Float64Array>(RANKING_KEYS.map((key) => [key, new Float64Array(0)]));
  private warningCounts = new Uint32Array(0);
  private labelPixels = new Float64Array(0);
  private scoredPixels = new Float64Array(0);
  // Variable-length lists (classes present, confusion cells) live in one growing array each; a slot
  // points at its range. A replaced image's old range is left behind (replacements are rare).
  private classStart = new Uint32Array(0);
  private classLength = new Uint32Array(0);
  private classIds = new Uint16Array(0);
  private classUsed = 0;
  private cellStart = new Uint32Array(0);
  private cellLength = new Uint32Array(0);
  private cellKeys = new Uint32Array(0);
  private cellCounts = new Float64Array(0);
  private cellUsed = 0;
  /**
   * Slots in name order (ties by slot) and each slot's place in it, for the first `nameOrdered` slots;
   * slots added since are sorted and merged in when the next ranking asks, so a run's refreshes cost
   * a merge, not a sort of every name.
   */
  private slotAtNamePosition = new Uint32Array(0);
  private namePosition = new Uint32Array(0);
  private nameOrdered = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the record's row, or replaces the row of its prediction file; returns the slot and whether it replaced one. */
  set(record: ImageRecord): { slot: number; replaced: boolean } {
    const existing = this.slotByPrediction.get(record.predictionFile);
    const slot = existing ?? this.count;
    if (existing === undefined) {
      this.count++;
      this.grow(this.count);
      this.predictionFiles.push(record.predictionFile);
      this.names.push(record.name);
      this.slotByPrediction.set(record.predictionFile, slot);
    } else {
      const before = this.names[slot]!;
      if (this.slotByName.get(before) === slot) this.slotByName.delete(before);
      this.names[slot] = record.name;
      if (before !== record.name) this.nameOrdered = 0; // rare: order every name afresh
    }
    this.slotByName.set(record.name, slot);
    for (const [key, column] of this.values) column[slot] = metricValue(record, key) ?? Number.NaN;
    this.warningCounts[slot] = record.warnings.length;
    this.labelPixels[slot] = record.width * record.height;
    this.scoredPixels[slot] = record.validPixels;
    this.setClasses(slot, record.classesPresent);
    this.setCells(slot, record);
    return { slot, replaced: existing !== undefined };
  }

  private grow(size: number): void {
    for (const [key, column] of this.values) this.values.set(key, grown(column, size));
    this.warningCounts = grown(this.warningCounts, size);
    this.labelPixels = grown(this.labelPixels, size);
    this.scoredPixels = grown(this.scoredPixels, size);
    this.classStart = grown(this.classStart, size);
    this.classLength = grown(this.classLength, size);
    this.cellStart = grown(this.cellStart, size);
    this.cellLength = grown(this.cellLength, size);
  }

  private setClasses(slot: number, classes: readonly number[]): void {
    this.classIds = grown(this.classIds, this.classUsed + classes.length);
    this.classStart[slot] = this.classUsed;
    this.classLength[slot] = classes.length;
    for (const id of classes) this.classIds[this.classUsed++] = id;
  }

  /** The non-zero cells: from a worker's sparse form when there is one, else one pass over the dense counts. */
  private setCells(slot: number, record: ImageRecord): void {
    const sparse = sparseConfusionOf(record);
    const start = this.cellUsed;
    const add = (label: number, predicted: number, pixels: number): void => {
      this.cellKeys = grown(this.cellKeys, this.cellUsed + 1);
      this.cellCounts = grown(this.cellCounts, this.cellUsed + 1);
      this.cellKeys[this.cellUsed] = cellKey(label, predicted);
      this.cellCounts[this.cellUsed++] = pixels;
    };
    if (sparse !== undefined) {
      const c = sparse.numClasses;
      for (let i = 0; i < sparse.cells.length; i++) {
        const cell = sparse.cells[i]!;
        add(Math.floor(cell / c), cell % c, sparse.counts[i]!);
      }
    } else {
      const counts = record.confusion.counts;
      const c = record.confusion.unknown.length;
      for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) add(Math.floor(i / c), i % c, counts[i]!);
    }
    this.cellStart[slot] = start;
    this.cellLength[slot] = this.cellUsed - start;
  }

  name(slot: number): string {
    return this.names[slot]!;
  }
  predictionFile(slot: number): string {
    return this.predictionFiles[slot]!;
  }
  slotOfName(name: string): number | undefined {
    return this.slotByName.get(name);
  }
  slotOfPredictionFile(predictionFile: string): number | undefined {
    return this.slotByPrediction.get(predictionFile);
  }
  /** The metric's value of the image, null where it is undefined (as metricValue). */
  value(key: RankingKey, slot: number): number | null {
    const v = this.values.get(key)![slot]!;
    return Number.isNaN(v) ? null : v;
  }
  warnings(slot: number): number {
    return this.warningCounts[slot]!;
  }
  /** Width × height of the image's label, and its scored (non-ignored) pixels. */
  pixels(slot: number): { label: number; scored: number } {
    return { label: this.labelPixels[slot]!, scored: this.scoredPixels[slot]! };
  }

  /** Every slot, in order of first arrival. */
  slots(): number[] {
    return Array.from({ length: this.count }, (_, i) => i);
  }

  hasClass(slot: number, classId: number): boolean {
    const start = this.classStart[slot]!;
    const end = start + this.classLength[slot]!;
    for (let i = start; i < end; i++) if (this.classIds[i] === classId) return true;
    return false;
  }

  /** The slots whose label or prediction holds `classId` (filterByClass of sortKeys.ts), all when undefined. */
  withClass(slots: readonly number[], classId: number | undefined): number[] {
    return classId === undefined ? [...slots] : slots.filter((slot) => this.hasClass(slot, classId));
  }

  /** How many images hold each class (label or prediction). */
  classImageCounts(numClasses: number): number[] {
    const counts = new Array<number>(numClasses).fill(0);
    for (let slot = 0; slot < this.count; slot++) {
      const start = this.classStart[slot]!;
      const end = start + this.classLength[slot]!;
      for (let i = start; i < end; i++) {
        const id = this.classIds[i]!;
        if (id < numClasses) counts[id]!++;
      }
    }
    return counts;
  }

  /** Pixels of the image labelled `pair.label` and predicted `pair.predicted` (cellCount of confusionImages.ts). */
  cellCount(slot: number, pair: ConfusionPair): number {
    const key = cellKey(pair.label, pair.predicted);
    const start = this.cellStart[slot]!;
    const end = start + this.cellLength[slot]!;
    for (let i = start; i < end; i++) if (this.cellKeys[i] === key) return this.cellCounts[i]!;
    return 0;
  }

  /** The slots holding pixels of the cell, most such pixels first; a stable sort keeps `slots`' order among ties. */
  withCell(slots: readonly number[], pair: ConfusionPair): number[] {
    const counts = new Map<number, number>();
    for (const slot of slots) {
      const n = this.cellCount(slot, pair);
      if (n > 0) counts.set(slot, n);
    }
    return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  }

  /** Images holding pixels of the cell, most first, ties by name (rankedCellImages of confusionImages.ts). */
  cellImages(pair: ConfusionPair): { name: string; count: number }[] {
    const images: { name: string; count: number }[] = [];
    for (let slot = 0; slot < this.count; slot++) {
      const count = this.cellCount(slot, pair);
      if (count > 0) images.push({ name: this.names[slot]!, count });
    }
    return images.sort((a, b) => b.count - a.count || byCodePoint(a.name, b.name));
  }

  /** `slots` hardest first by a metric, in the engine's order (rankRecords of sortKeys.ts). */
  rank(slots: readonly number[], key: RankingKey): number[] {
    return this.rankBy(slots, this.values.get(key)!, lowerIsBetter(key));
  }

  /** `slots` by values of their own (NaN: none, last), ties by name. */
  rankBy(slots: readonly number[], values: Float64Array, descending: boolean): number[] {
    this.orderNames();
    return rankSlots(slots, values, descending, this.namePosition, this.slotAtNamePosition.subarray(0, this.count));
  }

  /**
   * What `rank` gives for the slots of `ranked` and `added` together, where `ranked` is `rank`'s answer
   * for its own slots under the same key: only `added` is ranked, then the two are merged in one pass
   * with the same order (value, undefined last, -0 as 0, ties by name). For a run's refreshes, which add
   * a few images to many.
   */
  mergeRank(ranked: readonly number[], added: readonly number[], key: RankingKey): number[] {
    if (added.length === 0) return [...ranked];
    const values = this.values.get(key)!;
    const descending = lowerIsBetter(key);
    const fresh = this.rankBy(added, values, descending); // brings the name order up to every slot
    const namePosition = this.namePosition;
    const keyOf = (slot: number): number => (descending ? -values[slot]! : values[slot]!) + 0;
    const first = (a: number, b: number): boolean => {
      const x = keyOf(a);
      const y = keyOf(b);
      if (Number.isNaN(x) || Number.isNaN(y)) {
        if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(y);
      } else if (x !== y) return x < y;
      return namePosition[a]! < namePosition[b]!;
    };
    const merged = new Array<number>(ranked.length + fresh.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < merged.length; k++)
      merged[k] = j >= fresh.length || (i < ranked.length && first(ranked[i]!, fresh[j]!)) ? ranked[i++]! : fresh[j++]!;
    return merged;
  }

  /** Brings the name order up to every slot: the new slots sorted, then merged with the ordered ones. */
  private orderNames(): void {
    const count = this.count;
    if (this.nameOrdered === count) return;
    const names = this.names;
    const byName = (a: number, b: number): number => byCodePoint(names[a]!, names[b]!) || a - b;
    const added = Uint32Array.from({ length: count - this.nameOrdered }, (_, i) => this.nameOrdered + i).sort(byName);
    const before = this.slotAtNamePosition.subarray(0, this.nameOrdered);
    const merged = new Uint32Array(Math.max(count, this.slotAtNamePosition.length));
    let i = 0;
    let j = 0;
    for (let k = 0; k < count; k++)
      merged[k] =
        j >= added.length || (i < before.length && byName(before[i]!, added[j]!) < 0) ? before[i++]! : added[j++]!;
    this.slotAtNamePosition = merged;
    this.namePosition = grown(this.namePosition, count);
    for (let k = 0; k < count; k++) this.namePosition[merged[k]!] = k;
    this.nameOrdered = count;
  }

  /** One value per slot from outside the records (e.g. the agreement's counts by name), NaN where there is none. */
  column(valueOf: (name: string) => number | undefined): Float64Array {
    const column = new Float64Array(this.count);
    for (let slot = 0; slot < this.count; slot++) column[slot] = valueOf(this.names[slot]!) ?? Number.NaN;
    return column;
  }

  /** The names of `slots`, in order. */
  namesOf(slots: readonly number[]): string[] {
    return slots.map((slot) => this.names[slot]!);
  }
}
