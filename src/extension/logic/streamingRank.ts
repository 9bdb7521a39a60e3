import type { RankingKey } from '../../core/report/ranking';
import type { RecordColumns } from './recordColumns';

/**
 * The order of the listed images while a run streams them in. The views ask for it about once a second
 * (the tree's refresh, the inspector's position, the gallery), and ranking every image each time held
 * the extension host's event loop for 70-230 ms at 30,000 images during a run (CPU profile of the scale
 * bench), longer with more. Here only the images added since the last ask are ranked, then merged into
 * the kept order (RecordColumns.mergeRank): the same order as ranking them all. Another key, class
 * filter or set of columns ranks afresh; a replaced image must be reported (forget).
 */
export class StreamingRanking {
  private kept:
    | {
        readonly columns: RecordColumns;
        readonly key: RankingKey;
        readonly classId: number | undefined;
        /** The slots 0..slots-1 were ranked (those with the class). */
        readonly slots: number;
        readonly order: readonly number[];
      }
    | undefined;

  /** The slots holding `classId` (every slot when undefined), hardest first by `key`, as RecordColumns.rank orders them. */
  order(columns: RecordColumns, key: RankingKey, classId: number | undefined): readonly number[] {
    const kept = this.kept;
    const size = columns.size;
    let order: readonly number[];
    if (kept !== undefined && kept.columns === columns && kept.key === key && kept.classId === classId) {
      if (kept.slots === size) return kept.order;
      const added = Array.from({ length: size - kept.slots }, (_, i) => kept.slots + i);
      order = columns.mergeRank(kept.order, columns.withClass(added, classId), key);
    } else order = columns.rank(columns.withClass(columns.slots(), classId), key);
    this.kept = { columns, key, classId, slots: size, order };
    return order;
  }

  /** An image was replaced (its values changed in place): the next order is ranked afresh. */
  forget(): void {
    this.kept = undefined;
  }
}
