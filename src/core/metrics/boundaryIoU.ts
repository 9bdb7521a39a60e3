/**
 * Boundary IoU (shared/spec/loss.md, "Boundary IoU (v2)"; Cheng et al., CVPR 2021).
 *
 * The band of class c's mask X is X minus its erosion by a (2d+1)×(2d+1) square, outside the image
 * counting as not in X. A pixel p of class c is outside the erosion exactly when the square around p
 * leaves the image or holds an id other than p's own, which does not depend on c: the bands of every
 * class come at once from the map's runs of equal ids (one pass over the pixels), then 32 pixels per
 * word operation (interiorBits) and one popcount per run to count them (boundaryCountsOfRuns).
 */
import type { PixelTerms } from '../types';
import { countBitsThree, setBits, wordsPerRow } from './bitRows';
import { idRuns, mapRuns, rowSegments, type IdRuns, type MapRuns } from './idRuns';

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

/**
 * Interior bits of an id map (bit set: the square of side 2d+1 around the pixel lies inside the image and
 * holds only the pixel's own id); every other pixel is in the band of its own id's mask.
 *
 * The square around (x, y0) is uniform exactly when each of its rows is uniform over [x - d, x + d] (a
 * horizontal run of length ≥ 2d + 1 covers it) and column x is uniform over [y0 - d, y0 + d]. Both are
 * found from the runs as bit rows, and the vertical window is an AND of 2d + 1 bit rows, done with van
 * Herk's prefix and suffix ANDs over blocks of 2d rows: three word operations per 32 pixels whatever d.
 */
export function interiorBits(runs: IdRuns, distance: number, interior = new Int32Array(bitRowsSize(runs))): Int32Array {
  const { width, height, rowStart, start, repeatsAbove } = runs;
  const words = wordsPerRow(width);
  const size = words * height;
  interior.fill(0, 0, size);
  const side = 2 * distance + 1;
  if (side > width || side > height) return interior;
  // horizontal: centres of runs of length ≥ side; joined: horizontal and equal to the row above.
  //
  // The window of centre y0 is row y0 - d of `horizontal` and rows y0 - d + 1 .. y0 + d of `joined`: a
  // window of `block` = 2d rows of `joined`, = suffix(s) & prefix(s + block - 1) with s = y0 - d + 1
  // (van Herk: prefix and suffix ANDs restart every `block` rows). Prefixes are kept for every row,
  // made as `joined` is; the suffix of row s is needed once, so the backward pass keeps one row of it
  // and writes the interior of the centre whose window starts at s.
  const [horizontal, joined, prefix] = scratchRows(size);
  const segments = new Int32Array(3 * width);
  const block = 2 * distance;
  for (let y = 0; y < height; y++) {
    const base = y * words;
    if (repeatsAbove[y] === 1) {
      // The same ids as the row above: the same horizontal centres, and every pixel joins the row above.
      for (let w = 0; w < words; w++) joined[base + w] = horizontal[base + w] = horizontal[base - words + w]!;
    } else {
      const rowEnd = rowStart[y + 1]!;
      for (let r = rowStart[y]!; r < rowEnd; r++) {
        const from = start[r]!;
        const to = r + 1 < rowEnd ? start[r + 1]! : width;
        if (to - from >= side) setBits(horizontal, base, from + distance, to - distance);
      }
      if (y > 0) {
        // Segments where neither this row nor the one above changes id.
        const count = rowSegments(runs, y - 1, runs, y, segments);
        for (let s = 0, from = 0; s < count; s++) {
          const to = segments[3 * s]!;
          if (segments[3 * s + 1] === segments[3 * s + 2]) setBits(joined, base, from, to);
          from = to;
        }
        for (let w = 0; w < words; w++) joined[base + w]! &= horizontal[base + w]!;
      }
    }
    if (y % block === 0) for (let w = 0; w < words; w++) prefix[base + w] = joined[base + w]!;
    else for (let w = 0; w < words; w++) prefix[base + w] = prefix[base - words + w]! & joined[base + w]!;
  }
  const suffix = new Int32Array(words);
  for (let s = height - 1; s >= 1; s--) {
    const base = s * words;
    const restart = s % block === block - 1 || s === height - 1;
    for (let w = 0; w < words; w++) suffix[w] = restart ? joined[base + w]! : suffix[w]! & joined[base + w]!;
    const y0 = s + distance - 1;
    if (y0 < distance || y0 + distance >= height) continue;
    const out = y0 * words;
    const top = (y0 - distance) * words;
    const last = (y0 + distance) * words;
    for (let w = 0; w < words; w++) interior[out + w] = horizontal[top + w]! & suffix[w]! & prefix[last + w]!;
  }
  return interior;
}

/** Words of a map's bit rows. */
function bitRowsSize(runs: IdRuns): number {
  return wordsPerRow(runs.width) * runs.height;
}

/**
 * interiorBits' working rows, reused from image to image (one engine per thread, one image at a time,
 * no await inside): allocating them per map was a quarter megabyte of garbage per pair, which brought
 * full collections. The first two come zeroed.
 */
let scratch = new Int32Array(0);

function scratchRows(size: number): [Int32Array, Int32Array, Int32Array] {
  if (scratch.length < 3 * size) scratch = new Int32Array(3 * size);
  scratch.fill(0, 0, 2 * size); // the third, the prefixes, is written whole
  return [scratch.subarray(0, size), scratch.subarray(size, 2 * size), scratch.subarray(2 * size, 3 * size)];
}

/** Two interiors for boundaryCountsOfRuns, also reused: the counts are all that leaves it. */
let countInteriors = new Int32Array(0);

/** 1 where pixel p lies in the band of its own id's mask, 0 in the interior (the inspector's layer). */
export function bandOfIds(ids: ArrayLike<number>, width: number, height: number, distance: number): Uint8Array {
  const interior = interiorBits(idRuns(ids, width, height), distance);
  const words = wordsPerRow(width);
  const band = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) band[y * width + x] = (interior[y * words + (x >>> 5)]! >>> (x & 31)) & 1 ? 0 : 1;
  return band;
}

/**
 * Per-class intersections and unions of the label's and the prediction's bands, over valid pixels: label
 * ids in 0..C-1 other than `ignoreIndex` (pass -1 when void is already below 0). Predicted ids outside
 * 0..C-1 are in no class's band. Counted per segment of constant (label, prediction) ids, with popcounts:
 * |G_c ∪ P_c| = |G_c| + |P_c| - |G_c ∩ P_c|, and G_c ∩ P_c needs label = prediction = c.
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
  const size = bitRowsSize(label);
  if (countInteriors.length < 2 * size) countInteriors = new Int32Array(2 * size);
  const labelInterior = interiorBits(label, distance, countInteriors.subarray(0, size));
  const predictedInterior = interiorBits(predicted, distance, countInteriors.subarray(size, 2 * size));
  const words = wordsPerRow(width);
  const intersection = new Float64Array(numClasses);
  const union = new Float64Array(numClasses);
  // Interior pixels of a segment: the label's, the prediction's, either's (countBitsThree).
  const interiorCounts = new Int32Array(3);
  const segments = new Int32Array(3 * width);
  for (let y = 0; y < height; y++) {
    const base = y * words;
    const count = rowSegments(label, y, predicted, y, segments);
    for (let s = 0, from = 0; s < count; s++) {
      const to = segments[3 * s]!;
      const g = segments[3 * s + 1]!;
      if (g >= 0 && g < numClasses && g !== ignoreIndex) {
        const length = to - from;
        countBitsThree(labelInterior, predictedInterior, base, from, to, interiorCounts);
        union[g]! += length - interiorCounts[0]!;
        const c = segments[3 * s + 2]!;
        if (c >= 0 && c < numClasses) {
          union[c]! += length - interiorCounts[1]!;
          if (c === g) {
            const both = length - interiorCounts[2]!;
            intersection[g]! += both;
            union[g]! -= both;
          }
        }
      }
      from = to;
    }
  }
  return { intersection, union };
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
