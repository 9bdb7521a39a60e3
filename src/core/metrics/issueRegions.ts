/**
 * Pixels flagged as possible label errors, grouped into regions for a person to look at: 4-connected
 * flagged pixels that share their label class and the class the evidence suggests instead. Used for
 * the label issues of soft predictions (labelQuality.ts) and for the agreement of several models
 * (agreement.ts), so both list their regions the same way.
 */

/** How many regions an image keeps (the largest); the count of flagged pixels covers them all. */
export const ISSUE_REGION_LIMIT = 12;

export interface IssueRegion {
  /** The class the label gives these pixels. */
  readonly labelClass: number;
  /** The class the evidence points to: the most likely class (soft) or the class the models agree on. */
  readonly suggestedClass: number;
  readonly pixels: number;
  /** Bounding box of the region's pixels: left, top, width, height. */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /**
   * The mean over its pixels of the evidence's score: the self-confidence P(label) for soft
   * predictions (low is bad), the share of models voting for the suggested class for agreement.
   */
  readonly score: number;
}

export interface IssueMaps {
  readonly width: number;
  readonly height: number;
  /** Label id per pixel, read only where flagged. */
  readonly label: ArrayLike<number>;
  /** Suggested class per pixel, read only where flagged. */
  readonly suggested: ArrayLike<number>;
  /** Per-pixel score (see IssueRegion.score), read only where flagged. */
  readonly score: ArrayLike<number>;
  /** 1 where the pixel is flagged. */
  readonly flagged: Uint8Array;
  /**
   * The flagged pixels' indices in row-major order, when the caller has them: the scan then visits
   * only those, not every pixel of the image.
   */
  readonly flaggedPixels?: ArrayLike<number>;
}

/** Largest first; equal sizes in the order of their first pixel (row-major), so the order is stable. */
function bySize(a: { region: IssueRegion; first: number }, b: { region: IssueRegion; first: number }): number {
  return b.region.pixels - a.region.pixels || a.first - b.first;
}

/**
 * The regions of the flagged pixels, largest first, at most `limit` of them. One scan in row-major
 * order; a region is filled from its first pixel with an explicit stack, so no recursion depth limit.
 */
export function issueRegions(maps: IssueMaps, limit = ISSUE_REGION_LIMIT): IssueRegion[] {
  const { width, height, label, suggested, score, flagged } = maps;
  const starts = maps.flaggedPixels;
  const count = starts?.length ?? flagged.length;
  const seen = new Uint8Array(flagged.length);
  // Each flagged pixel is pushed at most once.
  const stack = new Int32Array(count);
  const found: { region: IssueRegion; first: number }[] = [];
  let labelClass = 0;
  let suggestedClass = 0;
  let top = 0;
  const push = (q: number): void => {
    if (flagged[q] === 1 && seen[q] === 0 && label[q] === labelClass && suggested[q] === suggestedClass) {
      seen[q] = 1;
      stack[top++] = q;
    }
  };
  for (let i = 0; i < count; i++) {
    const start = starts === undefined ? i : starts[i]!;
    if (flagged[start] === 0 || seen[start] === 1) continue;
    labelClass = label[start]!;
    suggestedClass = suggested[start]!;
    top = 0;
    seen[start] = 1;
    stack[top++] = start;
    let pixels = 0;
    let scoreSum = 0;
    let left = width;
    let right = -1;
    let upper = height;
    let lower = -1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      pixels++;
      scoreSum += score[p]!;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < upper) upper = y;
      if (y > lower) lower = y;
      if (x > 0) push(p - 1);
      if (x < width - 1) push(p + 1);
      if (y > 0) push(p - width);
      if (y < height - 1) push(p + width);
    }
    found.push({
      region: {
        labelClass,
        suggestedClass,
        pixels,
        box: { x: left, y: upper, width: right - left + 1, height: lower - upper + 1 },
        score: scoreSum / pixels,
      },
      first: start,
    });
  }
  return found
    .sort(bySize)
    .slice(0, limit)
    .map((entry) => entry.region);
}
