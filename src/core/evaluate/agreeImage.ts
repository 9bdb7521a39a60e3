/**
 * Agreement of several models' hard predictions on one image, from files: the label and one prediction
 * per model (or none, when a model's folder has no file for the image). A prediction that cannot be
 * used (unreadable, soft, another size) is reported as skipped and casts no vote; the image is still
 * judged by the other models, with the same k. Only an unreadable label skips the image.
 */

import { errorText, InputError, isInputError } from '../errors';
import type { LabelIds } from '../io/fileRoles';
import type { SkippedFile } from '../io/pairing';
import { readLabelSync, readPredictionSync, type EngineOptions } from '../io/readFiles';
import { likelyLabelErrors, type AgreementFigures, type AgreementMaps } from '../metrics/agreement';
import type { ClassMap } from '../types';

export interface AgreementJob {
  readonly name: string;
  readonly labelFile: string;
  readonly labelIds?: LabelIds;
  /** One entry per model, in the order the folders were given; null when the model has no file. */
  readonly predictionFiles: readonly (string | null)[];
}

export interface AgreementRecord extends AgreementFigures {
  readonly name: string;
  readonly labelFile: string;
  readonly predictionFiles: readonly (string | null)[];
  readonly width: number;
  readonly height: number;
}

export interface AgreementOutcome {
  /** Null when the label could not be read. */
  readonly record: AgreementRecord | null;
  /** The files left out of this image: the label, or predictions that cast no vote. */
  readonly skipped: readonly SkippedFile[];
}

export interface AgreementSetup {
  /** Per model: how its files are read (the first model's options read the labels). */
  readonly models: readonly EngineOptions[];
  /** k: how many models must predict the same other class. */
  readonly minAgree: number;
}

const skippedOf = (error: unknown, file: string): SkippedFile =>
  isInputError(error)
    ? { file: error.file, reason: error.reason }
    : { file, reason: `internal error: ${errorText(error)}` };

/** One model's prediction as a class map of the label's size, or why it casts no vote. */
function readVote(file: string, options: EngineOptions, label: ClassMap): ClassMap {
  const prediction = readPredictionSync(file, options);
  if (prediction.type !== 'hard')
    throw new InputError(file, 'unsupported-format', 'agreement needs hard predictions (class ids), not soft scores');
  const { width, height } = prediction.map;
  if (width !== label.width || height !== label.height)
    throw new InputError(
      file,
      'size-mismatch',
      `prediction is ${width}x${height} but its label is ${label.width}x${label.height}: it casts no vote`,
    );
  return prediction.map;
}

export function agreeImageWithMaps(
  job: AgreementJob,
  setup: AgreementSetup,
  withMaps = true,
): { outcome: AgreementOutcome; maps: AgreementMaps | null } {
  const labelOptions = setup.models[0]!;
  let label: ClassMap;
  try {
    label = readLabelSync(job.labelFile, labelOptions, job.labelIds);
  } catch (error) {
    return { outcome: { record: null, skipped: [skippedOf(error, job.labelFile)] }, maps: null };
  }
  const skipped: SkippedFile[] = [];
  const votes: ClassMap[] = [];
  job.predictionFiles.forEach((file, model) => {
    if (file === null) return;
    try {
      votes.push(readVote(file, setup.models[model]!, label));
    } catch (error) {
      skipped.push(skippedOf(error, file));
    }
  });
  const { numClasses, ignoreIndex } = labelOptions.metric;
  const { figures, maps } =
    votes.length > 0
      ? withMaps
        ? likelyLabelErrors(label, votes, { numClasses, ignoreIndex, minAgree: setup.minAgree })
        : likelyLabelErrors(label, votes, { numClasses, ignoreIndex, minAgree: setup.minAgree }, false)
      : { figures: noVotes(label, numClasses, ignoreIndex), maps: null };
  const record: AgreementRecord = {
    name: job.name,
    labelFile: job.labelFile,
    predictionFiles: job.predictionFiles,
    width: label.width,
    height: label.height,
    ...figures,
  };
  return { outcome: { record, skipped }, maps };
}

/** An image no model could vote on: its valid pixels, nothing flagged. */
function noVotes(label: ClassMap, numClasses: number, ignoreIndex: number): AgreementFigures {
  let validPixels = 0;
  for (let p = 0; p < label.ids.length; p++) {
    const y = label.ids[p]!;
    if (y !== ignoreIndex && y < numClasses) validPixels++;
  }
  return { validPixels, models: 0, likelyLabelErrorPixels: 0, likelyLabelErrorRegions: [] };
}

/** Never throws for a bad file: its reason is in `skipped`. The figures alone, without the per-pixel maps. */
export function agreeImage(job: AgreementJob, setup: AgreementSetup): AgreementOutcome {
  return agreeImageWithMaps(job, setup, false).outcome;
}
