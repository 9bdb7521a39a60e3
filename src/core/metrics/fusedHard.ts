import { effectiveScaleWeights, lossVariant, type MetricOptions } from '../options';
import type { ClassMap, ConfusionMatrix } from '../types';
import { NEGLIGIBLE_EFFECT_PER_PIXEL, type AdaptiveLossResult, type GroupEffectSink } from './adaptiveLoss';
import { emptyConfusion } from './confusion';
import { cost } from './crossEntropy';
import { crossEntropyOf, hardCosts, type HardCosts } from './hardCosts';
import { mapRuns, rowSegments, type MapRuns } from './idRuns';
import { PureWindows } from './pureWindows';

/**
 * The fused kernel for hard predictions: CE, the confusion matrix and every scale of the adaptive loss
 * from one pass over the two id maps, with no per-pixel float map.
 *
 * A hard prediction gives P(p, y_p) one of three values (hit 1-ε, miss ε/(C-1), outside 1/C), so a
 * (window, class) group is fully described by three counts: its pixels, its misses and its
 * predictions outside 0..C-1. The pass counts them for the smallest scale's windows, one band of rows
 * at a time, and adds to the confusion matrix (whose diagonal, unknown column and the rest give CE's
 * hits, outside predictions and misses). When scales are nested (each divides the next: 2, 4, 8), a
 * k-window's groups are the unions of the groups of the smaller scale's windows inside it, so each
 * larger scale is built from the smaller scale's groups as their bands are finished: work per group,
 * not per pixel. Only the group cost -log(mean) is float work, and the costs of pure groups (all
 * hits) are one number.
 *
 * Same definitions as the general path (pixelTerms + adaptiveLoss + confusionOf), summed in another
 * order: results agree to rounding (test/core/metrics/fusedHard.test.ts checks 1e-12).
 */

/** Ids outside 0..C-1 in a map (other than the ignore index, in labels): legal, but usually a wrong class count. */
export interface IdRange {
  readonly count: number;
  readonly largest: number;
}

/** The metrics the fused pass yields, in the general path's types. */
export interface FusedHardResult {
  readonly validPixels: number;
  readonly ce: number;
  readonly adaptive: AdaptiveLossResult;
  readonly confusion: ConfusionMatrix;
  /**
   * Found in the same pass: label ids >= C other than the ignore index, and prediction ids >= C on valid
   * label pixels (the misses of `confusion.unknown`; a prediction on a void pixel is never one).
   */
  readonly outOfRange: { readonly label: IdRange; readonly prediction: IdRange };
}

/** Scales in increasing order when each divides the next (2, 4, 8; 1, 3, 6; a single scale), else undefined. */
export function nestedScales(scales: readonly number[]): number[] | undefined {
  const sorted = [...scales].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]! % sorted[i - 1]! !== 0) return undefined;
  return sorted;
}

/**
 * When this kernel computes exactly what the spec says: a hard prediction (the caller's check),
 * nested scales, and the v1 loss: uniform pooling and Minkowski exponent 1. Gaussian pooling weighs
 * pixels, so a group is no longer three counts, and m ≠ 1 needs every group's cost to the power m:
 * any v2 setting, and scales that are not nested, take fusedHardWeighted.ts instead.
 */
export function fusedHardApplies(options: MetricOptions): boolean {
  const { pooling, minkowski } = lossVariant(options);
  return pooling === 'uniform' && minkowski === 1 && nestedScales(options.scales) !== undefined;
}

/** Counts kept per group: pixels, misses (predicted another class), outside (predicted id >= C). */
const SLOTS = 3;

/** One scale's running state: counts of the current band's groups, by slot = (window column * C + class) * 3. */
class Scale {
  /** The current band's groups so far. */
  groups = 0;
  /**
   * Pixels of pure groups (all hits), whose cost is -log(1-ε), summed as a count and multiplied once;
   * and Σ n·ℓ over the other groups. In a Float64Array: a number field that holds 0 first and a
   * float later makes V8 deoptimise and recompile every function compiled against it.
   */
  readonly totals = new Float64Array(2);
  /** Where the groups with a merge effect go, this image. */
  sink: GroupSink | undefined = undefined;
  /** ℓ of a group with no outside predictions, by n · (k² + 1) + misses; NaN until first needed. */
  missCosts: Float64Array = NO_COSTS;

  constructor(
    readonly k: number,
    readonly counts: Int32Array,
    /** Slot of pixel column x's window, class 0: floor(x / k) * C * 3. */
    readonly columnSlot: Int32Array,
    /** What to add to a slot of column x to get its group's slot at the next scale (empty at the largest). */
    readonly toNext: Int32Array,
    /**
     * The current band's groups in order of first touch, so a flush visits only those: their slot, and
     * a column x inside the group's window, from which the larger scales' slots follow without a division.
     */
    readonly touchedX: Int32Array,
    readonly touchedSlot: Int32Array,
  ) {}

  /** Ready for an image; the counts are all 0 already (each flush zeroes the groups it visits). */
  start(sink: GroupSink | undefined, missCosts: Float64Array): void {
    this.groups = 0;
    this.totals.fill(0);
    this.sink = sink;
    this.missCosts = missCosts;
  }
}

const PURE_PIXELS = 0;
const MIXED_COST = 1;
const NO_COSTS = new Float64Array(0);

/**
 * missCosts tables by (k, hit and miss probabilities), kept from image to image: a group's cost takes
 * a log, and the groups of a scale have only (k² + 1)² kinds without outside predictions.
 */
const missCostTables = new Map<string, Float64Array>();

function missCostTable(k: number, costs: HardCosts): Float64Array {
  const key = `${k} ${costs.hit} ${costs.miss}`;
  let table = missCostTables.get(key);
  if (!table) {
    if (missCostTables.size >= 16) missCostTables.clear();
    table = new Float64Array((k * k + 1) * (k * k + 1)).fill(Number.NaN);
    missCostTables.set(key, table);
  }
  return table;
}

/**
 * What each scale hands its groups to (the hot spots' collectors): adaptiveLoss's GroupEffectSink, of
 * which the kernel makes only the calls. Every group whose merge effect n·(mean c(p) − ℓ(w,c)) is above
 * NEGLIGIBLE_EFFECT_PER_PIXEL per pixel, band by band from the top (`key` = floor(x / k)·C + c within
 * the band starting at row `bandTop`); `bandDone` follows each band. Pure groups have no effect and
 * are never handed over.
 */
export type GroupSink = Pick<GroupEffectSink, 'group' | 'bandDone'>;

/**
 * What an image's pass needs that depends only on its width, the class count and the scales: every
 * scale's tables and buffers and the base pass. Kept from image to image, as building them (a dozen
 * typed arrays, 100 kB zeroed for a VOC-sized image) cost a tenth of the pass.
 */
class Workspace {
  readonly scales: Scale[];
  readonly pass: BasePass;

  constructor(
    readonly width: number,
    readonly numClasses: number,
    readonly sorted: readonly number[],
  ) {
    const sizes = sorted.map((k) => Math.ceil(width / k) * numClasses * SLOTS);
    const counts = new Int32Array(sizes.reduce((a, b) => a + b, 0));
    const columnSlots = sorted.map((k) => {
      const columnSlot = new Int32Array(width);
      for (let x = 0; x < width; x++) columnSlot[x] = Math.floor(x / k) * numClasses * SLOTS;
      return columnSlot;
    });
    let at = 0;
    this.scales = sorted.map((k, i) => {
      const columnSlot = columnSlots[i]!;
      const nextSlot = columnSlots[i + 1];
      const toNext = new Int32Array(nextSlot ? width : 0);
      if (nextSlot) for (let x = 0; x < width; x++) toNext[x] = nextSlot[x]! - columnSlot[x]!;
      // A band's groups are distinct (window, class) pairs, no more than its pixels.
      const capacity = Math.min(sizes[i]! / SLOTS, k * width);
      const scale = new Scale(
        k,
        counts.subarray(at, at + sizes[i]!),
        columnSlot,
        toNext,
        new Int32Array(capacity),
        new Int32Array(capacity),
      );
      at += sizes[i]!;
      return scale;
    });
    this.pass = new BasePass(width, numClasses, this.scales);
  }

  fits(width: number, numClasses: number, sorted: readonly number[]): boolean {
    return (
      width === this.width &&
      numClasses === this.numClasses &&
      sorted.length === this.sorted.length &&
      sorted.every((k, i) => k === this.sorted[i])
    );
  }
}

/**
 * The workspace of the last image (one engine per thread, one image at a time). Taken while a pass
 * runs: a pass that throws never gives it back, so no later image meets its half-counted groups.
 */
let kept: Workspace | undefined;

function takeWorkspace(width: number, numClasses: number, sorted: readonly number[]): Workspace {
  const workspace = kept?.fits(width, numClasses, sorted) ? kept : new Workspace(width, numClasses, sorted);
  kept = undefined;
  return workspace;
}

/**
 * Finishes the current band of scale `index`: hands its groups to the next scale, adds their costs,
 * zeroes its counts; then finishes the next scale's band too when this one ends it.
 */
function flushBand(scales: readonly Scale[], index: number, bandEnd: number, height: number, costs: HardCosts): void {
  const scale = scales[index]!;
  const next = scales[index + 1];
  if (next) handOver(scale, next);
  const bandTop = Math.floor((bandEnd - 1) / scale.k) * scale.k;
  addGroupCosts(scale, bandTop, costs);
  scale.groups = 0;
  scale.sink?.bandDone(bandTop);
  if (next && (bandEnd % next.k === 0 || bandEnd === height)) flushBand(scales, index + 1, bandEnd, height, costs);
}

/** Adds the counts of the band's groups to their groups at the next scale (which may touch them first). */
function handOver(scale: Scale, next: Scale): void {
  const { counts, touchedX, touchedSlot, toNext } = scale;
  const { counts: nextCounts, touchedX: nextX, touchedSlot: nextSlot } = next;
  let nextGroups = next.groups;
  for (let g = 0; g < scale.groups; g++) {
    const x = touchedX[g]!;
    const slot = touchedSlot[g]!;
    const target = slot + toNext[x]!;
    const count = nextCounts[target]!;
    nextX[nextGroups] = x;
    nextSlot[nextGroups] = target;
    nextGroups += count === 0 ? 1 : 0;
    nextCounts[target] = count + counts[slot]!;
    nextCounts[target + 1]! += counts[slot + 1]!;
    nextCounts[target + 2]! += counts[slot + 2]!;
  }
  next.groups = nextGroups;
}

/**
 * The costs of the band's groups (pure ones as a pixel count), each group with a merge effect handed
 * to the sink; zeroes their counts.
 */
function addGroupCosts(scale: Scale, bandTop: number, costs: HardCosts): void {
  const { counts, touchedSlot, sink, missCosts } = scale;
  const kinds = scale.k * scale.k + 1;
  let purePixels = 0;
  let mixedCost = 0;
  for (let g = 0; g < scale.groups; g++) {
    const slot = touchedSlot[g]!;
    const n = counts[slot]!;
    const misses = counts[slot + 1]!;
    const outside = counts[slot + 2]!;
    counts[slot] = 0;
    if (misses === 0 && outside === 0) {
      purePixels += n;
      continue;
    }
    counts[slot + 1] = 0;
    counts[slot + 2] = 0;
    const hits = n - misses - outside;
    let groupCost: number;
    if (outside === 0) {
      const at = n * kinds + misses;
      groupCost = missCosts[at]!;
      if (groupCost !== groupCost) groupCost = missCosts[at] = cost((hits * costs.hit + misses * costs.miss) / n);
    } else {
      groupCost = cost((hits * costs.hit + misses * costs.miss + outside * costs.outside) / n);
    }
    mixedCost += n * groupCost;
    if (sink) {
      const effect = hits * costs.hitCost + misses * costs.missCost + outside * costs.outsideCost - n * groupCost;
      if (Math.abs(effect) > NEGLIGIBLE_EFFECT_PER_PIXEL * n) sink.group(bandTop, slot / SLOTS, n, effect);
    }
  }
  scale.totals[PURE_PIXELS]! += purePixels;
  scale.totals[MIXED_COST]! += mixedCost;
}

/** Running counts of out-of-range ids (see FusedHardResult.outOfRange). */
export class RangeCounter {
  count = 0;
  largest = 0;
  /** `pixels` pixels of id `id`. */
  add(id: number, pixels: number): void {
    this.count += pixels;
    if (id > this.largest) this.largest = id;
  }
}

/**
 * Side of the windows checked whole for purity: a multiple of the largest scale (so of every scale),
 * at least 8 when that is a multiple (2 -> 8, 3 -> 6): a pure window of it is pure at every scale.
 */
function checkedWindow(largestScale: number): number {
  return largestScale * Math.max(1, Math.floor(8 / largestScale));
}

/**
 * The pass over the smallest scale, one band at a time: group counts (pixels, misses, outside) and
 * the confusion matrix, a segment at a time (a segment adds to one cell). It reads the two maps'
 * runs, not their pixels: along a row, a segment where neither map changes id adds to each window it
 * crosses once. A pure K×K window (all its pixels one valid class,
 * predicted right; K a multiple of the largest scale, see checkedWindow) holds only pure groups at
 * every scale: it is added to every scale's pure pixels and the diagonal at once, and the band pass
 * skips its columns.
 */
class BasePass {
  private ignoreIndex = 0;
  private readonly counts: Int32Array;
  private readonly columnSlot: Int32Array;
  private readonly touchedX: Int32Array;
  private readonly touchedSlot: Int32Array;
  private matrix: Float64Array = NO_COSTS;
  private unknown: Float64Array = NO_COSTS;
  private runs: MapRuns | undefined;
  private readonly base: Scale;
  /** K (checkedWindow). */
  private readonly checked: number;
  /** The current K-band's pure windows and the columns between them (the ranges the band pass visits). */
  private readonly pureWindows: PureWindows;
  /**
   * The current K-band's rows as segments of constant (label, prediction) ids (rowSegments), 3 × width
   * values a row, found once by largeBand and read again by the band pass: where each row's segments
   * start (a row that repeats the one above in both maps shares its segments) and how many it has.
   */
  private readonly segments: Int32Array;
  private readonly rowOffset: Int32Array;
  private readonly segmentCounts: Int32Array;
  private bandTop = 0;
  labelRange = new RangeCounter();
  predictionRange = new RangeCounter();
  /** Pixels with a label in 0..C-1 other than the ignore index, counted as they reach the matrix. */
  validPixels = 0;

  constructor(
    private readonly width: number,
    private readonly C: number,
    private readonly scales: readonly Scale[],
  ) {
    this.base = scales[0]!;
    this.counts = this.base.counts;
    this.columnSlot = this.base.columnSlot;
    this.touchedX = this.base.touchedX;
    this.touchedSlot = this.base.touchedSlot;
    this.checked = checkedWindow(scales[scales.length - 1]!.k);
    this.pureWindows = new PureWindows(width, this.checked);
    this.segments = new Int32Array(this.checked * 3 * width);
    this.rowOffset = new Int32Array(this.checked);
    this.segmentCounts = new Int32Array(this.checked);
  }

  /** Ready for an image: its ignore index, the matrix to count into and its maps' runs. */
  start(ignoreIndex: number, confusion: ConfusionMatrix, runs: MapRuns): void {
    this.ignoreIndex = ignoreIndex;
    this.matrix = confusion.counts;
    this.unknown = confusion.unknown;
    this.runs = runs;
    this.labelRange = new RangeCounter();
    this.predictionRange = new RangeCounter();
    this.validPixels = 0;
  }

  /**
   * Finds the pure K×K windows in rows [top, end) and adds them to every scale (see the class
   * comment). Called once per band of K rows, before the smallest scale's bands in it.
   */
  largeBand(top: number, end: number): void {
    const { width, segments, rowOffset, segmentCounts } = this;
    const { label, predicted } = this.runs!;
    // PureWindows intersects the rows' intervals of covered windows; a row equal to the one above in
    // both maps has its segments and intervals, so it changes nothing.
    this.bandTop = top;
    for (let row = top; row < end; row++) {
      const at = row - top;
      if (at > 0 && label.repeatsAbove[row] === 1 && predicted.repeatsAbove[row] === 1) {
        rowOffset[at] = rowOffset[at - 1]!;
        segmentCounts[at] = segmentCounts[at - 1]!;
        continue;
      }
      const offset = at * 3 * width;
      const count = rowSegments(label, row, predicted, row, segments, offset);
      rowOffset[at] = offset;
      segmentCounts[at] = count;
      this.pureWindows.addRow(segments, offset, count, at === 0, this.C, this.ignoreIndex);
    }
    this.addPureWindows(end - top);
  }

  /** Adds the band's pure windows (`rows` high) to the diagonal and every scale. */
  private addPureWindows(rows: number): void {
    const { width, C, checked: K, matrix, pureWindows } = this;
    const { pure, count } = pureWindows;
    for (let i = 0; i < count; i++) {
      const y = pure[3 * i + 2]!;
      matrix[y * C + y]! += (Math.min(width, pure[3 * i + 1]! * K) - pure[3 * i]! * K) * rows;
    }
    const pixels = pureWindows.mixedColumns() * rows;
    this.validPixels += pixels;
    for (const scale of this.scales) scale.totals[PURE_PIXELS]! += pixels;
  }

  /** Rows [top, end) of the smallest scale, outside the pure K×K windows, segment by segment. */
  band(top: number, end: number): void {
    const { segments } = this;
    const { mixedRanges, mixedCount } = this.pureWindows;
    for (let row = top; row < end; row++) {
      const offset = this.rowOffset[row - this.bandTop]!;
      const count = this.segmentCounts[row - this.bandTop]!;
      // The segment s ends at segments[offset + 3s]; it walks right with the mixed ranges.
      let s = 0;
      for (let i = 0; i < mixedCount; i++) {
        const left = mixedRanges[2 * i]!;
        const right = mixedRanges[2 * i + 1]!;
        while (s < count && segments[offset + 3 * s]! <= left) s++;
        for (let from = left; from < right;) {
          const segmentTo = segments[offset + 3 * s]!;
          const to = segmentTo < right ? segmentTo : right;
          this.segment(from, to, segments[offset + 3 * s + 1]!, segments[offset + 3 * s + 2]!);
          if (segmentTo === to) s++;
          from = to;
        }
      }
    }
  }

  /** Columns [from, to) of one row, label id y and predicted id `guess` throughout, into their groups. */
  private segment(from: number, to: number, y: number, guess: number): void {
    const { C, ignoreIndex } = this;
    const pixels = to - from;
    if (y >= C || y === ignoreIndex) {
      // A void pixel's prediction is never scored: whatever id it has is no miss.
      if (y !== ignoreIndex) this.labelRange.add(y, pixels);
      return;
    }
    this.validPixels += pixels;
    // Which count besides the pixels' the segment adds to: 0 none (hits), 1 misses, 2 outside.
    let slotOffset = 0;
    if (guess === y) {
      this.matrix[y * C + y]! += pixels;
    } else {
      if (guess < C) {
        this.matrix[y * C + guess]! += pixels;
        slotOffset = 1;
      } else {
        this.unknown[y]! += pixels;
        this.predictionRange.add(guess, pixels);
        slotOffset = 2;
      }
    }
    const { counts, touchedX, touchedSlot, base } = this;
    const k = base.k;
    // Window by window from `from`: the next window's slot is C groups on, its end k columns on.
    let slot = this.columnSlot[from]! + y * SLOTS;
    let windowEnd = from - (from % k) + k;
    let groups = base.groups;
    for (let x = from; x < to; slot += C * SLOTS, windowEnd += k) {
      const end = windowEnd < to ? windowEnd : to;
      const count = counts[slot]!;
      touchedX[groups] = x;
      touchedSlot[groups] = slot;
      groups += count === 0 ? 1 : 0;
      counts[slot] = count + end - x;
      if (slotOffset !== 0) counts[slot + slotOffset]! += end - x;
      x = end;
    }
    base.groups = groups;
  }
}

/**
 * CE, every L_k and the confusion matrix of a hard prediction in one pass (see the top of this file).
 * The caller has checked the sizes and fusedHardApplies(options). With `sinkFor`, each scale also hands
 * its groups with a merge effect to the sink made for it (see GroupSink), in the same pass.
 */
export function fusedHardMetrics(
  label: ClassMap,
  prediction: ClassMap,
  options: MetricOptions,
  sinkFor?: (k: number) => GroupSink,
  runs: MapRuns = mapRuns(label.ids, prediction.ids, label.width, label.height),
): FusedHardResult {
  const { width, height } = label;
  const { numClasses: C } = options;
  const sorted = nestedScales(options.scales);
  if (!sorted) throw new RangeError(`scales ${options.scales.join(',')} are not nested: use the general path`);
  const costs = hardCosts(options);
  const confusion = emptyConfusion(C);
  const workspace = takeWorkspace(width, C, sorted);
  const { scales, pass } = workspace;
  for (const scale of scales) scale.start(sinkFor?.(scale.k), missCostTable(scale.k, costs));
  pass.start(options.ignoreIndex, confusion, runs);
  const base = scales[0]!;
  const checked = checkedWindow(scales[scales.length - 1]!.k);
  for (let largeTop = 0; largeTop < height; largeTop += checked) {
    const largeEnd = Math.min(height, largeTop + checked);
    pass.largeBand(largeTop, largeEnd);
    for (let bandTop = largeTop; bandTop < largeEnd; bandTop += base.k) {
      const bandEnd = Math.min(height, bandTop + base.k);
      pass.band(bandTop, bandEnd);
      flushBand(scales, 0, bandEnd, height, costs);
    }
  }
  kept = workspace;
  // Counted in the pass: summing the matrix instead costs C² additions an image (22,500 at 150 classes).
  const validPixels = pass.validPixels;
  return {
    validPixels,
    ce: crossEntropyOf(confusion, validPixels, costs),
    adaptive: lossOf(scales, options, validPixels, costs),
    confusion,
    outOfRange: {
      label: { count: pass.labelRange.count, largest: pass.labelRange.largest },
      prediction: { count: pass.predictionRange.count, largest: pass.predictionRange.largest },
    },
  };
}

function lossOf(
  scales: readonly Scale[],
  options: MetricOptions,
  validPixels: number,
  costs: HardCosts,
): AdaptiveLossResult {
  const byK = new Map(
    scales.map((s) => [
      s.k,
      validPixels > 0 ? (s.totals[PURE_PIXELS]! * costs.hitCost + s.totals[MIXED_COST]!) / validPixels : Number.NaN,
    ]),
  );
  const perScale = options.scales.map((k) => byK.get(k)!);
  const weights = effectiveScaleWeights(options);
  // With m = 1 (the only exponent this kernel takes), L_k is the pixel-weighted mean of group costs.
  return { perScale, adaptive: perScale.reduce((acc, l, i) => acc + weights[i]! * l, 0), meanGroupCost: perScale };
}
