import { effectiveScaleWeights, lossVariant, type MetricOptions } from '../options';
import type { PixelTerms } from '../types';
import { cost } from './crossEntropy';

export interface AdaptiveLossResult {
  /** L_k for each scale, in the order of options.scales (NaN without valid pixels). */
  readonly perScale: number[];
  /** sum_k alpha_k L_k. */
  readonly adaptive: number;
  /**
   * Pixel-weighted mean of the group costs per scale (L_k with m = 1): what the merge-effect map's mean
   * subtracts from CE. Equal to perScale for the v1 loss.
   */
  readonly meanGroupCost: number[];
}

/**
 * Receives every (window, class) group whose merge effect n·(mean c(p) − l(w,c)) is not negligible:
 * `key` is `floor(x / k) * C + c` within the band of k rows starting at `bandTop`. Calls come band by
 * band, top to bottom. `done` follows each band.
 */
export interface GroupEffectSink {
  readonly pixelCost: Float64Array;
  group(bandTop: number, key: number, n: number, effect: number): void;
  bandDone(bandTop: number): void;
}

/**
 * Groups whose |effect| is below this many nats per pixel are not reported: a correct hard prediction
 * leaves rounding residue of ~1e-16 in every group.
 */
export const NEGLIGIBLE_EFFECT_PER_PIXEL = 1e-9;

/** What one scale yields: L_k with the Minkowski exponent, and the plain pixel-weighted mean of group costs. */
interface ScaleResult {
  readonly loss: number;
  readonly meanGroupCost: number;
}

/**
 * Gaussian weight of each offset inside a window of `size` pixels along one axis, as a function of the
 * coordinate: `exp(-d^2 / (2 (sigma k)^2))` with d the distance to the (clipped) window's centre along
 * that axis. The chessboard weight of a pixel is the smaller of its row and column profiles
 * (exp is decreasing in d, and d = max(|di|, |dj|)), so these two vectors are the k×k weight table of
 * each window shape, edge windows clipped, in factored form: no exp per pixel.
 */
export function gaussianProfile(length: number, k: number, sigma: number): Float64Array {
  const profile = new Float64Array(length);
  const spread = 2 * (sigma * k) ** 2;
  for (let start = 0; start < length; start += k) {
    const size = Math.min(k, length - start);
    const centre = (size - 1) / 2;
    for (let i = 0; i < size; i++) profile[start + i] = Math.exp(-((i - centre) ** 2) / spread);
  }
  return profile;
}

/**
 * One scale k. Only q(w,c)[c] enters a group's cost, and it is the (weighted) group mean of P(p, y_p),
 * so a scale is one segment mean of the true-class probability. Windows are processed one band of k
 * rows at a time so memory stays O(width / k * C) whatever the image size. With `merge`, also adds
 * c(p) - l(w(p), y_p) of every valid pixel into it (the merge-effect map before averaging over scales).
 * With Gaussian pooling the sums are weighted by min(row profile, column profile) (see gaussianProfile);
 * the uniform loop stays the v1 loop, untouched.
 */
function scaleLoss(
  terms: PixelTerms,
  k: number,
  options: MetricOptions,
  merge?: { map: Float64Array; pixelCost: Float64Array },
  sink?: GroupEffectSink,
): ScaleResult {
  const { width, height, label, truthProbability, validPixels } = terms;
  const numClasses = options.numClasses;
  const { pooling, poolingSigma, minkowski } = lossVariant(options);
  const columnWeight = pooling === 'gaussian' ? gaussianProfile(width, k, poolingSigma) : undefined;
  const rowWeight = pooling === 'gaussian' ? gaussianProfile(height, k, poolingSigma) : undefined;
  const windowsPerRow = Math.ceil(width / k);
  const groupSum = new Float64Array(windowsPerRow * numClasses);
  const groupWeight = new Float64Array(columnWeight ? windowsPerRow * numClasses : 0);
  const groupCount = new Int32Array(windowsPerRow * numClasses);
  const groupCost = new Float64Array(windowsPerRow * numClasses);
  // Sum of c(p) per group, only when the group effects are wanted.
  const costSum = sink ? new Float64Array(windowsPerRow * numClasses) : undefined;
  const pixelCost = sink?.pixelCost;
  const columnKey = new Int32Array(width);
  for (let x = 0; x < width; x++) columnKey[x] = Math.floor(x / k) * numClasses;
  // Groups of the current band in the order of their first pixel, so L_k sums them in a fixed order
  // without a first-visit branch on every pixel.
  const bandGroups = new Int32Array(Math.min(windowsPerRow * numClasses, k * width));
  let weightedCost = 0;
  let poweredCost = 0;
  // The last two distinct group means with their cost and powered cost: neighbouring groups of two
  // classes alternate, and a hard prediction's groups share a handful of means.
  let lastMean = Number.NaN;
  let lastLoss = 0;
  let lastPowered = 0;
  let otherMean = Number.NaN;
  let otherLoss = 0;
  let otherPowered = 0;

  for (let bandTop = 0; bandTop < height; bandTop += k) {
    const bandEnd = Math.min(height, bandTop + k) * width;
    let groups = 0;
    if (columnWeight && rowWeight) {
      for (let rowStart = bandTop * width, row = bandTop; rowStart < bandEnd; rowStart += width, row++) {
        const rowW = rowWeight[row]!;
        for (let x = 0; x < width; x++) {
          const y = label[rowStart + x]!;
          if (y < 0) continue;
          const key = columnKey[x]! + y;
          const count = groupCount[key]!;
          const colW = columnWeight[x]!;
          const g = rowW < colW ? rowW : colW;
          bandGroups[groups] = key;
          groups += count === 0 ? 1 : 0;
          groupCount[key] = count + 1;
          groupSum[key]! += g * truthProbability[rowStart + x]!;
          groupWeight[key]! += g;
          if (costSum) costSum[key]! += pixelCost![rowStart + x]!;
        }
      }
    } else {
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
          if (costSum) costSum[key]! += pixelCost![rowStart + x]!;
        }
      }
    }
    for (let g = 0; g < groups; g++) {
      const key = bandGroups[g]!;
      const n = groupCount[key]!;
      const mean = columnWeight ? groupSum[key]! / groupWeight[key]! : groupSum[key]! / n;
      if (mean !== lastMean) {
        const previousMean = lastMean;
        const previousLoss = lastLoss;
        const previousPowered = lastPowered;
        if (mean === otherMean) {
          lastMean = otherMean;
          lastLoss = otherLoss;
          lastPowered = otherPowered;
        } else {
          lastMean = mean;
          lastLoss = cost(mean);
          lastPowered = minkowski === 1 ? lastLoss : lastLoss ** minkowski;
        }
        otherMean = previousMean;
        otherLoss = previousLoss;
        otherPowered = previousPowered;
      }
      groupCost[key] = lastLoss;
      weightedCost += n * lastLoss;
      poweredCost += n * lastPowered;
      if (costSum) {
        const effect = costSum[key]! - n * lastLoss;
        if (Math.abs(effect) > NEGLIGIBLE_EFFECT_PER_PIXEL * n) sink!.group(bandTop, key, n, effect);
        costSum[key] = 0;
      }
      groupCount[key] = 0;
      groupSum[key] = 0;
      if (columnWeight) groupWeight[key] = 0;
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
    sink?.bandDone(bandTop);
  }
  if (validPixels === 0) return { loss: Number.NaN, meanGroupCost: Number.NaN };
  const meanGroupCost = weightedCost / validPixels;
  return {
    loss: minkowski === 1 ? meanGroupCost : (poweredCost / validPixels) ** (1 / minkowski),
    meanGroupCost,
  };
}

/**
 * The locally adaptive loss of Guo et al. as the spec defines it: L_k per scale and sum_k alpha_k L_k.
 * With `sinkFor`, every scale also hands its non-negligible group effects to the sink made for it (the
 * hot spots are built from them) in the same pass; the numbers are the same.
 */
export function adaptiveLoss(
  terms: PixelTerms,
  options: MetricOptions,
  sinkFor?: (k: number) => GroupEffectSink,
): AdaptiveLossResult {
  const weights = effectiveScaleWeights(options);
  const scales = options.scales.map((k) => scaleLoss(terms, k, options, undefined, sinkFor?.(k)));
  const perScale = scales.map((s) => s.loss);
  return {
    perScale,
    adaptive: perScale.reduce((acc, l, i) => acc + weights[i]! * l, 0),
    meanGroupCost: scales.map((s) => s.meanGroupCost),
  };
}

/** M(p) = mean over scales of c(p) - l(w_k(p), y_p); 0 on void pixels. */
export function mergeEffectMap(terms: PixelTerms, pixelCost: Float64Array, options: MetricOptions): Float64Array {
  const map = new Float64Array(terms.label.length);
  for (const k of options.scales) scaleLoss(terms, k, options, { map, pixelCost });
  const scaleCount = options.scales.length;
  for (let p = 0; p < map.length; p++) map[p]! /= scaleCount;
  return map;
}

/**
 * Image-level merge effect: the mean of M over valid pixels. Within each scale the pixel costs of a
 * group sum to CE's share and the group costs to the pixel-weighted mean of group costs, so the mean is
 * CE - mean_k meanGroupCost_k (= CE - mean_k L_k for the v1 loss), and no map is needed for it.
 */
export function meanMergeEffect(ce: number, meanGroupCost: readonly number[]): number {
  return ce - meanGroupCost.reduce((acc, l) => acc + l, 0) / meanGroupCost.length;
}
