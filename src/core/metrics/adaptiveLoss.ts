import { effectiveScaleWeights, type MetricOptions } from '../options';
import type { PixelTerms } from '../types';
import { cost } from './crossEntropy';

export interface AdaptiveLossResult {
  /** L_k for each scale, in the order of options.scales (NaN without valid pixels). */
  readonly perScale: number[];
  /** sum_k alpha_k L_k. */
  readonly adaptive: number;
}

/**
 * L_k for one window size k: sum over (window, class) groups of n * l(w, c), divided by the valid
 * pixels. Only q(w,c)[c] enters a group's cost, and it is the group mean of P(p, y_p), so a scale is
 * one segment mean of the true-class probability. Windows are processed one band of k rows at a time
 * so memory stays O(width / k * C) whatever the image size. With `merge`, also adds
 * c(p) - l(w(p), y_p) of every valid pixel into it (the merge-effect map before averaging over scales).
 */
function scaleLoss(
  terms: PixelTerms,
  k: number,
  numClasses: number,
  merge?: { map: Float64Array; pixelCost: Float64Array },
): number {
  const { width, height, label, truthProbability, validPixels } = terms;
  const windowsPerRow = Math.ceil(width / k);
  const groupSum = new Float64Array(windowsPerRow * numClasses);
  const groupCount = new Int32Array(windowsPerRow * numClasses);
  const groupCost = new Float64Array(windowsPerRow * numClasses);
  const columnKey = new Int32Array(width);
  for (let x = 0; x < width; x++) columnKey[x] = Math.floor(x / k) * numClasses;
  // Groups of the current band in the order of their first pixel, so L_k sums them in a fixed order
  // without a first-visit branch on every pixel.
  const bandGroups = new Int32Array(Math.min(windowsPerRow * numClasses, k * width));
  let weightedCost = 0;
  let lastMean = Number.NaN;
  let lastLoss = 0;

  for (let bandTop = 0; bandTop < height; bandTop += k) {
    const bandEnd = Math.min(height, bandTop + k) * width;
    let groups = 0;
    for (let rowStart = bandTop * width; rowStart < bandEnd; rowStart += width) {
      for (let x = 0; x < width; x++) {
        const y = label[rowStart + x]!;
        if (y < 0) continue;
        const key = columnKey[x]! + y;
        const count = groupCount[key]!;
        bandGroups[groups] = key;
        groups += count === 0 ? 1 : 0;
        groupCount[key] = count + 1;
        groupSum[key]! += truthProbability[rowStart + x]!;
      }
    }
    for (let g = 0; g < groups; g++) {
      const key = bandGroups[g]!;
      const n = groupCount[key]!;
      const mean = groupSum[key]! / n;
      // Uniform groups of a hard prediction share a handful of means: reuse the last log.
      if (mean !== lastMean) {
        lastMean = mean;
        lastLoss = cost(mean);
      }
      groupCost[key] = lastLoss;
      weightedCost += n * lastLoss;
      groupCount[key] = 0;
      groupSum[key] = 0;
    }
    if (merge) {
      for (let rowStart = bandTop * width; rowStart < bandEnd; rowStart += width) {
        for (let x = 0; x < width; x++) {
          const p = rowStart + x;
          const y = label[p]!;
          if (y < 0) continue;
          merge.map[p]! += merge.pixelCost[p]! - groupCost[columnKey[x]! + y]!;
        }
      }
    }
  }
  return validPixels > 0 ? weightedCost / validPixels : Number.NaN;
}

/** The locally adaptive loss of Guo et al. as the spec defines it: L_k per scale and sum_k alpha_k L_k. */
export function adaptiveLoss(terms: PixelTerms, options: MetricOptions): AdaptiveLossResult {
  const weights = effectiveScaleWeights(options);
  const perScale = options.scales.map((k) => scaleLoss(terms, k, options.numClasses));
  return { perScale, adaptive: perScale.reduce((acc, l, i) => acc + weights[i]! * l, 0) };
}

/** M(p) = mean over scales of c(p) - l(w_k(p), y_p); 0 on void pixels. */
export function mergeEffectMap(terms: PixelTerms, pixelCost: Float64Array, options: MetricOptions): Float64Array {
  const map = new Float64Array(terms.label.length);
  for (const k of options.scales) scaleLoss(terms, k, options.numClasses, { map, pixelCost });
  const scaleCount = options.scales.length;
  for (let p = 0; p < map.length; p++) map[p]! /= scaleCount;
  return map;
}

/**
 * Image-level merge effect: the mean of M over valid pixels. Within each scale the pixel costs of a
 * group sum to CE's share and the group costs to L_k's, so the mean is CE - mean_k L_k, and no map is
 * needed for it.
 */
export function meanMergeEffect(ce: number, perScale: readonly number[]): number {
  return ce - perScale.reduce((acc, l) => acc + l, 0) / perScale.length;
}
