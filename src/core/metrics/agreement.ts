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

/**
 * Adds 1 to `others` where `modelIds` holds a valid class that is not the label's. Byte class maps of
 * at most 128 classes are taken four pixels at a time (SIMD within a register), and a word where the
 * model agrees with the label, as models mostly do, costs one comparison.
 */
function countOtherVotes(
  modelIds: Uint8Array | Uint16Array,
  labelIds: Uint8Array | Uint16Array,
  numClasses: number,
  others: Uint8Array,
): void {
  const size = labelIds.length;
  let from = 0;
  if (
    numClasses <= 128 &&
    modelIds instanceof Uint8Array &&
    labelIds instanceof Uint8Array &&
    modelIds.byteOffset % 4 === 0 &&
    labelIds.byteOffset % 4 === 0 &&
    others.byteOffset % 4 === 0
  ) {
    const words = size >>> 2;
    const model = new Int32Array(modelIds.buffer, modelIds.byteOffset, words);
    const label = new Int32Array(labelIds.buffer, labelIds.byteOffset, words);
    const counts = new Int32Array(others.buffer, others.byteOffset, words);
    // Per byte: 128 − numClasses, so that (c & 0x7f) + it carries into the byte's top bit exactly when c ≥ numClasses.
    const bias = (0x80 - numClasses) * 0x01010101;
    for (let w = 0; w < words; w++) {
      const c = model[w]!;
      const differs = c ^ label[w]!;
      if (differs === 0) continue;
      // Top bit of each byte: set where the model's class differs from the label's …
      const other = (((differs & 0x7f7f7f7f) + 0x7f7f7f7f) | differs) & 0x80808080;
      // … and where the model's class is not a valid one (≥ numClasses).
      const invalid = (((c & 0x7f7f7f7f) + bias) | c) & 0x80808080;
      // One vote per such byte; a byte never exceeds MAX_MODELS, so nothing carries into the next.
      counts[w] = counts[w]! + ((other & ~invalid) >>> 7);
    }
    from = words * 4;
  }
  for (let p = from; p < size; p++) others[p] = others[p]! + otherVote(modelIds[p]!, labelIds[p]!, numClasses);
}

/**
 * 1 when the model's class `c` is valid and not the label's `y`, else 0, without a branch (where models
 * disagree with the label at random, a branch here is mispredicted half the time). Both are class ids
 * below 2^16, so `−(c ^ y) >>> 31` is 1 exactly when they differ and `(c − numClasses) >>> 31` exactly
 * when c < numClasses.
 */
function otherVote(c: number, y: number, numClasses: number): number {
  return (-(c ^ y) >>> 31) & ((c - numClasses) >>> 31);
}

/** Where one image's vote is written: its maps, and the flagged pixels in row-major order. */
interface VoteMaps extends AgreementMaps {
  /** 1 where the pixel is flagged (all zero on entry). */
  readonly flagged: Uint8Array;
  /** A flagged pixel's score: the share of the models voting for the agreed class (written only there). */
  readonly score: Float64Array;
  readonly flaggedPixels: number[];
}

/**
 * The vote over every pixel, written into `out`; returns the valid pixels. A function of its own, apart
 * from the regions and the result objects: V8 then optimises this loop once and keeps it (in one
 * function with them, the loop was thrown back to the interpreter at each image's first flagged pixel).
 */
function castVotes(
  ids: readonly (Uint8Array | Uint16Array)[],
  labelIds: Uint8Array | Uint16Array,
  others: Uint8Array,
  { numClasses, ignoreIndex, minAgree }: AgreementOptions,
  out: VoteMaps,
): number {
  // Running vote counts per class for topOtherVote (at most MAX_MODELS votes: a byte).
  const counts = new Uint8Array(numClasses);
  let validPixels = 0;
  for (let p = 0; p < labelIds.length; p++) {
    const y = labelIds[p]!;
    if (y !== ignoreIndex && y < numClasses) validPixels++;
  }
  // Only pixels with k or more votes for other classes are voted on: skip four at a time where none has any.
  const aligned = others.byteOffset % 4 === 0;
  const words = aligned ? others.length >>> 2 : 0;
  const anyVote = new Int32Array(others.buffer, others.byteOffset, words);
  for (let w = 0; w < words; w++) if (anyVote[w] !== 0) voteOn(w * 4, w * 4 + 4);
  voteOn(words * 4, others.length);

  function voteOn(from: number, to: number): void {
    for (let p = from; p < to; p++) {
      if (others[p]! < minAgree) continue;
      const y = labelIds[p]!;
      if (y === ignoreIndex || y >= numClasses) continue;
      const top = topOtherVote(ids, p, y, numClasses, counts);
      const count = top & 255;
      if (top < 0 || count < minAgree) continue;
      out.flaggedPixels.push(p);
      out.flagged[p] = 1;
      out.agreedClass[p] = top >> 8;
      out.votes[p] = count;
      out.score[p] = count / ids.length;
    }
  }
  return validPixels;
}

/**
 * Buffers of one image's vote kept for the next image of the same thread (a worker judges thousands
 * of images, and allocating them afresh for each was a tenth of its time). Cleared where written.
 */
const scratch = {
  others: new Uint8Array(0),
  flagged: new Uint8Array(0),
  agreedClass: new Int32Array(0),
  votes: new Uint8Array(0),
  score: new Float64Array(0),
};

function scratchOf(size: number): typeof scratch {
  if (scratch.others.length < size) {
    scratch.others = new Uint8Array(size);
    scratch.flagged = new Uint8Array(size);
    scratch.agreedClass = new Int32Array(size);
    scratch.votes = new Uint8Array(size);
    scratch.score = new Float64Array(size);
  }
  return scratch;
}

/**
 * Likely label errors of one image from N ≥ 1 hard predictions of the label's size (checked). The
 * per-pixel maps are made only when `withMaps` (the inspector's layer); without, the figures alone.
 */
export function likelyLabelErrors(
  label: ClassMap,
  predictions: readonly ClassMap[],
  options: AgreementOptions,
): { figures: AgreementFigures; maps: AgreementMaps };
export function likelyLabelErrors(
  label: ClassMap,
  predictions: readonly ClassMap[],
  options: AgreementOptions,
  withMaps: false,
): { figures: AgreementFigures; maps: null };
export function likelyLabelErrors(
  label: ClassMap,
  predictions: readonly ClassMap[],
  options: AgreementOptions,
  withMaps = true,
): { figures: AgreementFigures; maps: AgreementMaps | null } {
  const { width, height } = label;
  for (const prediction of predictions) {
    if (prediction.width !== width || prediction.height !== height)
      throw new AgreementSizeError(
        `prediction is ${prediction.width}x${prediction.height} but its label is ${width}x${height}`,
      );
  }
  const { numClasses, minAgree } = options;
  if (predictions.length < 1 || predictions.length > MAX_MODELS)
    throw new RangeError(`agreement needs 1 to ${MAX_MODELS} models, got ${predictions.length}`);
  if (!Number.isInteger(minAgree) || minAgree < 1)
    throw new RangeError(`the models that must agree must be a whole number of at least 1, got ${minAgree}`);
  const ids = predictions.map((prediction) => prediction.ids);
  const labelIds = label.ids;
  const size = labelIds.length;
  const buffers = scratchOf(size);
  // Per pixel, how many models predict a valid class other than the label's: only where k or more do
  // can some class reach k. One pass per model over its whole map, so the usual pixel, where most
  // models agree with the label, costs N comparisons and no vote count.
  const others = buffers.others.subarray(0, size);
  for (const modelIds of ids) countOtherVotes(modelIds, labelIds, numClasses, others);
  // The maps the inspector draws are read everywhere (fresh, −1 for no agreed class); otherwise only
  // the flagged pixels are read, so the kept buffers need no clearing.
  const maps: AgreementMaps = withMaps
    ? { agreedClass: new Int32Array(size).fill(-1), votes: new Uint8Array(size) }
    : { agreedClass: buffers.agreedClass, votes: buffers.votes };
  const flagged = buffers.flagged;
  const flaggedPixels: number[] = [];
  const score = buffers.score;
  const validPixels = castVotes(ids, labelIds, others, options, { ...maps, flagged, score, flaggedPixels });
  const errors = flaggedPixels.length;
  const regions =
    errors > 0
      ? issueRegions({ width, height, label: labelIds, suggested: maps.agreedClass, score, flagged, flaggedPixels })
      : [];
  others.fill(0);
  for (const p of flaggedPixels) flagged[p] = 0;
  return {
    figures: {
      validPixels,
      models: predictions.length,
      likelyLabelErrorPixels: errors,
      likelyLabelErrorRegions: regions,
    },
    maps: withMaps ? maps : null,
  };
}
