import { effectiveBoundaryRatio, validateMetricOptions, type MetricOptions } from '../options';
import type { ClassMap, HotSpot, ImageMaps, ImageMetrics, PixelTerms, Prediction } from '../types';
import { predictionSize } from '../types';
import { meanMergeEffect, mergeEffectMap } from './adaptiveLoss';
import { boundaryBandMap, boundaryCounts, boundarySummary } from './boundaryIoU';
import { confusionOf, iouSummary } from './confusion';
import { meanCost, pixelCostMap } from './crossEntropy';
import { adaptiveLossAndHotSpots } from './hotSpots';
import { pixelTerms } from './pixelTerms';

export class SizeMismatchError extends Error {
  override readonly name = 'SizeMismatchError';
}

export interface ImageEvaluation {
  readonly metrics: ImageMetrics;
  readonly maps: ImageMaps;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** All metrics of one image from its per-pixel terms. */
export function metricsFromTerms(terms: PixelTerms, options: MetricOptions): ImageEvaluation {
  validateMetricOptions(options);
  const pixelCost = pixelCostMap(terms);
  const ce = meanCost(pixelCost, terms.validPixels);
  const { loss: adaptive, hotSpots: spots } = adaptiveLossAndHotSpots(terms, pixelCost, options);
  const confusion = confusionOf(terms, options.numClasses);
  const iou = iouSummary(confusion);
  const boundary = boundaryCounts(terms, options.numClasses, effectiveBoundaryRatio(options));
  const boundaryIoU = boundarySummary(boundary);
  const perScale: Record<string, number | null> = {};
  options.scales.forEach((k, i) => {
    perScale[String(k)] = finiteOrNull(adaptive.perScale[i]!);
  });
  const metrics: ImageMetrics = {
    width: terms.width,
    height: terms.height,
    validPixels: terms.validPixels,
    ce: finiteOrNull(ce),
    adaptive: finiteOrNull(adaptive.adaptive),
    perScale,
    mergeEffect: finiteOrNull(meanMergeEffect(ce, adaptive.meanGroupCost)),
    miou: iou.miou,
    pixelAccuracy: iou.pixelAccuracy,
    perClassIoU: iou.perClassIoU,
    largestHotSpot: spots[0] ?? null,
    boundaryMiou: boundaryIoU.boundaryMiou,
    perClassBoundaryIoU: boundaryIoU.perClassBoundaryIoU,
    confusion,
    boundary,
  };
  return { metrics, maps: lazyMaps(terms, options, pixelCost, spots) };
}

/**
 * The per-pixel maps only the inspector reads, computed on first access: folder runs (CLI, workers)
 * never touch them, and the merge-effect map alone is a pass per scale over every pixel. c(p) is computed
 * anyway (the hot spots need it), so it is shared.
 * Getters are plain enumerable properties to spread, JSON and structured clone, so callers see no difference.
 */
function lazyMaps(
  terms: PixelTerms,
  options: MetricOptions,
  pixelCost64: Float64Array,
  spots: readonly HotSpot[],
): ImageMaps {
  let predicted: Int32Array | undefined;
  let truthProbability: Float32Array | undefined;
  let pixelCost: Float32Array | undefined;
  let mergeEffect: Float32Array | undefined;
  let boundaryBand: Uint8Array | undefined;
  return {
    width: terms.width,
    height: terms.height,
    label: terms.label,
    get predicted() {
      return (predicted ??= terms.predicted instanceof Int32Array ? terms.predicted : Int32Array.from(terms.predicted));
    },
    get truthProbability() {
      return (truthProbability ??= new Float32Array(terms.truthProbability));
    },
    get pixelCost() {
      return (pixelCost ??= new Float32Array(pixelCost64));
    },
    hotSpots: spots,
    get mergeEffect() {
      return (mergeEffect ??= new Float32Array(mergeEffectMap(terms, pixelCost64, options)));
    },
    get boundaryBand() {
      return (boundaryBand ??= boundaryBandMap(terms, options.numClasses, effectiveBoundaryRatio(options)));
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

/** Evaluates one label/prediction pair exactly as shared/spec/loss.md defines it. */
export function evaluatePair(label: ClassMap, prediction: Prediction, options: MetricOptions): ImageEvaluation {
  checkSameSize(label, prediction);
  if (prediction.type === 'soft' && prediction.scores.channels !== options.numClasses) {
    throw new RangeError(
      `prediction has ${prediction.scores.channels} channels but ${options.numClasses} classes are set`,
    );
  }
  return metricsFromTerms(pixelTerms(label, prediction, options), options);
}
