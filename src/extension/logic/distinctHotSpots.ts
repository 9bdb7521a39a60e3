/**
 * The hot spots the inspector lists: the engine's regions, largest |effect| first, without those that
 * mostly cover the same place as a larger one. The same error is a region at every scale (and a window
 * holds regions of several classes), so the raw list often outlines one place three times.
 */
import { coversPixel } from '../../core/metrics/hotSpotCells';
import type { HotSpotRegion } from '../../core';

/** A region is left out when at least this share of its windows lies in a region already kept. */
export const OVERLAP_LIMIT = 0.5;

/** The share of `spot`'s windows whose centre lies in one of `kept`'s windows. */
export function overlapShare(spot: HotSpotRegion, kept: HotSpotRegion): number {
  const { x, y, width, height } = spot.box;
  const k = spot.scale;
  const other = kept.box;
  // Disjoint boxes: nothing to count.
  if (x >= other.x + other.width || other.x >= x + width || y >= other.y + other.height || other.y >= y + height)
    return 0;
  let windows = 0;
  let covered = 0;
  for (let top = y; top < y + height; top += k)
    for (let left = x; left < x + width; left += k) {
      if (!coversPixel(spot, left, top)) continue;
      windows++;
      const centreX = Math.min(left + Math.floor(k / 2), x + width - 1);
      const centreY = Math.min(top + Math.floor(k / 2), y + height - 1);
      if (coversPixel(kept, centreX, centreY)) covered++;
    }
  return windows === 0 ? 0 : covered / windows;
}

/** Greedy, in the engine's order: each region is kept unless it overlaps a kept one by OVERLAP_LIMIT or more. */
export function distinctHotSpots(spots: readonly HotSpotRegion[]): HotSpotRegion[] {
  const kept: HotSpotRegion[] = [];
  for (const spot of spots) if (kept.every((other) => overlapShare(spot, other) < OVERLAP_LIMIT)) kept.push(spot);
  return kept;
}
