/**
 * What soft predictions say about the labels and about the model's certainty, per image:
 *
 * - Label quality as cleanlab's semantic-segmentation ranking computes it with its defaults
 *   (`cleanlab.segmentation.rank.get_label_quality_scores`, method "softmin", temperature 0.1): each
 *   valid pixel's self-confidence s(p) = P(p, label(p)), pooled by softmin,
 *   Σ s(p)·w(p) / Σ w(p) with w(p) = exp((1 − s(p)) / T) (cleanlab's softmax of 1 − s, shifted by its
 *   max). Low scores are images whose labels the model doubts most. Void pixels are left out (cleanlab
 *   has no void), which is cleanlab's score on an image without void.
 * - Label-issue pixels: s(p) < threshold (cleanlab's `issues_from_scores` default 0.1), and their
 *   regions (issueRegions.ts) with the most likely class as the suggestion.
 * - The share of valid pixels whose top-1 probability is below 0.5, and calibration (calibration.ts).
 */

import { CalibrationTable, expectedCalibrationError, type CalibrationCounts } from './calibration';
import { issueRegions, type IssueRegion } from './issueRegions';
import { tableExp } from './tableExp';

/** cleanlab's default softmin temperature of `get_label_quality_scores`. */
export const SOFTMIN_TEMPERATURE = 0.1;
/** A pixel is unsure when its top-1 probability is below this. */
export const LOW_CONFIDENCE = 0.5;

export interface SoftQuality {
  /** cleanlab's softmin label-quality score in [0, 1]; null when the label has no valid pixel. */
  readonly labelQuality: number | null;
  readonly labelIssuePixels: number;
  /** The largest label-issue regions (at most ISSUE_REGION_LIMIT). */
  readonly labelIssueRegions: readonly IssueRegion[];
  /** Share of valid pixels whose top-1 probability is below LOW_CONFIDENCE; null without valid pixels. */
  readonly lowConfidenceShare: number | null;
  /** The image's own expected calibration error; null without valid pixels. */
  readonly ece: number | null;
  /** The sums the dataset's calibration pools. */
  readonly calibration: CalibrationCounts;
}

export interface SoftQualityInput {
  readonly width: number;
  readonly height: number;
  /** Label id when valid, -1 when void. */
  readonly label: Int32Array;
  /** Argmax class per pixel. */
  readonly predicted: ArrayLike<number>;
  /** s(p) = P(p, label(p)) on valid pixels. */
  readonly truthProbability: Float64Array;
  /** Top-1 probability on valid pixels. */
  readonly confidence: Float64Array;
  readonly validPixels: number;
}

/**
 * cleanlab's softmin over the valid pixels' self-confidences. The weights are exp((min s − s) / T):
 * cleanlab's exp((1 − s)/T − max((1 − s)/T)) with the shift written as the smallest s, so every
 * argument lies in [−1/T, 0] and never overflows.
 */
export function softminLabelQuality(
  label: Int32Array,
  selfConfidence: Float64Array,
  temperature = SOFTMIN_TEMPERATURE,
): number | null {
  let lowest = Infinity;
  for (let p = 0; p < label.length; p++) {
    if (label[p]! >= 0 && selfConfidence[p]! < lowest) lowest = selfConfidence[p]!;
  }
  if (lowest === Infinity) return null;
  let weighted = 0;
  let weights = 0;
  for (let p = 0; p < label.length; p++) {
    if (label[p]! < 0) continue;
    const s = selfConfidence[p]!;
    const w = tableExp((lowest - s) / temperature);
    weighted += s * w;
    weights += w;
  }
  return weighted / weights;
}

/** Label quality, label issues, unsure pixels and calibration sums of one image's soft terms. */
export function softQuality(input: SoftQualityInput, numClasses: number, threshold: number): SoftQuality {
  const { label, predicted, truthProbability, confidence } = input;
  const flagged = new Uint8Array(label.length);
  const table = new CalibrationTable(numClasses);
  let issues = 0;
  let unsure = 0;
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y < 0) continue;
    if (truthProbability[p]! < threshold) {
      flagged[p] = 1;
      issues++;
    }
    const top = confidence[p]!;
    if (top < LOW_CONFIDENCE) unsure++;
    const guess = predicted[p]!;
    table.add(guess, top, guess === y);
  }
  const calibration = table.counts();
  const valid = input.validPixels;
  return {
    labelQuality: softminLabelQuality(label, truthProbability),
    labelIssuePixels: issues,
    labelIssueRegions:
      issues > 0
        ? issueRegions({
            width: input.width,
            height: input.height,
            label,
            suggested: predicted,
            score: truthProbability,
            flagged,
          })
        : [],
    lowConfidenceShare: valid > 0 ? unsure / valid : null,
    ece: expectedCalibrationError(calibration),
    calibration,
  };
}
