import { validateMetricOptions, type MetricOptions } from '../options';
import type { ClassMap, ImageMaps, ImageMetrics, PixelTerms, Prediction } from '../types';
import { predictionSize } from '../types';
import { adaptiveLoss } from './adaptiveLoss';
import { confusionOf, iouSummary } from './confusion';
import { crossEntropy } from './crossEntropy';
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
  const { pixelCost, ce } = crossEntropy(terms);
  const adaptive = adaptiveLoss(terms, pixelCost, options);
  const confusion = confusionOf(terms, options.numClasses);
  const iou = iouSummary(confusion);
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
    mergeEffect: finiteOrNull(adaptive.mergeEffect),
    miou: iou.miou,
    pixelAccuracy: iou.pixelAccuracy,
    perClassIoU: iou.perClassIoU,
    confusion,
  };
  return { metrics, maps: lazyMaps(terms, pixelCost, adaptive.mergeEffectMap) };
}

/**
 * The float32 maps only the inspector reads, converted on first access: folder runs (CLI, workers)
 * never touch them, and converting three full-image arrays was a fifth of a hard image's metric time.
 * Getters are plain enumerable properties to spread, JSON and structured clone, so callers see no difference.
 */
function lazyMaps(terms: PixelTerms, pixelCost: Float64Array, mergeEffectMap: Float64Array): ImageMaps {
  let truthProbability: Float32Array | undefined;
  let cost: Float32Array | undefined;
  let mergeEffect: Float32Array | undefined;
  return {
    width: terms.width,
    height: terms.height,
    label: terms.label,
    predicted: terms.predicted,
    get truthProbability() {
      return (truthProbability ??= new Float32Array(terms.truthProbability));
    },
    get pixelCost() {
      return (cost ??= new Float32Array(pixelCost));
    },
    get mergeEffect() {
      return (mergeEffect ??= new Float32Array(mergeEffectMap));
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
    throw new RangeError(`prediction has ${prediction.scores.channels} channels but ${options.numClasses} classes are set`);
  }
  return metricsFromTerms(pixelTerms(label, prediction, options), options);
}
