import { effectiveScaleWeights, lossVariant, type MetricOptions } from '../options';
import type { ClassMap, ConfusionMatrix } from '../types';
import { gaussianProfile } from './adaptiveLoss';
import { emptyConfusion } from './confusion';
import { RangeCounter, type FusedHardResult, type GroupSink } from './fusedHard';
import { mapRuns, rowSegments, type MapRuns } from './idRuns';
import { crossEntropyOf, hardCosts, type HardCosts } from './hardCosts';
import { WeightedScale, type ImageSegments } from './weightedScale';

/**
 * The fused kernel for hard predictions under any loss variant (Gaussian pooling, a Minkowski
 * exponent, scales that are not nested): what fusedHard.ts does for the v1 loss, with no per-pixel
 * float map. Gaussian weights differ from scale to scale (σ·k), so a scale's groups are not unions of
 * a smaller scale's: each scale walks the rows' segments on its own (WeightedScale), and the segments
 * are found once for all of them. CE, the confusion matrix and the out-of-range ids come from one walk
 * over the same segments.
 *
 * Same definitions as the general path (pixelTerms + adaptiveLoss + confusionOf), summed in another
 * order: results agree to rounding (test/core/metrics/fusedHardWeighted.test.ts checks 1e-12).
 */

/** The rows of an image as segments, into a buffer kept from image to image (grown as needed). */
let segmentBuffer = new Int32Array(0);

function imageSegments(runs: MapRuns, width: number, height: number): ImageSegments {
  const { label, predicted } = runs;
  const rowOffset = new Int32Array(height);
  const rowCount = new Int32Array(height);
  let at = 0;
  for (let row = 0; row < height; row++) {
    // A row equal to the one above in both maps has its segments.
    if (row > 0 && label.repeatsAbove[row] === 1 && predicted.repeatsAbove[row] === 1) {
      rowOffset[row] = rowOffset[row - 1]!;
      rowCount[row] = rowCount[row - 1]!;
      continue;
    }
    if (segmentBuffer.length < at + 3 * width) {
      const larger = new Int32Array(Math.max(2 * segmentBuffer.length, at + 3 * width * Math.min(height, 64)));
      larger.set(segmentBuffer.subarray(0, at));
      segmentBuffer = larger;
    }
    rowOffset[row] = at;
    rowCount[row] = rowSegments(label, row, predicted, row, segmentBuffer, at);
    at += 3 * rowCount[row]!;
  }
  return { segments: segmentBuffer, rowOffset, rowCount };
}

interface BaseCounts {
  readonly confusion: ConfusionMatrix;
  readonly validPixels: number;
  readonly ce: number;
  readonly outOfRange: FusedHardResult['outOfRange'];
}

/** The confusion matrix, valid pixels, CE and out-of-range ids, a segment at a time. */
function baseCounts(image: ImageSegments, height: number, costs: HardCosts): BaseCounts {
  const { numClasses: C, ignoreIndex } = costs;
  const confusion = emptyConfusion(C);
  const labelRange = new RangeCounter();
  const predictionRange = new RangeCounter();
  const { segments, rowOffset, rowCount } = image;
  let valid = 0;
  for (let row = 0; row < height; row++) {
    const offset = rowOffset[row]!;
    for (let s = 0, from = 0; s < rowCount[row]!; s++) {
      const to = segments[offset + 3 * s]!;
      const y = segments[offset + 3 * s + 1]!;
      const guess = segments[offset + 3 * s + 2]!;
      const pixels = to - from;
      from = to;
      if (y >= C || y === ignoreIndex) {
        if (y !== ignoreIndex) labelRange.add(y, pixels);
        continue;
      }
      valid += pixels;
      if (guess < C) confusion.counts[y * C + guess]! += pixels;
      else {
        confusion.unknown[y]! += pixels;
        predictionRange.add(guess, pixels);
      }
    }
  }
  const range = (r: RangeCounter): FusedHardResult['outOfRange']['label'] => ({ count: r.count, largest: r.largest });
  return {
    confusion,
    validPixels: valid,
    ce: crossEntropyOf(confusion, valid, costs),
    outOfRange: { label: range(labelRange), prediction: range(predictionRange) },
  };
}

/** Pooling profiles by (length, k, pooling, σ), kept from image to image: a VOC folder has a few sizes. */
const profiles = new Map<string, Float64Array>();

function profile(length: number, k: number, options: MetricOptions): Float64Array {
  const { pooling, poolingSigma } = lossVariant(options);
  const key = `${length} ${k} ${pooling} ${poolingSigma}`;
  let found = profiles.get(key);
  if (!found) {
    if (profiles.size >= 64) profiles.clear();
    // Uniform pooling is every weight 1: the same pass, exact sums of ones.
    found = pooling === 'gaussian' ? gaussianProfile(length, k, poolingSigma) : new Float64Array(length).fill(1);
    profiles.set(key, found);
  }
  return found;
}

/**
 * Scales by (width, C, k), kept from image to image; taken while a pass runs, so a pass that throws
 * never gives back half-counted groups.
 */
const keptScales = new Map<string, WeightedScale>();

function takeScale(width: number, numClasses: number, k: number): WeightedScale {
  const key = `${width} ${numClasses} ${k}`;
  const scale = keptScales.get(key) ?? new WeightedScale(width, numClasses, k);
  keptScales.delete(key);
  return scale;
}

function giveScale(scale: WeightedScale): void {
  if (keptScales.size >= 16) keptScales.clear();
  keptScales.set(`${scale.width} ${scale.numClasses} ${scale.k}`, scale);
}

/**
 * CE, every L_k (with its pixel-weighted mean of group costs) and the confusion matrix of a hard
 * prediction under any loss variant; the caller has checked the sizes. With `sinkFor`, each scale hands
 * its groups with a merge effect to the sink made for it, as fusedHardMetrics does.
 */
export function fusedHardWeightedMetrics(
  label: ClassMap,
  prediction: ClassMap,
  options: MetricOptions,
  sinkFor?: (k: number) => GroupSink,
  runs: MapRuns = mapRuns(label.ids, prediction.ids, label.width, label.height),
): FusedHardResult {
  const { width, height } = label;
  const costs = hardCosts(options);
  const image = imageSegments(runs, width, height);
  const base = baseCounts(image, height, costs);
  const valid = base.validPixels;
  const m = costs.minkowski;
  const perScale: number[] = [];
  const meanGroupCost: number[] = [];
  for (const k of options.scales) {
    const scale = takeScale(width, costs.numClasses, k);
    const rowAndColumn = { row: profile(height, k, options), column: profile(width, k, options) };
    const sums = scale.run(image, height, rowAndColumn, costs, sinkFor?.(k));
    giveScale(scale);
    meanGroupCost.push(valid > 0 ? sums.cost / valid : Number.NaN);
    perScale.push(valid === 0 ? Number.NaN : m === 1 ? sums.cost / valid : (sums.powered / valid) ** (1 / m));
  }
  const weights = effectiveScaleWeights(options);
  const adaptive = perScale.reduce((acc, l, i) => acc + weights[i]! * l, 0);
  return { ...base, adaptive: { perScale, adaptive, meanGroupCost } };
}
