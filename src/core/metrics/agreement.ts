/**
 * Likely label errors from the agreement of several models' hard predictions: a valid pixel labelled y
 * is a likely label error when some class c ≠ y is predicted by at least k of the N models. With the
 * default k = ⌈2N/3⌉ (more than half) at most one class can reach k; with a smaller k the class with
 * the most votes is taken, the lower id on a tie. A predicted id outside 0..C−1 votes for nothing.
 */

import { issueRegions, type IssueRegion } from './issueRegions';
import type { ClassMap } from '../types';

export interface AgreementOptions {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  /** k: how many models must predict the same other class. */
  readonly minAgree: number;
}

/** k = ⌈2N/3⌉: two thirds of the models. */
export function defaultMinAgree(models: number): number {
  return Math.ceil((2 * models) / 3);
}

export interface AgreementFigures {
  readonly validPixels: number;
  /** Models whose predictions were counted. */
  readonly models: number;
  readonly likelyLabelErrorPixels: number;
  /** The largest regions (issueRegions.ts); the suggested class is the agreed one, the score the share of models. */
  readonly likelyLabelErrorRegions: readonly IssueRegion[];
}

export interface AgreementMaps {
  /** The class the models agree on where a pixel is a likely label error, −1 elsewhere. */
  readonly agreedClass: Int32Array;
  /** How many models predicted that class, 0 elsewhere. */
  readonly votes: Uint8Array;
}

export class AgreementSizeError extends Error {
  override readonly name = 'AgreementSizeError';
}

/** At most this many models: a pixel's votes are kept in a byte. */
export const MAX_MODELS = 255;

/**
 * The votes of one pixel, packed as class · 256 + votes (−1 when no model predicts another class): the
 * class other than `y` most models predict. One pass over the models with a running count per class
 * (`counts`, all zero on entry and on return): the running leader is the class with the most votes so
 * far, the lower id on a tie, which at the end is the class with the most votes, the lower id on a tie.
 * Linear in the models (a pairwise count is quadratic, which shows where the models disagree); packed,
 * so the hot loop allocates nothing.
 */
function topOtherVote(
  predictions: readonly ArrayLike<number>[],
  p: number,
  y: number,
  numClasses: number,
  counts: Uint8Array,
): number {
  let best = -1;
  let bestVotes = 0;
  const n = predictions.length;
  for (let i = 0; i < n; i++) {
    const c = predictions[i]![p]!;
    if (c === y || c >= numClasses) continue;
    const votes = ++counts[c]!;
    if (votes > bestVotes || (votes === bestVotes && c < best)) {
      best = c;
      bestVotes = votes;
    }
  }
  if (best < 0) return -1;
  for (let i = 0; i < n; i++) {
    const c = predictions[i]![p]!;
    if (c < numClasses) counts[c] = 0;
  }
  return best * 256 + bestVotes;
}

/** Likely label errors of one image from N ≥ 1 hard predictions of the label's size (checked). */
export function likelyLabelErrors(
  label: ClassMap,
  predictions: readonly ClassMap[],
  options: AgreementOptions,
): { figures: AgreementFigures; maps: AgreementMaps } {
  const { width, height } = label;
  for (const prediction of predictions) {
    if (prediction.width !== width || prediction.height !== height)
      throw new AgreementSizeError(
        `prediction is ${prediction.width}x${prediction.height} but its label is ${width}x${height}`,
      );
  }
  const { numClasses, ignoreIndex, minAgree } = options;
  if (predictions.length < 1 || predictions.length > MAX_MODELS)
    throw new RangeError(`agreement needs 1 to ${MAX_MODELS} models, got ${predictions.length}`);
  if (!Number.isInteger(minAgree) || minAgree < 1)
    throw new RangeError(`the models that must agree must be a whole number of at least 1, got ${minAgree}`);
  const ids = predictions.map((prediction) => prediction.ids);
  const labelIds = label.ids;
  const agreedClass = new Int32Array(labelIds.length).fill(-1);
  const votes = new Uint8Array(labelIds.length);
  const flagged = new Uint8Array(labelIds.length);
  const score = new Float64Array(labelIds.length);
  // Running vote counts per class for topOtherVote (at most MAX_MODELS votes: a byte).
  const counts = new Uint8Array(numClasses);
  let validPixels = 0;
  let errors = 0;
  for (let p = 0; p < labelIds.length; p++) {
    const y = labelIds[p]!;
    if (y === ignoreIndex || y >= numClasses) continue;
    validPixels++;
    const top = topOtherVote(ids, p, y, numClasses, counts);
    const count = top & 255;
    if (top < 0 || count < minAgree) continue;
    errors++;
    flagged[p] = 1;
    agreedClass[p] = top >> 8;
    votes[p] = count;
    score[p] = count / predictions.length;
  }
  const regions =
    errors > 0 ? issueRegions({ width, height, label: labelIds, suggested: agreedClass, score, flagged }) : [];
  return {
    figures: {
      validPixels,
      models: predictions.length,
      likelyLabelErrorPixels: errors,
      likelyLabelErrorRegions: regions,
    },
    maps: { agreedClass, votes },
  };
}
