/**
 * A sum of floating-point numbers rounded once, at the end: the partial sums are kept exactly as a short
 * list of non-overlapping doubles (Shewchuk's algorithm, as Python's `math.fsum`), so the result is the
 * exact sum correctly rounded, whatever order the values arrive in. The dataset means use it: shards,
 * worker completion order and a streamed run all give the same bits, without keeping every value.
 * Memory: a few doubles (at most ~40 for any finite inputs), not one per value.
 */
/** An ExactSum as plain data. */
export interface ExactSumState {
  readonly partials: readonly number[];
  readonly count: number;
}

export class ExactSum {
  private readonly partials: number[] = [];
  private count = 0;

  add(value: number): void {
    let x = value;
    const partials = this.partials;
    let kept = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) partials[kept++] = low;
      x = high;
    }
    partials.length = kept;
    partials.push(x);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The sum so far as plain data (its exact partials and how many values), e.g. to send it to another thread. */
  state(): ExactSumState {
    return { partials: [...this.partials], count: this.count };
  }

  /** Adds another sum's values (from `state`): exact, so sums of parts add up to the sum of the whole. */
  addState(state: ExactSumState): void {
    // The partials are exact pieces of the other sum, so adding them adds its exact value.
    const count = this.count;
    for (const partial of state.partials) this.add(partial);
    this.count = count + state.count;
  }

  /** The exact sum rounded to the nearest double (ties to even), as CPython's fsum rounds it. */
  value(): number {
    const partials = this.partials;
    let n = partials.length;
    if (n === 0) return 0;
    let high = partials[--n]!;
    let low = 0;
    while (n > 0) {
      const x = high;
      const y = partials[--n]!;
      high = x + y;
      low = y - (high - x);
      if (low !== 0) break;
    }
    // Half-way cases: the partials below decide the direction of the rounding of high + low.
    if (n > 0 && ((low < 0 && partials[n - 1]! < 0) || (low > 0 && partials[n - 1]! > 0))) {
      const y = low * 2;
      const x = high + y;
      if (y === x - high) high = x;
    }
    return high;
  }

  /** The mean of the values added, or null when none was. */
  mean(): number | null {
    return this.count > 0 ? this.value() / this.count : null;
  }
}
