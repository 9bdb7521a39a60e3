import type { ClassMap, PixelTerms, Prediction, SoftScores } from '../types';
import { tableExp } from './tableExp';
import type { MetricOptions } from '../options';
import { planePixelTerms, type SoftTermsInput } from './softPlanes';

/** Label id when it counts, -1 when void (ignore index or id >= C). */
export function validLabels(label: ClassMap, options: MetricOptions): { label: Int32Array; validPixels: number } {
  const { numClasses, ignoreIndex } = options;
  const out = new Int32Array(label.ids.length);
  let validPixels = 0;
  for (let p = 0; p < out.length; p++) {
    const id = label.ids[p]!;
    if (id === ignoreIndex || id >= numClasses) {
      out[p] = -1;
    } else {
      out[p] = id;
      validPixels++;
    }
  }
  return { label: out, validPixels };
}

/** Hard class map as the spec's smoothed one-hot: only P(p, y_p) is ever needed. One pass, no copies. */
export function hardPixelTerms(label: ClassMap, prediction: ClassMap, options: MetricOptions): PixelTerms {
  const { numClasses, hardEpsilon, ignoreIndex } = options;
  const hit = 1 - hardEpsilon;
  const miss = hardEpsilon / (numClasses - 1);
  const outside = 1 / numClasses;
  const labelIds = label.ids;
  const predicted = prediction.ids;
  const labels = new Int32Array(labelIds.length);
  const truthProbability = new Float64Array(labelIds.length);
  let validPixels = 0;
  for (let p = 0; p < labels.length; p++) {
    const y = labelIds[p]!;
    if (y === ignoreIndex || y >= numClasses) {
      labels[p] = -1;
      continue;
    }
    labels[p] = y;
    validPixels++;
    const predictedId = predicted[p]!;
    truthProbability[p] = predictedId === y ? hit : predictedId < numClasses ? miss : outside;
  }
  return { width: label.width, height: label.height, label: labels, predicted, truthProbability, validPixels };
}

/**
 * Soft scores to P(p, y_p), the top-1 probability and argmax, in float64: softmax for logits
 * (max-shifted), row renormalisation for probabilities. Only P(p, y_p) and the top-1 probability are
 * kept: CE and every merged distribution's cost read nothing else (q(w,c)[c] is the group mean of
 * P(p, c) over pixels labelled c), and calibration reads the top-1 probability.
 */
export function softPixelTerms(label: ClassMap, scores: SoftScores, options: MetricOptions): PixelTerms {
  const { label: labels, validPixels } = validLabels(label, options);
  const predicted = new Int32Array(labels.length);
  const truthProbability = new Float64Array(labels.length);
  const confidence = new Float64Array(labels.length);
  const { values, channels, kind } = scores;
  const input = { values, channels, labels, kind };
  if (scores.layout === 'chw') planePixelTerms(input, predicted, truthProbability, confidence);
  else hwcPixelTerms(input, predicted, truthProbability, confidence);
  return {
    width: label.width,
    height: label.height,
    label: labels,
    predicted,
    truthProbability,
    confidence,
    validPixels,
  };
}

/** The HWC layout, one pixel's C values after another: one pass per pixel. */
function hwcPixelTerms(
  input: SoftTermsInput,
  predicted: Int32Array,
  truthProbability: Float64Array,
  confidence: Float64Array,
): void {
  const { values, channels, labels } = input;
  const isLogits = input.kind === 'logits';
  for (let p = 0, offset = 0; p < labels.length; p++, offset += channels) {
    let best = values[offset]!;
    let bestClass = 0;
    for (let c = 1; c < channels; c++) {
      const v = values[offset + c]!;
      if (v > best) {
        best = v;
        bestClass = c;
      }
    }
    predicted[p] = bestClass;
    const y = labels[p]!;
    if (y < 0) continue;
    let total = 0;
    if (isLogits) {
      for (let c = 0; c < channels; c++) total += tableExp(values[offset + c]! - best);
      truthProbability[p] = tableExp(values[offset + y]! - best) / total;
      confidence[p] = 1 / total; // the top class's exp is tableExp(0) = 1 exactly
    } else {
      for (let c = 0; c < channels; c++) total += values[offset + c]!;
      truthProbability[p] = total > 0 ? values[offset + y]! / total : 1 / channels;
      confidence[p] = total > 0 ? best / total : 1 / channels;
    }
  }
}

export function pixelTerms(label: ClassMap, prediction: Prediction, options: MetricOptions): PixelTerms {
  return prediction.type === 'hard'
    ? hardPixelTerms(label, prediction.map, options)
    : softPixelTerms(label, prediction.scores, options);
}
