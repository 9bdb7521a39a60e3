import { InputError, isInputError } from '../errors';
import type { FilePair, SkippedFile } from '../io/pairing';
import {
  cityscapesInstanceFile,
  readInstanceIdsSync,
  readLabelSync,
  readPredictionSync,
  type EngineOptions,
} from '../io/readFiles';
import { instanceCounts, type CityscapesInstanceCounts } from '../metrics/cityscapesScores';
import type { PairBuffers } from '../io/reusableBuffer';
import {
  checkSameSize,
  evaluatePair,
  metricsFromTerms,
  SizeMismatchError,
  type ImageEvaluation,
} from '../metrics/imageMetrics';
import type { ClassMap, ImageMaps, Prediction } from '../types';
import { fromWireRecord, toWireRecord, type ImageRecord, type WireRecord } from './record';
import { loadTensorPath } from '../tensor/loadTensorPath';

export type PairOutcome =
  | { readonly type: 'image'; readonly record: ImageRecord }
  | { readonly type: 'skipped'; readonly skipped: SkippedFile };

/** A PairOutcome as a worker posts it (see WireRecord). */
export type WirePairOutcome =
  { readonly type: 'image'; readonly record: WireRecord } | { readonly type: 'skipped'; readonly skipped: SkippedFile };

export function fromWireOutcome(outcome: WirePairOutcome): PairOutcome {
  return outcome.type === 'image' ? { type: 'image', record: fromWireRecord(outcome.record) } : outcome;
}

/**
 * Ids the spec tolerates (void in labels, misses in predictions) but that usually mean a wrong class
 * count. A prediction counts only where its label is valid: on a void pixel it is never scored, so the
 * id there is no miss (ADE20K's label 0 and the copies of it in a perfect prediction).
 */
function outOfRangeIds(
  map: ClassMap,
  numClasses: number,
  ignoreIndex: number,
  scoredWhere?: ClassMap,
): { count: number; largest: number } {
  let count = 0;
  let largest = 0;
  for (let p = 0; p < map.ids.length; p++) {
    const id = map.ids[p]!;
    if (id < numClasses || id === ignoreIndex) continue;
    const label = scoredWhere?.ids[p];
    if (label !== undefined && (label >= numClasses || label === ignoreIndex)) continue;
    count++;
    if (id > largest) largest = id;
  }
  return { count, largest };
}

function rangeWarnings(
  label: ClassMap,
  prediction: Prediction,
  options: EngineOptions,
  counted: ImageEvaluation['outOfRange'],
): string[] {
  const { numClasses, ignoreIndex } = options.metric;
  const warnings: string[] = [];
  const inLabel = counted?.label ?? outOfRangeIds(label, numClasses, ignoreIndex);
  if (inLabel.count > 0) {
    warnings.push(
      `label has ${inLabel.count} pixels with ids >= ${numClasses} (up to ${inLabel.largest}), counted as void: is the class count right?`,
    );
  }
  if (prediction.type === 'hard') {
    const inPrediction = counted?.prediction ?? outOfRangeIds(prediction.map, numClasses, -1, label);
    if (inPrediction.count > 0) {
      warnings.push(
        `prediction has ${inPrediction.count} pixels with ids >= ${numClasses} (up to ${inPrediction.largest}), counted as misses: is the class count right?`,
      );
    }
  }
  return warnings;
}

/**
 * The image's instance counts for Cityscapes' iIoU from the `_gtFine_instanceIds` map beside its label;
 * null, with a warning when the file exists but cannot be used, when there is none.
 */
function cityscapesInstancesOf(
  pair: FilePair,
  label: ClassMap,
  predicted: ArrayLike<number>,
  options: EngineOptions,
  warnings: string[],
): CityscapesInstanceCounts | null {
  const file = cityscapesInstanceFile(pair.labelFile);
  if (file === undefined) return null;
  try {
    const instances = readInstanceIdsSync(file, options);
    if (instances === undefined) return null;
    if (instances.width !== label.width || instances.height !== label.height) {
      warnings.push(
        `instance map ${file} is ${instances.width}x${instances.height}, its label ${label.width}x${label.height}: left out of iIoU`,
      );
      return null;
    }
    return instanceCounts(instances.ids, predicted);
  } catch (error) {
    if (!isInputError(error)) throw error;
    warnings.push(`instance map ${file} could not be read (${error.reason}): left out of iIoU`);
    return null;
  }
}

async function computeMetrics(
  label: ClassMap,
  prediction: Prediction,
  options: EngineOptions,
): Promise<ImageEvaluation> {
  if (options.compute !== 'tensor' || prediction.type !== 'soft')
    return evaluatePair(label, prediction, options.metric);
  checkSameSize(label, prediction);
  const { tensorRuntime, tensorPixelTerms } = loadTensorPath();
  const { tf } = await tensorRuntime();
  const terms = await tensorPixelTerms(tf, label, prediction.scores, options.metric);
  return metricsFromTerms(terms, options.metric, prediction.scores);
}

/**
 * `into`: the caller's buffers for reading the pair, free again once this settles (see
 * ReusableBuffer); the maps returned then view them, so only the record may be kept.
 */
async function evaluateWire(
  pair: FilePair,
  options: EngineOptions,
  into?: PairBuffers,
): Promise<{ record: WireRecord; maps: ImageMaps }> {
  const label = readLabelSync(pair.labelFile, options, pair.labelIds, into?.label);
  const prediction = readPredictionSync(pair.predictionFile, options, into?.prediction);
  try {
    const { metrics, maps, outOfRange } = await computeMetrics(label, prediction, options);
    const warnings = rangeWarnings(label, prediction, options, outOfRange);
    const instances = options.cityscapesInstances
      ? cityscapesInstancesOf(
          pair,
          label,
          prediction.type === 'hard' ? prediction.map.ids : maps.predicted,
          options,
          warnings,
        )
      : undefined;
    return { record: toWireRecord(pair, metrics, warnings, instances), maps };
  } catch (error) {
    if (error instanceof SizeMismatchError) throw new InputError(pair.predictionFile, 'size-mismatch', error.message);
    if (error instanceof RangeError) throw new InputError(pair.predictionFile, 'class-count-mismatch', error.message);
    throw error;
  }
}

/** Reads and evaluates one pair; the maps are for the inspector. */
export async function evaluateImage(
  pair: FilePair,
  options: EngineOptions,
): Promise<{ record: ImageRecord; maps: ImageMaps }> {
  const { record, maps } = await evaluateWire(pair, options);
  return { record: fromWireRecord(record), maps };
}

/** Never throws for a bad file: the reason becomes a skipped line and the folder goes on. As a worker posts it. */
export async function evaluatePairWireOutcome(
  pair: FilePair,
  options: EngineOptions,
  into?: PairBuffers,
): Promise<WirePairOutcome> {
  try {
    const { record } = await evaluateWire(pair, options, into);
    return { type: 'image', record };
  } catch (error) {
    if (isInputError(error)) return { type: 'skipped', skipped: { file: error.file, reason: error.reason } };
    return {
      type: 'skipped',
      skipped: { file: pair.predictionFile, reason: `internal error: ${(error as Error).message ?? String(error)}` },
    };
  }
}

/** Never throws for a bad file: the reason becomes a skipped line and the folder goes on. */
export async function evaluatePairOutcome(
  pair: FilePair,
  options: EngineOptions,
  into?: PairBuffers,
): Promise<PairOutcome> {
  return fromWireOutcome(await evaluatePairWireOutcome(pair, options, into));
}
