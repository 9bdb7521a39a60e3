import type { MetricOptions } from '../options';
import type { HotSpot, HotSpotRegion, PixelTerms } from '../types';
import { cellGrid } from './hotSpotCells';
import { adaptiveLoss, type AdaptiveLossResult, type GroupEffectSink } from './adaptiveLoss';

/** How many hot spots an image keeps, largest |effect| first. */
export const HOT_SPOT_LIMIT = 12;

/** A typed array twice as long, its first `length` values kept. */
function grown<T extends Int32Array | Float64Array>(array: T, make: (length: number) => T): T {
  const larger = make(array.length * 2);
  larger.set(array);
  return larger;
}

/**
 * The groups of one scale, one slot per group in typed arrays that double as they fill: a soft
 * prediction hands over nearly every group (tens of thousands per VOC-sized image at k = 2), and
 * per-group pushes onto number arrays and per-region objects cost as much as the loss pass itself.
 * `parent` is a union-find forest in which a set's root is its smallest id (union makes the smaller
 * root the parent), so a region is met first at its root when ids are visited in ascending order.
 * Kept from image to image (see spareGroups): add() writes every field of a new id, so old values
 * past `count` are never read.
 */
class Groups {
  count = 0;
  classId: Int32Array = new Int32Array(256);
  effect: Float64Array = new Float64Array(256);
  pixels: Int32Array = new Int32Array(256);
  /** Left column and top row of the group's window; its clipped box follows from k and the image size. */
  left: Int32Array = new Int32Array(256);
  top: Int32Array = new Int32Array(256);
  parent: Int32Array = new Int32Array(256);

  add(classId: number, effect: number, pixels: number, left: number, top: number): number {
    const id = this.count++;
    if (id === this.parent.length) {
      const int = (n: number): Int32Array => new Int32Array(n);
      this.classId = grown(this.classId, int);
      this.effect = grown(this.effect, (n) => new Float64Array(n));
      this.pixels = grown(this.pixels, int);
      this.left = grown(this.left, int);
      this.top = grown(this.top, int);
      this.parent = grown(this.parent, int);
    }
    this.classId[id] = classId;
    this.effect[id] = effect;
    this.pixels[id] = pixels;
    this.left[id] = left;
    this.top[id] = top;
    this.parent[id] = id;
    return id;
  }

  find(i: number): number {
    const parent = this.parent;
    while (parent[i]! !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Tables sized (columns of windows) x C, kept from image to image: at 150 classes, allocating and
 * filling two per scale for every image cost more than the groups they hold. A table at least as long
 * as asked serves (keys past the asked length are never used); at most KEPT_TABLES are kept, the
 * largest, so images of many widths cannot pile tables up. New tables are filled with `initial`, and
 * whoever gives one back restores that (slot tables: all -1) or needs no initial content (touch lists).
 */
class TablePool {
  private readonly free: Int32Array[] = [];

  constructor(private readonly initial: number) {}

  take(length: number): Int32Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.length;
      if (size >= length && (best < 0 || size < this.free[best]!.length)) best = i;
    }
    if (best < 0) return new Int32Array(length).fill(this.initial);
    return this.free.splice(best, 1)[0]!;
  }

  give(table: Int32Array): void {
    this.free.push(table);
    if (this.free.length > KEPT_TABLES) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
      this.free.splice(smallest, 1);
    }
  }
}

/** Two tables for each of three scales, and as many again for a second image in flight. */
const KEPT_TABLES = 12;

/** Window column x class -> group id, all -1 when in the pool. */
const slotTables = new TablePool(-1);
/** Lists of the keys a band set; any content. */
const touchLists = new TablePool(0);
const RELEASED = new Int32Array(0);

/**
 * Groups of released collectors, for the next image's: six typed arrays a scale, which otherwise
 * grow from 256 slots again on every image. At most KEPT_GROUPS are kept.
 */
const spareGroups: Groups[] = [];
const KEPT_GROUPS = 6;

/** What a released collector holds instead of its groups (never added to: see release). */
const RELEASED_GROUPS = new Groups();

function takeGroups(): Groups {
  const groups = spareGroups.pop() ?? new Groups();
  groups.count = 0;
  return groups;
}

/**
 * Collects the groups of one scale as the loss pass hands them over, band by band, and joins 4-adjacent
 * groups of the same class and sign: with the group to the left in the same band, and with the group
 * of the same window column in the band above.
 */
export class ScaleHotSpots implements GroupEffectSink {
  groups = takeGroups();
  private above: Int32Array;
  private current: Int32Array;
  /** The keys set in `current` and in `above`, the first `touchedCount` and `touchedAboveCount`. */
  private touched: Int32Array;
  private touchedAbove: Int32Array;
  private touchedCount = 0;
  private touchedAboveCount = 0;

  constructor(
    readonly pixelCost: Float64Array,
    readonly k: number,
    private readonly numClasses: number,
    readonly width: number,
    readonly height: number,
  ) {
    const slots = Math.ceil(width / k) * numClasses;
    this.above = slotTables.take(slots);
    this.current = slotTables.take(slots);
    // A band sets each key at most once.
    this.touched = touchLists.take(slots);
    this.touchedAbove = touchLists.take(slots);
  }

  /**
   * Hands the band tables and the groups back for the next image's collectors, once the hot spots
   * are ranked. Only the entries of the last two bands can be set: they are reset, so the tables go
   * back all -1. Optional: a collector never released costs only its arrays.
   */
  release(): void {
    for (let i = 0; i < this.touchedCount; i++) this.current[this.touched[i]!] = -1;
    for (let i = 0; i < this.touchedAboveCount; i++) this.above[this.touchedAbove[i]!] = -1;
    this.touchedCount = 0;
    this.touchedAboveCount = 0;
    slotTables.give(this.above);
    slotTables.give(this.current);
    touchLists.give(this.touched);
    touchLists.give(this.touchedAbove);
    if (spareGroups.length < KEPT_GROUPS) spareGroups.push(this.groups);
    // A released collector must not take groups: its arrays now belong to another.
    this.above = RELEASED;
    this.current = RELEASED;
    this.touched = RELEASED;
    this.touchedAbove = RELEASED;
    this.groups = RELEASED_GROUPS;
  }

  group(bandTop: number, key: number, n: number, effect: number): void {
    const C = this.numClasses;
    const column = Math.floor(key / C);
    this.current[key] = this.groups.add(key - column * C, effect, n, column * this.k, bandTop);
    this.touched[this.touchedCount++] = key;
  }

  bandDone(): void {
    const { groups, numClasses: C, current, above, touched, touchedAbove } = this;
    const effect = groups.effect;
    for (let i = 0; i < this.touchedCount; i++) {
      const key = touched[i]!;
      const id = current[key]!;
      const sign = Math.sign(effect[id]!);
      const left = key >= C ? current[key - C]! : -1;
      if (left >= 0 && Math.sign(effect[left]!) === sign) groups.union(id, left);
      const up = above[key]!;
      if (up >= 0 && Math.sign(effect[up]!) === sign) groups.union(id, up);
    }
    // The band just done becomes the one above; the old one's entries are cleared for reuse.
    for (let i = 0; i < this.touchedAboveCount; i++) above[touchedAbove[i]!] = -1;
    this.above = current;
    this.current = above;
    this.touchedAbove = touched;
    this.touched = touchedAbove;
    this.touchedAboveCount = this.touchedCount;
    this.touchedCount = 0;
  }
}

/**
 * The `limit` largest regions of one scale, in compareHotSpots' order (the image's hot spots are among
 * its scales' largest, so only those become objects: an image can have thousands of regions). Each
 * region's figures accumulate at its root's slot, members in ascending id order, so every sum is taken
 * in a fixed order.
 */
function regionsOf(collector: ScaleHotSpots, scale: number, share: number, limit: number): RankedRegion[] {
  const { groups, k, width, height } = collector;
  const count = groups.count;
  const { effect, pixels, windows, x0, y0, x1, y1 } = regionSums.take(count);
  // A root's figures are set when it is met (before its members); only `windows` marks roots, by > 0.
  windows.fill(0, 0, count);
  for (let id = 0; id < count; id++) {
    const root = groups.find(id);
    const left = groups.left[id]!;
    const top = groups.top[id]!;
    const right = Math.min(width, left + k) - 1;
    const bottom = Math.min(height, top + k) - 1;
    if (root === id) {
      effect[id] = groups.effect[id]!;
      pixels[id] = groups.pixels[id]!;
      windows[id] = 1;
      [x0[id], y0[id], x1[id], y1[id]] = [left, top, right, bottom];
      continue;
    }
    effect[root]! += groups.effect[id]!;
    pixels[root]! += groups.pixels[id]!;
    windows[root]!++;
    if (left < x0[root]!) x0[root] = left;
    if (top < y0[root]!) y0[root] = top;
    if (right > x1[root]!) x1[root] = right;
    if (bottom > y1[root]!) y1[root] = bottom;
  }
  // compareHotSpots within one scale, on the slots.
  const before = (a: number, b: number): boolean =>
    (Math.abs(effect[b]!) - Math.abs(effect[a]!) ||
      y0[a]! - y0[b]! ||
      x0[a]! - x0[b]! ||
      groups.classId[a]! - groups.classId[b]!) < 0;
  // The largest `limit` roots, kept in order by insertion: a few comparisons per region.
  const kept: number[] = [];
  for (let id = 0; id < count; id++) {
    if (windows[id] === 0) continue;
    if (kept.length === limit && !before(id, kept[limit - 1]!)) continue;
    let at = kept.length === limit ? limit - 1 : kept.length;
    while (at > 0 && before(id, kept[at - 1]!)) {
      kept[at] = kept[at - 1]!;
      at--;
    }
    kept[at] = id;
  }
  return kept.map((id) => ({
    root: id,
    collector,
    spot: {
      scale,
      classId: groups.classId[id]!,
      effect: effect[id]!,
      share: effect[id]! * share,
      pixels: pixels[id]!,
      windows: windows[id]!,
      box: { x: x0[id]!, y: y0[id]!, width: x1[id]! - x0[id]! + 1, height: y1[id]! - y0[id]! + 1 },
    },
  }));
}

/** A region kept by regionsOf, with what finds its windows again: its root group in its collector. */
interface RankedRegion {
  readonly spot: HotSpot;
  readonly root: number;
  readonly collector: ScaleHotSpots;
}

/**
 * The windows of the chosen regions, as bits (see HotSpotRegion): one pass over each scale's groups
 * that has a chosen region, setting the bit of every group whose root is one (a window holds groups of
 * several classes; only the region's own class is its root's). Only the few chosen regions get masks.
 */
function withCells(chosen: readonly RankedRegion[]): HotSpotRegion[] {
  const cells = chosen.map(({ spot }) => {
    const grid = cellGrid(spot);
    return new Uint8Array(Math.ceil((grid.columns * grid.rows) / 8));
  });
  const byCollector = new Map<ScaleHotSpots, Map<number, number>>();
  chosen.forEach(({ collector, root }, i) => {
    const roots = byCollector.get(collector) ?? new Map<number, number>();
    roots.set(root, i);
    byCollector.set(collector, roots);
  });
  for (const [collector, roots] of byCollector) {
    const { groups, k } = collector;
    for (let id = 0; id < groups.count; id++) {
      const at = roots.get(groups.find(id));
      if (at === undefined) continue;
      const { box } = chosen[at]!.spot;
      const columns = Math.ceil(box.width / k);
      const index = ((groups.top[id]! - box.y) / k) * columns + (groups.left[id]! - box.x) / k;
      cells[at]![index >> 3]! |= 1 << (index & 7);
    }
  }
  return chosen.map(({ spot }, i) => ({ ...spot, cells: cells[i]! }));
}

/**
 * Per-group scratch of regionsOf, kept from call to call (seven arrays per scale and image otherwise),
 * grown to the largest group count met.
 */
class RegionSums {
  effect = new Float64Array(0);
  pixels = new Int32Array(0);
  windows = new Int32Array(0);
  x0 = new Int32Array(0);
  y0 = new Int32Array(0);
  x1 = new Int32Array(0);
  y1 = new Int32Array(0);

  take(count: number): this {
    if (this.effect.length < count) {
      const size = Math.max(count, 2 * this.effect.length);
      this.effect = new Float64Array(size);
      this.pixels = new Int32Array(size);
      this.windows = new Int32Array(size);
      this.x0 = new Int32Array(size);
      this.y0 = new Int32Array(size);
      this.x1 = new Int32Array(size);
      this.y1 = new Int32Array(size);
    }
    return this;
  }
}

const regionSums = new RegionSums();

/** Largest |effect| first; ties by scale, then position, so the order is stable. */
export function compareHotSpots(a: HotSpot, b: HotSpot): number {
  return (
    Math.abs(b.effect) - Math.abs(a.effect) ||
    a.scale - b.scale ||
    a.box.y - b.box.y ||
    a.box.x - b.box.x ||
    a.classId - b.classId
  );
}

/** Regions of all scales with their windows, largest |effect| first, at most `limit`. */
export function rankHotSpots(
  collectors: readonly ScaleHotSpots[],
  scales: readonly number[],
  validPixels: number,
  limit = HOT_SPOT_LIMIT,
): HotSpotRegion[] {
  if (validPixels === 0) return [];
  const share = 1 / (validPixels * scales.length);
  const all = collectors.flatMap((collector, i) => regionsOf(collector, scales[i]!, share, limit));
  return withCells(all.sort((a, b) => compareHotSpots(a.spot, b.spot)).slice(0, limit));
}

/**
 * The adaptive loss and the image's hot spots in one pass per scale: where merging removes or adds the
 * most cost, largest |effect| first, at most `limit`. Needs c(p) (`pixelCost`).
 */
export function adaptiveLossAndHotSpots(
  terms: PixelTerms,
  pixelCost: Float64Array,
  options: MetricOptions,
  limit = HOT_SPOT_LIMIT,
): { loss: AdaptiveLossResult; hotSpots: HotSpotRegion[] } {
  const collectors: ScaleHotSpots[] = [];
  const loss = adaptiveLoss(terms, options, (k) => {
    const collector = new ScaleHotSpots(pixelCost, k, options.numClasses, terms.width, terms.height);
    collectors.push(collector);
    return collector;
  });
  const spots = rankHotSpots(collectors, options.scales, terms.validPixels, limit);
  for (const collector of collectors) collector.release();
  return { loss, hotSpots: spots };
}

/** The image's hot spots alone (see adaptiveLossAndHotSpots). */
export function hotSpots(
  terms: PixelTerms,
  pixelCost: Float64Array,
  options: MetricOptions,
  limit = HOT_SPOT_LIMIT,
): HotSpotRegion[] {
  return adaptiveLossAndHotSpots(terms, pixelCost, options, limit).hotSpots;
}
