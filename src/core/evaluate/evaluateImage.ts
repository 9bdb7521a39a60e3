import { InputError, isInputError } from '../errors';
import type { FilePair, SkippedFile } from '../io/pairing';
import { readLabel, readPrediction, type EngineOptions } from '../io/readFiles';
import { checkSameSize, evaluatePair, metricsFromTerms, SizeMismatchError, type ImageEvaluation } from '../metrics/imageMetrics';
import type { ClassMap, ImageMaps, Prediction } from '../types';
import { toRecord, type ImageRecord } from './record';

export type PairOutcome = { readonly type: 'image'; readonly record: ImageRecord } | { readonly type: 'skipped'; readonly skipped: SkippedFile };

function labelWarnings(label: ClassMap, options: EngineOptions): string[] {
  const { numClasses, ignoreIndex } = options.metric;
  let outOfRange = 0;
  let largest = 0;
  for (let p = 0; p < label.ids.length; p++) {
    const id = label.ids[p]!;
    if (id >= numClasses && id !== ignoreIndex) {
      outOfRange++;
      if (id > largest) largest = id;
    }
  }
  return outOfRange > 0
    ? [`label has ${outOfRange} pixels with ids >= ${numClasses} (up to ${largest}), counted as void: is the class count right?`]
    : [];
}

async function computeMetrics(label: ClassMap, prediction: Prediction, options: EngineOptions): Promise<ImageEvaluation> {
  if (options.compute !== 'tensor' || prediction.type !== 'soft') return evaluatePair(label, prediction, options.metric);
  checkSameSize(label, prediction);
  // Loaded on first use: starting TensorFlow.js costs time that exact evaluation never needs.
  const { tensorRuntime } = require('../tensor/backend') as typeof import('../tensor/backend');
  const { tensorPixelTerms } = require('../tensor/tensorPixelTerms') as typeof import('../tensor/tensorPixelTerms');
  const { tf } = await tensorRuntime();
  return metricsFromTerms(await tensorPixelTerms(tf, label, prediction.scores, options.metric), options.metric);
}

/** Reads and evaluates one pair; the maps are for the inspector. */
export async function evaluateImage(pair: FilePair, options: EngineOptions): Promise<{ record: ImageRecord; maps: ImageMaps }> {
  const [label, prediction] = await Promise.all([readLabel(pair.labelFile, options), readPrediction(pair.predictionFile, options)]);
  try {
    const { metrics, maps } = await computeMetrics(label, prediction, options);
    return { record: toRecord(pair, metrics, labelWarnings(label, options)), maps };
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
    return { type: 'skipped', skipped: { file: pair.predictionFile, reason: `internal error: ${(error as Error).message ?? String(error)}` } };
  }
}
