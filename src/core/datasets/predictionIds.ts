import { isInputError } from '../errors';
import type { ListView } from '../io/packedPairs';
import type { FilePair } from '../io/pairing';
import { readLabel, readPrediction, type EngineOptions } from '../io/readFiles';
import type { IdSpace, DatasetPreset } from './preset';

export interface PredictionIdsDecision {
  readonly predictionIds: IdSpace;
  /** Why, for the output: `ids up to 33, past the 19 train ids`, or an agreement with the labels. */
  readonly evidence: string;
  readonly certain: boolean;
}

/** Predictions read to decide; the decision holds for the whole folder, never per image. */
export const PREDICTION_SAMPLE = 8;

/**
 * What a sample of the folder says: the ids its predictions hold, and how many valid label pixels each
 * reading of those ids gets right (the label read in train ids, as the evaluation reads it).
 */
export interface PredictionSample {
  readonly ids: ReadonlySet<number>;
  readonly validPixels: number;
  readonly hitsAsTrain: number;
  readonly hitsAsLabel: number;
}

/** One reading must agree with the labels this many times as often as the other to be called detected. */
const AGREEMENT_MARGIN = 2;

/**
 * Reads up to PREDICTION_SAMPLE hard PNG predictions with their labels (soft scores, colour-coded
 * predictions and unreadable files say nothing about ids and are passed over).
 */
export async function samplePredictions(
  pairs: ListView<FilePair>,
  options: EngineOptions,
  preset: DatasetPreset,
): Promise<PredictionSample> {
  const ids = new Set<number>();
  let validPixels = 0;
  let hitsAsTrain = 0;
  let hitsAsLabel = 0;
  const labelToTrain = preset.labelToTrain ?? [];
  const asTrain = (id: number): number => labelToTrain[id] ?? preset.ignoreIndex;
  const labelOptions: EngineOptions = {
    ...options,
    ids: { labelToTrain, ignoreIndex: preset.ignoreIndex, labelIds: preset.labelIds, predictionIds: 'train' },
  };
  const sample: FilePair[] = [];
  for (let i = 0; i < pairs.length && sample.length < PREDICTION_SAMPLE; i++) {
    const pair = pairs.at(i)!;
    if (pair.predictionFile.toLowerCase().endsWith('.png')) sample.push(pair);
  }
  for (const pair of sample) {
    try {
      const prediction = await readPrediction(pair.predictionFile, { ...options, ids: undefined });
      if (prediction.type !== 'hard' || prediction.map.fromColors === true) continue;
      const predicted = prediction.map.ids;
      for (const id of predicted) ids.add(id);
      const label = await readLabel(pair.labelFile, labelOptions, pair.labelIds);
      if (label.ids.length !== predicted.length) continue;
      for (let p = 0; p < predicted.length; p++) {
        const truth = label.ids[p]!;
        if (truth === preset.ignoreIndex || truth >= preset.classNames.length) continue;
        validPixels++;
        if (predicted[p] === truth) hitsAsTrain++;
        if (asTrain(predicted[p]!) === truth) hitsAsLabel++;
      }
    } catch (error) {
      if (!isInputError(error)) throw error;
    }
  }
  return { ids, validPixels, hitsAsTrain, hitsAsLabel };
}

const percent = (hits: number, total: number): string => `${((100 * hits) / total).toFixed(1)}%`;

/**
 * Train ids stay below the class count; label ids of a mapped dataset go past it (Cityscapes' 7–33,
 * ADE's 150), which settles it. Below it either is possible: the reading that agrees with the labels
 * far more often is taken as detected (a model is right on most pixels only in its own id space);
 * with no clear winner `train` is a guess the output says is one.
 */
export function decidePredictionIds(sample: PredictionSample, preset: DatasetPreset): PredictionIdsDecision {
  if (!preset.labelToTrain) return { predictionIds: 'train', evidence: 'the dataset has no id map', certain: true };
  const numClasses = preset.classNames.length;
  const valid = [...sample.ids].filter((id) => id !== preset.ignoreIndex);
  if (valid.length === 0)
    return { predictionIds: 'train', evidence: 'no hard PNG prediction to look at', certain: false };
  const max = Math.max(...valid);
  const min = Math.min(...valid);
  if (max >= numClasses)
    return { predictionIds: 'label', evidence: `ids up to ${max}, past the ${numClasses} train ids`, certain: true };
  const { validPixels, hitsAsTrain, hitsAsLabel } = sample;
  const range = `ids ${min}–${max}, all below ${numClasses}`;
  if (validPixels === 0) return { predictionIds: 'train', evidence: range, certain: false };
  const agreement = `right on ${percent(hitsAsTrain, validPixels)} of labelled pixels as train ids, ${percent(
    hitsAsLabel,
    validPixels,
  )} as label ids`;
  if (hitsAsLabel > AGREEMENT_MARGIN * hitsAsTrain)
    return { predictionIds: 'label', evidence: `${range}; ${agreement}`, certain: true };
  if (hitsAsTrain > AGREEMENT_MARGIN * hitsAsLabel)
    return { predictionIds: 'train', evidence: `${range}; ${agreement}`, certain: true };
  return { predictionIds: 'train', evidence: `${range}; ${agreement}`, certain: false };
}
