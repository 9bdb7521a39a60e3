/**
 * The pure K×K windows of one band of rows (all pixels one valid class, predicted right), found from
 * the rows' segments of constant (label, prediction) ids (idRuns.ts rowSegments): a window is pure
 * when in each of its rows one segment, label and prediction the same valid class, covers it. Each
 * row's covered windows are a few intervals (one per such segment), so the band's pure windows are the
 * intersection of its rows' intervals, class by class: work per segment, not per window.
 */
export class PureWindows {
  /** Windows in a row (the last one clipped to the width). */
  readonly windows: number;
  /**
   * The band's pure windows so far as intervals of window indices [from, to) of one class, in order:
   * `pure` holds `count` triples (from, to, class); `rowPure` and `merged` are the scratch of one row's
   * intervals and of their intersection.
   */
  pure: Int32Array;
  count = 0;
  private rowPure: Int32Array;
  private merged: Int32Array;
  /** The band's columns outside pure windows as ranges [from, to), after `mixedColumns`. */
  readonly mixedRanges: Int32Array;
  mixedCount = 0;

  constructor(
    private readonly width: number,
    /** The window side. */
    readonly K: number,
  ) {
    this.windows = Math.ceil(width / K);
    this.pure = new Int32Array(3 * this.windows);
    this.rowPure = new Int32Array(3 * this.windows);
    this.merged = new Int32Array(3 * this.windows);
    this.mixedRanges = new Int32Array(2 * this.windows);
  }

  /**
   * Narrows the band's pure windows by one row's `count` segments at `offset` (the band's first row
   * when `first`): class ids C and above and the ignore index never make a window pure.
   */
  addRow(segments: Int32Array, offset: number, count: number, first: boolean, C: number, ignoreIndex: number): void {
    if (first) this.count = this.coveredWindows(segments, offset, count, C, ignoreIndex, this.pure);
    else if (this.count > 0)
      this.intersectWith(this.coveredWindows(segments, offset, count, C, ignoreIndex, this.rowPure));
  }

  /** The intervals of windows that one row's pure segments cover whole, into `out`; returns how many. */
  private coveredWindows(
    segments: Int32Array,
    offset: number,
    count: number,
    C: number,
    ignoreIndex: number,
    out: Int32Array,
  ): number {
    const { width, K, windows } = this;
    let intervals = 0;
    for (let s = 0, from = 0; s < count; s++) {
      const to = segments[offset + 3 * s]!;
      const y = segments[offset + 3 * s + 1]!;
      if (y === segments[offset + 3 * s + 2] && y < C && y !== ignoreIndex) {
        // Windows inside [from, to); the last, narrower window when the segment reaches the edge.
        const firstWindow = Math.ceil(from / K);
        const last = to === width ? windows : Math.floor(to / K);
        if (firstWindow < last) {
          out[3 * intervals] = firstWindow;
          out[3 * intervals + 1] = last;
          out[3 * intervals + 2] = y;
          intervals++;
        }
      }
      from = to;
    }
    return intervals;
  }

  /** Keeps of the band's pure intervals the windows that the row's `rowCount` intervals give the same class. */
  private intersectWith(rowCount: number): void {
    const { pure, rowPure, merged } = this;
    let kept = 0;
    for (let i = 0, j = 0; i < this.count && j < rowCount;) {
      const from = Math.max(pure[3 * i]!, rowPure[3 * j]!);
      const aTo = pure[3 * i + 1]!;
      const bTo = rowPure[3 * j + 1]!;
      const to = aTo < bTo ? aTo : bTo;
      if (from < to && pure[3 * i + 2] === rowPure[3 * j + 2]) {
        merged[3 * kept] = from;
        merged[3 * kept + 1] = to;
        merged[3 * kept + 2] = pure[3 * i + 2]!;
        kept++;
      }
      if (aTo === to) i++;
      if (bTo === to) j++;
    }
    this.pure = merged;
    this.merged = pure;
    this.count = kept;
  }

  /** The columns between the pure windows into `mixedRanges`; returns the pure columns. */
  mixedColumns(): number {
    const { width, K, pure, mixedRanges } = this;
    let columns = 0;
    let mixed = 0;
    let left = 0;
    for (let i = 0; i < this.count; i++) {
      const from = pure[3 * i]! * K;
      const to = Math.min(width, pure[3 * i + 1]! * K);
      columns += to - from;
      if (from > left) {
        mixedRanges[2 * mixed] = left;
        mixedRanges[2 * mixed + 1] = from;
        mixed++;
      }
      left = to;
    }
    if (left < width) {
      mixedRanges[2 * mixed] = left;
      mixedRanges[2 * mixed + 1] = width;
      mixed++;
    }
    this.mixedCount = mixed;
    return columns;
  }
}
