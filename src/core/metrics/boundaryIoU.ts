/**
 * Boundary IoU (shared/spec/loss.md, "Boundary IoU (v2)"; Cheng et al., CVPR 2021).
 *
 * The band of class c's mask X is X minus its erosion by a (2d+1)×(2d+1) square, outside the image
 * counting as not in X. A pixel p of class c is outside the erosion exactly when the square around p
 * leaves the image or holds an id other than p's own, which does not depend on c: one pass over an id
 * map gives the bands of every class at once (horizontal runs of equal ids, then vertical runs of
 * horizontally-interior pixels with equal ids), O(H·W) whatever the class count.
 */
import type { PixelTerms } from '../types';

export const DEFAULT_BOUNDARY_RATIO = 0.02;

/** Pooled counts per class: what sums over images (like the confusion matrix). */
export interface BoundaryCounts {
  readonly intersection: Float64Array;
  readonly union: Float64Array;
}

export interface BoundarySummary {
  /** |G ∩ P| / |G ∪ P| per class; null when the union is empty. */
  readonly perClassBoundaryIoU: (number | null)[];
  /** Mean of the defined per-class values; null when none is. */
  readonly boundaryMiou: number | null;
}

/** `d = max(1, round(ratio · √(H² + W²)))`. */
export function boundaryDistance(width: number, height: number, ratio: number): number {
  return Math.max(1, Math.round(ratio * Math.sqrt(width * width + height * height)));
}

/**
 * 1 where pixel p lies in the band of its own id's mask (the square of side 2d+1 around it leaves the
 * image or holds another id), 0 in the interior.
 */
export function bandOfIds(ids: ArrayLike<number>, width: number, height: number, distance: number): Uint8Array {
  const side = 2 * distance + 1;
  const horizontal = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let run = 0;
    for (let x = 0; x < width; x++) {
      run = x > 0 && ids[row + x] === ids[row + x - 1] ? run + 1 : 1;
      // The run of equal ids ending at x covers [x - side + 1, x]: its centre is horizontally interior.
      if (run >= side) horizontal[row + x - distance] = 1;
    }
  }
  const band = new Uint8Array(width * height).fill(1);
  for (let x = 0; x < width; x++) {
    let run = 0;
    for (let y = 0; y < height; y++) {
      const p = y * width + x;
      if (horizontal[p] === 0) run = 0;
      else run = y > 0 && horizontal[p - width] === 1 && ids[p] === ids[p - width] ? run + 1 : 1;
      if (run >= side) band[p - distance * width] = 0;
    }
  }
  return band;
}

/** Per-class intersections and unions of the label's and the prediction's bands, over valid pixels. */
export function boundaryCounts(terms: PixelTerms, numClasses: number, ratio: number): BoundaryCounts {
  const { label, predicted, width, height } = terms;
  const distance = boundaryDistance(width, height, ratio);
  const labelBand = bandOfIds(label, width, height, distance);
  const predictedBand = bandOfIds(predicted, width, height, distance);
  const intersection = new Float64Array(numClasses);
  const union = new Float64Array(numClasses);
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y < 0) continue;
    const c = predicted[p]!;
    const inPredictedBand = predictedBand[p] === 1 && c >= 0 && c < numClasses;
    if (labelBand[p] === 1) {
      union[y]!++;
      if (inPredictedBand) {
        if (c === y) intersection[y]!++;
        else union[c]!++;
      }
    } else if (inPredictedBand) {
      union[c]!++;
    }
  }
  return { intersection, union };
}

export function emptyBoundaryCounts(numClasses: number): BoundaryCounts {
  return { intersection: new Float64Array(numClasses), union: new Float64Array(numClasses) };
}

export function addBoundaryCounts(
  target: BoundaryCounts,
  source: { intersection: ArrayLike<number>; union: ArrayLike<number> },
): void {
  if (source.intersection.length !== target.intersection.length || source.union.length !== target.union.length) {
    throw new Error(`cannot add boundary counts of ${source.union.length} classes to ${target.union.length}`);
  }
  for (let c = 0; c < target.union.length; c++) {
    target.intersection[c]! += source.intersection[c]!;
    target.union[c]! += source.union[c]!;
  }
}

export function boundarySummary(counts: {
  intersection: ArrayLike<number>;
  union: ArrayLike<number>;
}): BoundarySummary {
  const perClassBoundaryIoU: (number | null)[] = [];
  let sum = 0;
  let defined = 0;
  for (let c = 0; c < counts.union.length; c++) {
    const union = counts.union[c]!;
    if (union > 0) {
      const iou = counts.intersection[c]! / union;
      perClassBoundaryIoU.push(iou);
      sum += iou;
      defined++;
    } else {
      perClassBoundaryIoU.push(null);
    }
  }
  return { perClassBoundaryIoU, boundaryMiou: defined > 0 ? sum / defined : null };
}

/**
 * Per-pixel band map for the inspector: bit 0 = in the label's band, bit 1 = in the prediction's band,
 * bit 2 = they disagree here (only one band holds p, or both do for different classes). Void is 0.
 */
export function boundaryBandMap(terms: PixelTerms, numClasses: number, ratio: number): Uint8Array {
  const { label, predicted, width, height } = terms;
  const distance = boundaryDistance(width, height, ratio);
  const labelBand = bandOfIds(label, width, height, distance);
  const predictedBand = bandOfIds(predicted, width, height, distance);
  const map = new Uint8Array(label.length);
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y < 0) continue;
    const c = predicted[p]!;
    const inLabel = labelBand[p] === 1;
    const inPrediction = predictedBand[p] === 1 && c >= 0 && c < numClasses;
    const disagree = inLabel !== inPrediction || (inLabel && c !== y);
    map[p] = (inLabel ? 1 : 0) | (inPrediction ? 2 : 0) | (disagree ? 4 : 0);
  }
  return map;
}
