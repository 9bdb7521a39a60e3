/**
 * Boundary IoU (docs/spec/loss.md, "Boundary IoU"; Cheng et al., CVPR 2021).
 *
 * The band of class c's mask X is X minus its erosion by a (2d+1)×(2d+1) square, outside the image
 * counting as not in X. A pixel p of class c is outside the erosion exactly when the square around p
 * leaves the image or holds an id other than p's own, which does not depend on c: the bands of every
 * class come at once from the map's runs of equal ids (one pass over the pixels), then 32 pixels per
 * word operation (interiorBits) and one popcount per run to count them (boundaryCountsOfRuns).
 */
import type { PixelTerms } from '../types';
import { kernelsWith, Layout } from './boundaryWasm';
import { idRuns, mapRuns, takeRuns, writeRuns, type IdRuns, type MapRuns } from './idRuns';

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

/**
 * `d = max(1, round(ratio · √(H² + W²)))`, halves to even as the paper's reference code rounds
 * (boundary-iou-api: `int(round(dilation_ratio * img_diag))`, Python's round). It matters on VOC's most
 * common size: 0.02 · √(500² + 375²) is exactly 12.5, which gives 12 there (and would give 13 by Math.round).
 */
export function boundaryDistance(width: number, height: number, ratio: number): number {
  return Math.max(1, roundHalfToEven(ratio * Math.sqrt(width * width + height * height)));
}

function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Bit rows: bit x % 32 of word `y * wordsPerRow + (x >> 5)` is pixel (x, y). */
export interface BitRows {
  readonly wordsPerRow: number;
  readonly bits: Int32Array;
}

/**
 * Interior bits of an id map (bit set: the square of side 2d+1 around the pixel lies inside the image and
 * holds only the pixel's own id); every other pixel is in the band of its own id's mask.
 *
 * The square around (x, y0) is uniform exactly when each of its rows is uniform over [x - d, x + d] (a
 * horizontal run of length ≥ 2d + 1 covers it) and column x is uniform over [y0 - d, y0 + d]. Both are
 * found from the runs as bit rows, and the vertical window is an AND of 2d + 1 bit rows, done with van
 * Herk's prefix and suffix ANDs over blocks of 2d rows: three vector operations per 128 pixels whatever d
 * (wasm/boundaryKernels.ts, interior).
 */
export function interiorBits(runs: IdRuns, distance: number): BitRows {
  const layout = new Layout();
  const at = takeRuns(layout, runs.height, runs.rowStart[runs.height]!);
  const wordsPerRow = kernelsWith(0).kernels.strideWords(runs.width);
  const size = 4 * wordsPerRow * runs.height;
  const interior = layout.take(size);
  const scratch = takeInteriorScratch(layout, size, wordsPerRow);
  const { kernels, buffer } = kernelsWith(layout.end);
  writeRuns(buffer, at, runs);
  kernels.interior(at.rowStart, at.start, at.id, at.repeats, runs.width, runs.height, distance, interior, scratch);
  return { wordsPerRow, bits: new Int32Array(buffer, interior, size / 4).slice() };
}

/** The interior kernel's working rows: horizontal centres, rows joined above, prefixes; one suffix row. */
function takeInteriorScratch(layout: Layout, size: number, wordsPerRow: number): number {
  return layout.take(3 * size + 4 * wordsPerRow);
}

/** 1 where pixel p lies in the band of its own id's mask, 0 in the interior (the inspector's layer). */
export function bandOfIds(ids: ArrayLike<number>, width: number, height: number, distance: number): Uint8Array {
  const { wordsPerRow, bits } = interiorBits(idRuns(ids, width, height), distance);
  const band = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) band[y * width + x] = (bits[y * wordsPerRow + (x >>> 5)]! >>> (x & 31)) & 1 ? 0 : 1;
  return band;
}

/**
 * Per-class intersections and unions of the label's and the prediction's bands, over valid pixels: label
 * ids in 0..C-1 other than `ignoreIndex` (pass -1 when void is already below 0). Predicted ids outside
 * 0..C-1 are in no class's band. Counted per segment of constant (label, prediction) ids, with popcounts:
 * |G_c ∪ P_c| = |G_c| + |P_c| - |G_c ∩ P_c|, and G_c ∩ P_c needs label = prediction = c. Both maps'
 * interiors and the counts are made in wasm memory (wasm/boundaryKernels.ts: interior, counts).
 */
export function boundaryCountsOfRuns(
  runs: MapRuns,
  numClasses: number,
  ignoreIndex: number,
  ratio: number,
): BoundaryCounts {
  const { label, predicted } = runs;
  const { width, height } = label;
  const distance = boundaryDistance(width, height, ratio);
  const layout = new Layout();
  const labelAt = takeRuns(layout, height, label.rowStart[height]!);
  const predictedAt = takeRuns(layout, height, predicted.rowStart[height]!);
  const wordsPerRow = kernelsWith(0).kernels.strideWords(width);
  const size = 4 * wordsPerRow * height;
  const labelInterior = layout.take(size);
  const predictedInterior = layout.take(size);
  const scratch = takeInteriorScratch(layout, size, wordsPerRow);
  const intersectionAt = layout.take(4 * numClasses);
  const unionAt = layout.take(4 * numClasses);
  const { kernels, buffer } = kernelsWith(layout.end);
  writeRuns(buffer, labelAt, label);
  writeRuns(buffer, predictedAt, predicted);
  for (const [at, interior] of [
    [labelAt, labelInterior],
    [predictedAt, predictedInterior],
  ] as const)
    kernels.interior(at.rowStart, at.start, at.id, at.repeats, width, height, distance, interior, scratch);
  kernels.counts(
    labelAt.rowStart,
    labelAt.start,
    labelAt.id,
    labelInterior,
    predictedAt.rowStart,
    predictedAt.start,
    predictedAt.id,
    predictedInterior,
    width,
    height,
    numClasses,
    ignoreIndex,
    intersectionAt,
    unionAt,
  );
  return {
    intersection: Float64Array.from(new Int32Array(buffer, intersectionAt, numClasses)),
    union: Float64Array.from(new Int32Array(buffer, unionAt, numClasses)),
  };
}

/** Boundary counts of per-pixel terms (void labels below 0). */
export function boundaryCounts(terms: PixelTerms, numClasses: number, ratio: number): BoundaryCounts {
  return boundaryCountsOfRuns(mapRuns(terms.label, terms.predicted, terms.width, terms.height), numClasses, -1, ratio);
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
