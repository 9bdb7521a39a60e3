import { NEGLIGIBLE_EFFECT_PER_PIXEL } from './adaptiveLoss';
import { cost } from './crossEntropy';
import type { GroupSink } from './fusedHard';
import type { HardCosts } from './hardCosts';
import { PureWindows } from './pureWindows';

/** An image's rows as segments of constant (label, prediction) ids (see rowSegments), read by every scale. */
export interface ImageSegments {
  /** Triples (end column, label id, predicted id); row y's start at rowOffset[y], rowCount[y] of them. */
  readonly segments: Int32Array;
  readonly rowOffset: Int32Array;
  readonly rowCount: Int32Array;
}

/** What a scale yields: Σ n·ℓ and Σ n·ℓ^m over its groups (pure groups included). */
export interface ScaleSums {
  readonly cost: number;
  readonly powered: number;
}

const PURE_PIXELS = 0;
const MIXED_COST = 1;
const MIXED_POWERED = 2;

/**
 * One scale k of the adaptive loss for a hard prediction with weighted pooling (Gaussian, or uniform as
 * weights of 1), one band of k rows at a time. A group is described by its pixels, misses, outside
 * predictions and two weight sums (of g and of g·P(p, y_p)); a group without misses or outside
 * predictions has q = 1-ε whatever its weights, so pure k×k windows (PureWindows) are counted as pixels
 * and never visited, and in the other windows only groups with an error take a log. The weight of a
 * pixel is min(row profile, column profile) (adaptiveLoss.ts gaussianProfile), summed along each
 * segment piece: at most k columns, only in windows that are not pure.
 * Kept from image to image for one (width, C, k): each band's flush zeroes the groups it visits.
 */
export class WeightedScale {
  private readonly pixels: Int32Array;
  private readonly misses: Int32Array;
  private readonly outside: Int32Array;
  private readonly weight: Float64Array;
  private readonly weighted: Float64Array;
  /** The current band's groups in order of first touch (row-major first pixel, as the general path's). */
  private readonly touched: Int32Array;
  private groups = 0;
  private readonly pure: PureWindows;
  /**
   * Pixels of pure groups (cost -log(1-ε) each), Σ n·ℓ and Σ n·ℓ^m over the other groups. In a
   * Float64Array: a number field that holds 0 first and a float later makes V8 deoptimise.
   */
  private readonly totals = new Float64Array(3);

  constructor(
    readonly width: number,
    readonly numClasses: number,
    readonly k: number,
  ) {
    const size = Math.ceil(width / k) * numClasses;
    this.pixels = new Int32Array(size);
    this.misses = new Int32Array(size);
    this.outside = new Int32Array(size);
    this.weight = new Float64Array(size);
    this.weighted = new Float64Array(size);
    this.touched = new Int32Array(Math.min(size, k * width));
    this.pure = new PureWindows(width, k);
  }

  /** Every band of the image; `rowWeight` and `columnWeight` are the profiles of this scale. */
  run(
    image: ImageSegments,
    height: number,
    profiles: { readonly row: Float64Array; readonly column: Float64Array },
    costs: HardCosts,
    sink: GroupSink | undefined,
  ): ScaleSums {
    this.totals.fill(0);
    for (let top = 0; top < height; top += this.k) {
      const end = Math.min(height, top + this.k);
      this.findPure(image, top, end, costs);
      for (let row = top; row < end; row++) this.row(image, row, profiles.row[row]!, profiles.column, costs);
      this.flush(top, costs, sink);
      sink?.bandDone(top);
    }
    const hitPowered = costs.minkowski === 1 ? costs.hitCost : costs.hitCost ** costs.minkowski;
    const totals = this.totals;
    return {
      cost: totals[PURE_PIXELS]! * costs.hitCost + totals[MIXED_COST]!,
      powered: totals[PURE_PIXELS]! * hitPowered + totals[MIXED_POWERED]!,
    };
  }

  /** The band's pure windows: their pixels counted, their columns left out of the mixed ranges. */
  private findPure(image: ImageSegments, top: number, end: number, costs: HardCosts): void {
    for (let row = top; row < end; row++) {
      const count = image.rowCount[row]!;
      this.pure.addRow(image.segments, image.rowOffset[row]!, count, row === top, costs.numClasses, costs.ignoreIndex);
    }
    this.totals[PURE_PIXELS]! += this.pure.mixedColumns() * (end - top);
  }

  /** One row's segments inside the mixed ranges, piece by piece. */
  private row(
    image: ImageSegments,
    row: number,
    rowWeight: number,
    columnWeight: Float64Array,
    costs: HardCosts,
  ): void {
    const { segments } = image;
    const offset = image.rowOffset[row]!;
    const count = image.rowCount[row]!;
    const { mixedRanges, mixedCount } = this.pure;
    let s = 0;
    for (let i = 0; i < mixedCount; i++) {
      const left = mixedRanges[2 * i]!;
      const right = mixedRanges[2 * i + 1]!;
      while (s < count && segments[offset + 3 * s]! <= left) s++;
      for (let from = left; from < right;) {
        const segmentTo = segments[offset + 3 * s]!;
        const to = segmentTo < right ? segmentTo : right;
        const y = segments[offset + 3 * s + 1]!;
        if (y < costs.numClasses && y !== costs.ignoreIndex) {
          this.piece(from, to, y, segments[offset + 3 * s + 2]!, rowWeight, columnWeight, costs);
        }
        if (segmentTo === to) s++;
        from = to;
      }
    }
  }

  /** Columns [from, to) of one row, valid label y and predicted id `guess` throughout, into their groups. */
  private piece(
    from: number,
    to: number,
    y: number,
    guess: number,
    rowWeight: number,
    columnWeight: Float64Array,
    costs: HardCosts,
  ): void {
    const { k, numClasses: C, pixels, touched } = this;
    const isMiss = guess !== y && guess < C;
    const isOutside = guess >= C;
    const probability = guess === y ? costs.hit : isMiss ? costs.miss : costs.outside;
    let key = Math.floor(from / k) * C + y;
    let windowEnd = from - (from % k) + k;
    for (let x = from; x < to; key += C, windowEnd += k) {
      const end = windowEnd < to ? windowEnd : to;
      let weight = 0;
      for (let j = x; j < end; j++) {
        const g = columnWeight[j]!;
        weight += rowWeight < g ? rowWeight : g;
      }
      const n = pixels[key]!;
      touched[this.groups] = key;
      this.groups += n === 0 ? 1 : 0;
      pixels[key] = n + end - x;
      if (isMiss) this.misses[key]! += end - x;
      else if (isOutside) this.outside[key]! += end - x;
      this.weight[key]! += weight;
      this.weighted[key]! += weight * probability;
      x = end;
    }
  }

  /** The costs of the band's groups, each with a merge effect handed to the sink; zeroes them. */
  private flush(bandTop: number, costs: HardCosts, sink: GroupSink | undefined): void {
    const { pixels, misses, outside, weight, weighted, touched, totals } = this;
    const m = costs.minkowski;
    let purePixels = 0;
    let mixedCost = 0;
    let mixedPowered = 0;
    // The last group mean and its costs: a band's erring groups often share one (all misses, say).
    let lastMean = Number.NaN;
    let lastCost = 0;
    let lastPowered = 0;
    for (let g = 0; g < this.groups; g++) {
      const key = touched[g]!;
      const n = pixels[key]!;
      const miss = misses[key]!;
      const out = outside[key]!;
      const mean = weighted[key]! / weight[key]!;
      pixels[key] = 0;
      weight[key] = 0;
      weighted[key] = 0;
      if (miss === 0 && out === 0) {
        purePixels += n;
        continue;
      }
      misses[key] = 0;
      outside[key] = 0;
      if (mean !== lastMean) {
        lastMean = mean;
        lastCost = cost(mean);
        lastPowered = m === 1 ? lastCost : lastCost ** m;
      }
      mixedCost += n * lastCost;
      mixedPowered += n * lastPowered;
      if (!sink) continue;
      const effect = (n - miss - out) * costs.hitCost + miss * costs.missCost + out * costs.outsideCost - n * lastCost;
      if (Math.abs(effect) > NEGLIGIBLE_EFFECT_PER_PIXEL * n) sink.group(bandTop, key, n, effect);
    }
    totals[PURE_PIXELS]! += purePixels;
    totals[MIXED_COST]! += mixedCost;
    totals[MIXED_POWERED]! += mixedPowered;
    this.groups = 0;
  }
}
