import {
  effectiveBoundaryRatio,
  effectiveLabelIssueThreshold,
  validateMetricOptions,
  type MetricOptions,
} from '../options';
import type {
  ClassMap,
  ConfusionMatrix,
  HotSpotRegion,
  ImageMaps,
  ImageMetrics,
  PixelTerms,
  Prediction,
  SoftScores,
} from '../types';
import { predictionSize } from '../types';
import { meanMergeEffect, mergeEffectMap, type AdaptiveLossResult } from './adaptiveLoss';
import {
  boundaryBandMap,
  boundaryCounts,
  boundaryCountsOfRuns,
  boundarySummary,
  type BoundaryCounts,
} from './boundaryIoU';
import { classScores } from './classScores';
import { classAreas, confusionOf, iouOfAreas } from './confusion';
import { meanCost, pixelCostMap } from './crossEntropy';
import { fusedHardApplies, fusedHardMetrics, type FusedHardResult } from './fusedHard';
import { fusedHardWeightedMetrics } from './fusedHardWeighted';
import { adaptiveLossAndHotSpots, rankHotSpots, ScaleHotSpots } from './hotSpots';
import { mapRuns } from './idRuns';
import { hardPixelTerms, pixelTerms } from './pixelTerms';
import { softQuality } from './softQuality';
import { uncertaintyMaps, type UncertaintyMaps } from './uncertainty';

export class SizeMismatchError extends Error {
  override readonly name = 'SizeMismatchError';
}

export interface ImageEvaluation {
  readonly metrics: ImageMetrics;
  readonly maps: ImageMaps;
  /** Out-of-range ids, when the kernel counted them on its way (the fused hard kernel does). */
  readonly outOfRange?: FusedHardResult['outOfRange'];
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * All metrics of one image from its per-pixel terms; soft terms (with a top-1 confidence) add label
 * quality and calibration, and `scores` the uncertainty maps for the inspector.
 */
export function metricsFromTerms(terms: PixelTerms, options: MetricOptions, scores?: SoftScores): ImageEvaluation {
  validateMetricOptions(options);
  const pixelCost = pixelCostMap(terms);
  const ce = meanCost(pixelCost, terms.validPixels);
  const { loss: adaptive, hotSpots: spots } = adaptiveLossAndHotSpots(terms, pixelCost, options);
  const confusion = confusionOf(terms, options.numClasses);
  const boundary = boundaryCounts(terms, options.numClasses, effectiveBoundaryRatio(options));
  const threshold = effectiveLabelIssueThreshold(options);
  const soft = terms.confidence
    ? softQuality({ ...terms, confidence: terms.confidence }, options.numClasses, threshold)
    : undefined;
  const maps = lazyMaps(
    terms,
    () => terms,
    options,
    () => pixelCost,
    spots,
  );
  return {
    metrics: { ...assembleMetrics(terms, ce, adaptive, confusion, boundary, spots, options), ...soft },
    maps: soft ? withSoftMaps(maps, terms, threshold, scores) : maps,
  };
}

/**
 * The soft-only maps, made on first access like the others: the label-issue mask from the terms, and
 * the uncertainty maps from the scores (when the caller kept them; a folder run's buffer is reused).
 */
function withSoftMaps(maps: ImageMaps, terms: PixelTerms, threshold: number, scores?: SoftScores): ImageMaps {
  let uncertainty: UncertaintyMaps | undefined;
  let labelIssues: Uint8Array | undefined;
  const extra: PropertyDescriptorMap = {
    labelIssues: {
      enumerable: true,
      get: () => (labelIssues ??= labelIssueMask(terms, threshold)),
    },
  };
  if (scores) {
    const of = (): UncertaintyMaps => (uncertainty ??= uncertaintyMaps(scores));
    extra['confidence'] = { enumerable: true, get: () => of().confidence };
    extra['entropy'] = { enumerable: true, get: () => of().entropy };
    extra['margin'] = { enumerable: true, get: () => of().margin };
  }
  return Object.defineProperties(maps, extra);
}

/** 1 where a valid pixel's self-confidence is below the threshold (SoftQuality's label-issue pixels). */
export function labelIssueMask(terms: PixelTerms, threshold: number): Uint8Array {
  const mask = new Uint8Array(terms.label.length);
  for (let p = 0; p < mask.length; p++) {
    if (terms.label[p]! >= 0 && terms.truthProbability[p]! < threshold) mask[p] = 1;
  }
  return mask;
}

/**
 * A hard prediction through a fused kernel (fusedHard.ts for the v1 loss on nested scales,
 * fusedHardWeighted.ts for any other loss variant or scales): the same metrics without per-pixel
 * terms, which only the inspector's maps need, so they are built on first access.
 */
function fusedHardEvaluation(label: ClassMap, prediction: ClassMap, options: MetricOptions): ImageEvaluation {
  validateMetricOptions(options);
  const { width, height } = label;
  // The hot spots are built from the kernel's groups, as adaptiveLossAndHotSpots builds them from the
  // general pass (the collectors read no c(p): they are handed each group's effect).
  const collectors = new Map<number, ScaleHotSpots>();
  // Both maps as runs, once: the kernel's pure-window search and Boundary IoU read them.
  const runs = mapRuns(label.ids, prediction.ids, width, height);
  const kernel = fusedHardApplies(options) ? fusedHardMetrics : fusedHardWeightedMetrics;
  const fused = kernel(
    label,
    prediction,
    options,
    (k) => {
      const collector = new ScaleHotSpots(NO_PIXEL_COSTS, k, options.numClasses, width, height);
      collectors.set(k, collector);
      return collector;
    },
    runs,
  );
  const spots = rankHotSpots(
    options.scales.map((k) => collectors.get(k)!),
    options.scales,
    fused.validPixels,
  );
  for (const collector of collectors.values()) collector.release();
  let terms: PixelTerms | undefined;
  const lazyTerms = (): PixelTerms => (terms ??= hardPixelTerms(label, prediction, options));
  let costs: Float64Array | undefined;
  const lazyCosts = (): Float64Array => (costs ??= pixelCostMap(lazyTerms()));
  const boundary = boundaryCountsOfRuns(runs, options.numClasses, options.ignoreIndex, effectiveBoundaryRatio(options));
  const size = { width, height, validPixels: fused.validPixels };
  return {
    metrics: assembleMetrics(size, fused.ce, fused.adaptive, fused.confusion, boundary, spots, options),
    maps: lazyMaps(label, lazyTerms, options, lazyCosts, spots),
    outOfRange: fused.outOfRange,
  };
}

const NO_PIXEL_COSTS = new Float64Array(0);

function assembleMetrics(
  size: { readonly width: number; readonly height: number; readonly validPixels: number },
  ce: number,
  adaptive: AdaptiveLossResult,
  confusion: ConfusionMatrix,
  boundary: BoundaryCounts,
  spots: readonly HotSpotRegion[],
  options: MetricOptions,
): ImageMetrics {
  // The record keeps the largest region's figures, not its windows (those are for the inspector).
  const largest = spots[0];
  let largestHotSpot: ImageMetrics['largestHotSpot'] = null;
  if (largest !== undefined) {
    const { cells: _windows, ...figures } = largest;
    largestHotSpot = figures;
  }
  const areas = classAreas(confusion);
  const iou = iouOfAreas(areas);
  const scores = classScores(areas);
  const boundaryIoU = boundarySummary(boundary);
  const perScale: Record<string, number | null> = {};
  options.scales.forEach((k, i) => {
    perScale[String(k)] = finiteOrNull(adaptive.perScale[i]!);
  });
  return {
    width: size.width,
    height: size.height,
    validPixels: size.validPixels,
    ce: finiteOrNull(ce),
    adaptive: finiteOrNull(adaptive.adaptive),
    perScale,
    mergeEffect: finiteOrNull(meanMergeEffect(ce, adaptive.meanGroupCost)),
    miou: iou.miou,
    pixelAccuracy: iou.pixelAccuracy,
    perClassIoU: iou.perClassIoU,
    largestHotSpot,
    boundaryMiou: boundaryIoU.boundaryMiou,
    perClassBoundaryIoU: boundaryIoU.perClassBoundaryIoU,
    meanAccuracy: scores.meanAccuracy,
    meanDice: scores.meanDice,
    confusion,
    boundary,
  };
}

/**
 * The per-pixel maps only the inspector reads, computed on first access: folder runs (CLI, workers)
 * never touch them, and the merge-effect map alone is a pass per scale over every pixel. The general
 * path computes c(p) anyway (its hot spots need it) and shares it; the fused hard kernel needs neither
 * c(p) nor the per-pixel terms, so there both are made on first access.
 * Getters are plain enumerable properties to spread, JSON and structured clone, so callers see no difference.
 */
function lazyMaps(
  { width, height }: { readonly width: number; readonly height: number },
  termsOf: () => PixelTerms,
  options: MetricOptions,
  pixelCost64: () => Float64Array,
  spots: readonly HotSpotRegion[],
): ImageMaps {
  let predicted: Int32Array | undefined;
  let truthProbability: Float32Array | undefined;
  let pixelCost: Float32Array | undefined;
  let mergeEffect: Float32Array | undefined;
  let boundaryBand: Uint8Array | undefined;
  return {
    width,
    height,
    get label() {
      return termsOf().label;
    },
    get predicted() {
      const terms = termsOf();
      return (predicted ??= terms.predicted instanceof Int32Array ? terms.predicted : Int32Array.from(terms.predicted));
    },
    get truthProbability() {
      return (truthProbability ??= new Float32Array(termsOf().truthProbability));
    },
    get pixelCost() {
      return (pixelCost ??= new Float32Array(pixelCost64()));
    },
    hotSpots: spots,
    get mergeEffect() {
      return (mergeEffect ??= new Float32Array(mergeEffectMap(termsOf(), pixelCost64(), options)));
    },
    get boundaryBand() {
      return (boundaryBand ??= boundaryBandMap(termsOf(), options.numClasses, effectiveBoundaryRatio(options)));
    },
  };
}

export function checkSameSize(label: ClassMap, prediction: Prediction): void {
  const size = predictionSize(prediction);
  if (size.width !== label.width || size.height !== label.height) {
    throw new SizeMismatchError(
      `prediction is ${size.width}x${size.height} but its label is ${label.width}x${label.height}`,
    );
  }
}

/** Evaluates one label/prediction pair exactly as docs/spec/loss.md defines it. */
export function evaluatePair(label: ClassMap, prediction: Prediction, options: MetricOptions): ImageEvaluation {
  checkSameSize(label, prediction);
  if (prediction.type === 'soft' && prediction.scores.channels !== options.numClasses) {
    throw new RangeError(
      `prediction has ${prediction.scores.channels} channels but ${options.numClasses} classes are set`,
    );
  }
  if (prediction.type === 'hard') return fusedHardEvaluation(label, prediction.map, options);
  return metricsFromTerms(pixelTerms(label, prediction, options), options, prediction.scores);
}
