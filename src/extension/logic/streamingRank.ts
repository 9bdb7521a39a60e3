import type { RankingKey } from '../../core/report/ranking';
import type { RecordColumns } from './recordColumns';

/** An order of the slots 0..slots-1 (those with the class, when filtered). */
interface KeptOrder {
  readonly slots: number;
  readonly order: readonly number[];
}

/**
 * The order of the listed images, kept between asks. The views ask for it about once a second while a
 * run streams in (the tree's refresh, the inspector's position, the gallery), and ranking every image
 * each time held the extension host's event loop for 70-230 ms at 30,000 images (CPU profile of the
 * scale bench), longer with more. So only the images added since the last ask are ranked, then merged
 * into the kept order (RecordColumns.mergeRank): the same order as ranking them all.
 *
 * Each key's order of every image is kept, not only the last one asked for: re-sorting by a key used
 * before, or changing the class filter, took 50-125 ms at 100,000 images when it ranked afresh (the
 * sort and filter responses of the scale bench), and a class filter keeps the order of what it keeps.
 * About 0.8 MB per key at 100,000 images. Another set of columns starts afresh; a replaced image must
 * be reported (forget).
 */
export class StreamingRanking {
  private columns: RecordColumns | undefined;
  private readonly everyImage = new Map<RankingKey, KeptOrder>();
  private filtered: (KeptOrder & { readonly key: RankingKey; readonly classId: number }) | undefined;

  /** The slots holding `classId` (every slot when undefined), hardest first by `key`, as RecordColumns.rank orders them. */
  order(columns: RecordColumns, key: RankingKey, classId: number | undefined): readonly number[] {
    if (columns !== this.columns) {
      this.forget();
      this.columns = columns;
    }
    const size = columns.size;
    if (classId === undefined) return this.everyImageBy(columns, key, size);
    const kept = this.filtered;
    let order: readonly number[];
    if (kept !== undefined && kept.key === key && kept.classId === classId) {
      if (kept.slots === size) return kept.order;
      order = columns.mergeRank(kept.order, columns.withClass(slotsFrom(kept.slots, size), classId), key);
    } else order = columns.withClass(this.everyImageBy(columns, key, size), classId);
    this.filtered = { key, classId, slots: size, order };
    return order;
  }

  private everyImageBy(columns: RecordColumns, key: RankingKey, size: number): readonly number[] {
    const kept = this.everyImage.get(key);
    if (kept !== undefined && kept.slots === size) return kept.order;
    const order =
      kept === undefined
        ? columns.rank(columns.slots(), key)
        : columns.mergeRank(kept.order, slotsFrom(kept.slots, size), key);
    this.everyImage.set(key, { slots: size, order });
    return order;
  }

  /** An image was replaced (its values changed in place): the next order is ranked afresh. */
  forget(): void {
    this.everyImage.clear();
    this.filtered = undefined;
  }
}

/** The slots from..to-1. */
function slotsFrom(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
