import type { MetricOptions } from '../options';
import type { HotSpot, PixelTerms } from '../types';
import { adaptiveLoss, type AdaptiveLossResult, type GroupEffectSink } from './adaptiveLoss';

/** How many hot spots an image keeps, largest |effect| first. */
export const HOT_SPOT_LIMIT = 12;

class UnionFind {
  readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
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
 * Tables of window column x class -> group, all -1, kept from image to image. Their size is
 * (columns of windows) x C: at 150 classes, allocating and filling two per scale for every image cost
 * more than the groups they hold. A table at least as long as asked serves (keys past the asked length
 * are never used); at most KEPT_TABLES are kept, the largest, so images of many widths cannot pile
 * tables up.
 */
class SlotTablePool {
  private readonly free: Int32Array[] = [];

  take(length: number): Int32Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.length;
      if (size >= length && (best < 0 || size < this.free[best]!.length)) best = i;
    }
    if (best < 0) return new Int32Array(length).fill(-1);
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

const slotTables = new SlotTablePool();
const RELEASED = new Int32Array(0);

/** Per-group figures of one scale, in arrays indexed by group number; box = the group's window, clipped. */
interface Groups {
  readonly classId: number[];
  readonly effect: number[];
  readonly pixels: number[];
  readonly box: number[]; // left, top, right, bottom (inclusive) per group
  readonly sets: UnionFind;
}

/**
 * Collects the groups of one scale as the loss pass hands them over, band by band, and joins 4-adjacent
 * groups of the same class and sign: with the group to the left in the same band, and with the group
 * of the same window column in the band above.
 */
export class ScaleHotSpots implements GroupEffectSink {
  readonly groups: Groups = { classId: [], effect: [], pixels: [], box: [], sets: new UnionFind() };
  private above: Int32Array;
  private current: Int32Array;
  private touched: number[] = [];
  private touchedAbove: number[] = [];

  constructor(
    readonly pixelCost: Float64Array,
    private readonly k: number,
    private readonly numClasses: number,
    private readonly width: number,
    private readonly height: number,
  ) {
    const slots = Math.ceil(width / k) * numClasses;
    this.above = slotTables.take(slots);
    this.current = slotTables.take(slots);
  }

  /**
   * Hands the two band tables back for the next image's collectors, once the groups are all in (the
   * groups themselves stay readable). Only the entries of the last two bands can be set: they are
   * reset, so the tables go back all -1. Optional: a collector never released costs only its tables.
   */
  release(): void {
    for (const key of this.touched) this.current[key] = -1;
    for (const key of this.touchedAbove) this.above[key] = -1;
    this.touched.length = 0;
    this.touchedAbove.length = 0;
    slotTables.give(this.above);
    slotTables.give(this.current);
    // A released collector must not take groups: its tables now belong to another.
    this.above = RELEASED;
    this.current = RELEASED;
  }

  group(bandTop: number, key: number, n: number, effect: number): void {
    const { groups, k, numClasses: C } = this;
    const id = groups.sets.add();
    const left = Math.floor(key / C) * k;
    groups.classId.push(key % C);
    groups.effect.push(effect);
    groups.pixels.push(n);
    groups.box.push(left, bandTop, Math.min(this.width, left + k) - 1, Math.min(this.height, bandTop + k) - 1);
    this.current[key] = id;
    this.touched.push(key);
  }

  bandDone(): void {
    const { groups, numClasses: C, current, above } = this;
    for (const key of this.touched) {
      const id = current[key]!;
      const sign = Math.sign(groups.effect[id]!);
      const left = key >= C ? current[key - C]! : -1;
      if (left >= 0 && Math.sign(groups.effect[left]!) === sign) groups.sets.union(id, left);
      const up = above[key]!;
      if (up >= 0 && Math.sign(groups.effect[up]!) === sign) groups.sets.union(id, up);
    }
    // The band just done becomes the one above; the old one's entries are cleared for reuse.
    for (const key of this.touchedAbove) above[key] = -1;
    [this.above, this.current] = [current, above];
    [this.touchedAbove, this.touched] = [this.touched, this.touchedAbove];
    this.touched.length = 0;
  }
}

function regionsOf(groups: Groups, scale: number, share: number): HotSpot[] {
  const byRoot = new Map<number, { classId: number; effect: number; pixels: number; windows: number; box: number[] }>();
  groups.effect.forEach((e, id) => {
    const root = groups.sets.find(id);
    const b = groups.box;
    const [x0, y0, x1, y1] = [b[id * 4]!, b[id * 4 + 1]!, b[id * 4 + 2]!, b[id * 4 + 3]!];
    const region = byRoot.get(root);
    if (!region) {
      byRoot.set(root, {
        classId: groups.classId[id]!,
        effect: e,
        pixels: groups.pixels[id]!,
        windows: 1,
        box: [x0, y0, x1, y1],
      });
      return;
    }
    region.effect += e;
    region.pixels += groups.pixels[id]!;
    region.windows++;
    region.box = [
      Math.min(region.box[0]!, x0),
      Math.min(region.box[1]!, y0),
      Math.max(region.box[2]!, x1),
      Math.max(region.box[3]!, y1),
    ];
  });
  return [...byRoot.values()].map((r) => ({
    scale,
    classId: r.classId,
    effect: r.effect,
    share: r.effect * share,
    pixels: r.pixels,
    windows: r.windows,
    box: { x: r.box[0]!, y: r.box[1]!, width: r.box[2]! - r.box[0]! + 1, height: r.box[3]! - r.box[1]! + 1 },
  }));
}

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

/** Regions of all scales, largest |effect| first, at most `limit`. */
export function rankHotSpots(
  collectors: readonly ScaleHotSpots[],
  scales: readonly number[],
  validPixels: number,
  limit = HOT_SPOT_LIMIT,
): HotSpot[] {
  if (validPixels === 0) return [];
  const share = 1 / (validPixels * scales.length);
  const all = collectors.flatMap((collector, i) => regionsOf(collector.groups, scales[i]!, share));
  return all.sort(compareHotSpots).slice(0, limit);
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
): { loss: AdaptiveLossResult; hotSpots: HotSpot[] } {
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
): HotSpot[] {
  return adaptiveLossAndHotSpots(terms, pixelCost, options, limit).hotSpots;
}
