import { InputError, isInputError } from '../errors';
import type { FilePair, SkippedFile } from '../io/pairing';
import { readLabel, readPrediction, type EngineOptions } from '../io/readFiles';
import {
  checkSameSize,
  evaluatePair,
  metricsFromTerms,
  SizeMismatchError,
  type ImageEvaluation,
} from '../metrics/imageMetrics';
import type { ClassMap, ImageMaps, Prediction } from '../types';
import type * as TensorBackend from '../tensor/backend';
import type * as TensorPixelTerms from '../tensor/tensorPixelTerms';
import { toRecord, type ImageRecord } from './record';

export type PairOutcome =
  | { readonly type: 'image'; readonly record: ImageRecord }
  | { readonly type: 'skipped'; readonly skipped: SkippedFile };

/** Ids the spec tolerates (void in labels, misses in predictions) but that usually mean a wrong class count. */
function outOfRangeIds(map: ClassMap, numClasses: number, allowed: number): { count: number; largest: number } {
  let count = 0;
  let largest = 0;
  for (let p = 0; p < map.ids.length; p++) {
    const id = map.ids[p]!;
    if (id >= numClasses && id !== allowed) {
      count++;
      if (id > largest) largest = id;
    }
  }
  return { count, largest };
}

function rangeWarnings(label: ClassMap, prediction: Prediction, options: EngineOptions): string[] {
  const { numClasses, ignoreIndex } = options.metric;
  const warnings: string[] = [];
  const inLabel = outOfRangeIds(label, numClasses, ignoreIndex);
  if (inLabel.count > 0) {
    warnings.push(
      `label has ${inLabel.count} pixels with ids >= ${numClasses} (up to ${inLabel.largest}), counted as void: is the class count right?`,
    );
  }
  if (prediction.type === 'hard') {
    const inPrediction = outOfRangeIds(prediction.map, numClasses, -1);
    if (inPrediction.count > 0) {
      warnings.push(
        `prediction has ${inPrediction.count} pixels with ids >= ${numClasses} (up to ${inPrediction.largest}), counted as misses: is the class count right?`,
      );
    }
  }
  return warnings;
}

async function computeMetrics(
  label: ClassMap,
  prediction: Prediction,
  options: EngineOptions,
): Promise<ImageEvaluation> {
  if (options.compute !== 'tensor' || prediction.type !== 'soft')
    return evaluatePair(label, prediction, options.metric);
  checkSameSize(label, prediction);
  // Loaded on first use: starting TensorFlow.js costs time that exact evaluation never needs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { tensorRuntime } = require('../tensor/backend') as typeof TensorBackend;
  const { tensorPixelTerms } = require('../tensor/tensorPixelTerms') as typeof TensorPixelTerms;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { tf } = await tensorRuntime();
  return metricsFromTerms(await tensorPixelTerms(tf, label, prediction.scores, options.metric), options.metric);
}

/** Reads and evaluates one pair; the maps are for the inspector. */
export async function evaluateImage(
  pair: FilePair,
  options: EngineOptions,
): Promise<{ record: ImageRecord; maps: ImageMaps }> {
  const [label, prediction] = await Promise.all([
    readLabel(pair.labelFile, options, pair.labelIds),
    readPrediction(pair.predictionFile, options),
  ]);
  try {
    const { metrics, maps } = await computeMetrics(label, prediction, options);
    return { record: toRecord(pair, metrics, rangeWarnings(label, prediction, options)), maps };
  } catch (error) {
    if (error instanceof SizeMismatchError) throw new InputError(pair.predictionFile, 'size-mismatch', error.message);
    if (error instanceof RangeError) throw new InputError(pair.predictionFile, 'class-count-mismatch', error.message);
    throw error;
  }
}

/** Never throws for a bad file: the reason becomes a skipped line and the folder goes on. */
export async function evaluatePairOutcome(pair: FilePair, options: EngineOptions): Promise<PairOutcome> {
  try {
    const { record } = await evaluateImage(pair, options);
    return { type: 'image', record };
  } catch (error) {
    if (isInputError(error)) return { type: 'skipped', skipped: { file: error.file, reason: error.reason } };
    return {
      type: 'skipped',
      skipped: { file: pair.predictionFile, reason: `internal error: ${(error as Error).message ?? String(error)}` },
    };
  }
}
