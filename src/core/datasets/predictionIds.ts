import { isInputError } from '../errors';
import type { FilePair } from '../io/pairing';
import { readPrediction, type EngineOptions } from '../io/readFiles';
import type { IdSpace, DatasetPreset } from './preset';

export interface PredictionIdsDecision {
  readonly predictionIds: IdSpace;
  /** Why, for the output: `ids 0–18 only`, or `set by --prediction-ids`. */
  readonly evidence: string;
  readonly certain: boolean;
}

/** Predictions read to decide; the decision holds for the whole folder, never per image. */
export const PREDICTION_SAMPLE = 8;

/** Distinct ids of hard PNG predictions in the sample (soft scores and unreadable files say nothing). */
export async function sampleIds(pairs: readonly FilePair[], options: EngineOptions): Promise<Set<number>> {
  const ids = new Set<number>();
  const sample = pairs.filter((p) => p.predictionFile.toLowerCase().endsWith('.png')).slice(0, PREDICTION_SAMPLE);
  for (const pair of sample) {
    try {
      const prediction = await readPrediction(pair.predictionFile, { ...options, ids: undefined });
      if (prediction.type !== 'hard' || prediction.map.fromColors === true) continue;
      for (const id of prediction.map.ids) ids.add(id);
    } catch (error) {
      if (!isInputError(error)) throw error;
    }
  }
  return ids;
}

/**
 * Train ids stay below the class count; label ids of a mapped dataset go past it (Cityscapes' 7–33,
 * ADE's 150). Below it either is possible, so `train` is then a guess the output says is one.
 */
export function decidePredictionIds(ids: ReadonlySet<number>, preset: DatasetPreset): PredictionIdsDecision {
  if (!preset.labelToTrain) return { predictionIds: 'train', evidence: 'the dataset has no id map', certain: true };
  const numClasses = preset.classNames.length;
  const valid = [...ids].filter((id) => id !== preset.ignoreIndex);
  if (valid.length === 0)
    return { predictionIds: 'train', evidence: 'no hard PNG prediction to look at', certain: false };
  const max = Math.max(...valid);
  const min = Math.min(...valid);
  if (max >= numClasses)
    return { predictionIds: 'label', evidence: `ids up to ${max}, past the ${numClasses} train ids`, certain: true };
  return { predictionIds: 'train', evidence: `ids ${min}–${max}, all below ${numClasses}`, certain: false };
}
