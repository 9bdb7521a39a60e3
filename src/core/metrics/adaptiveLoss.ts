import { effectiveScaleWeights, type MetricOptions } from '../options';
import type { PixelTerms } from '../types';
import { cost } from './crossEntropy';

export interface AdaptiveLossResult {
  /** L_k for each scale, in the order of options.scales. */
  readonly perScale: number[];
  /** sum_k alpha_k L_k. */
  readonly adaptive: number;
  /** M(p): mean over scales of c(p) - l(w_k(p), y_p); 0 on void pixels. */
  readonly mergeEffectMap: Float64Array;
  /** Mean of M over valid pixels. */
  readonly mergeEffect: number;
}

/**
 * The locally adaptive loss of Guo et al. as the spec defines it.
 * Only q(w,c)[c] enters the group cost, and it is the group mean of P(p, y_p), so each scale is one
 * segment-mean of the true-class probability. Windows are processed one band of k rows at a time so
 * memory stays O(width / k * C) whatever the image size.
 */
export function adaptiveLoss(terms: PixelTerms, pixelCost: Float64Array, options: MetricOptions): AdaptiveLossResult {
  const { width, height, label, truthProbability, validPixels } = terms;
  const numClasses = options.numClasses;
  const weights = effectiveScaleWeights(options);
  const mergeEffectMap = new Float64Array(label.length);
  const perScale: number[] = [];

  for (const k of options.scales) {
    const windowsPerRow = Math.ceil(width / k);
    const groupSum = new Float64Array(windowsPerRow * numClasses);
    const groupCount = new Int32Array(windowsPerRow * numClasses);
    const groupCost = new Float64Array(windowsPerRow * numClasses);
    const columnKey = new Int32Array(width);
    for (let x = 0; x < width; x++) columnKey[x] = Math.floor(x / k) * numClasses;
    // Groups of the current band in the order of their first pixel, so L_k sums them in exactly the
    // order a per-pixel first-visit check would, without that unpredictable branch on every pixel.
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
      for (let rowStart = bandTop * width; rowStart < bandEnd; rowStart += width) {
        for (let x = 0; x < width; x++) {
          const p = rowStart + x;
          const y = label[p]!;
          if (y < 0) continue;
          mergeEffectMap[p]! += pixelCost[p]! - groupCost[columnKey[x]! + y]!;
        }
      }
    }
    perScale.push(validPixels > 0 ? weightedCost / validPixels : Number.NaN);
  }

  const scaleCount = options.scales.length;
  let mergeSum = 0;
  for (let p = 0; p < mergeEffectMap.length; p++) {
    if (label[p]! < 0) continue;
    const m = mergeEffectMap[p]! / scaleCount;
    mergeEffectMap[p] = m;
    mergeSum += m;
  }
  const adaptive = perScale.reduce((acc, l, i) => acc + weights[i]! * l, 0);
  return {
    perScale,
    adaptive,
    mergeEffectMap,
    mergeEffect: validPixels > 0 ? mergeSum / validPixels : Number.NaN,
  };
}
