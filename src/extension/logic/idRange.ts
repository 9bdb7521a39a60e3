// Engine modules directly, not the core index: this runs in the extension host without TensorFlow.js.
import type { FilePair } from '../../core/io/pairing';
import { readLabel, readPrediction, type EngineOptions } from '../../core/io/readFiles';
import { formatPercent } from '../../core/report/format';
import { shortFolder } from './folderSettings';

/** Pixels counted, those outside the dataset's classes and void, and how often each such id appears. */
export interface IdCensus {
  readonly total: number;
  readonly outside: number;
  readonly ids: ReadonlyMap<number, number>;
}

const EMPTY: IdCensus = { total: 0, outside: 0, ids: new Map() };

/** Above this share of label or prediction pixels outside the classes and void, the dataset is doubted. */
export const OUT_OF_RANGE_SHARE = 0.01;
/** Images read per folder to count ids: spread over the folder, enough to see a wrong dataset. */
const SAMPLED_IMAGES = 8;

/**
 * Label ids outside 0..C-1 and void, over all pixels; prediction ids outside 0..C-1, over the
 * pixels whose label is a class (a prediction on void is never scored, so never wrong).
 */
export function idCensus(
  label: ArrayLike<number>,
  prediction: ArrayLike<number> | undefined,
  numClasses: number,
  ignoreIndex: number,
): { readonly label: IdCensus; readonly prediction: IdCensus } {
  const labelIds = new Map<number, number>();
  const predictionIds = new Map<number, number>();
  let labelOutside = 0;
  let predictionOutside = 0;
  let scored = 0;
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y >= numClasses || y < 0) {
      if (y !== ignoreIndex) {
        labelOutside++;
        labelIds.set(y, (labelIds.get(y) ?? 0) + 1);
      }
      continue;
    }
    if (prediction === undefined) continue;
    scored++;
    const k = prediction[p]!;
    if (k >= numClasses || k < 0) {
      predictionOutside++;
      predictionIds.set(k, (predictionIds.get(k) ?? 0) + 1);
    }
  }
  return {
    label: { total: label.length, outside: labelOutside, ids: labelIds },
    prediction: { total: scored, outside: predictionOutside, ids: predictionIds },
  };
}

export function addCensus(a: IdCensus, b: IdCensus): IdCensus {
  const ids = new Map(a.ids);
  for (const [id, count] of b.ids) ids.set(id, (ids.get(id) ?? 0) + count);
  return { total: a.total + b.total, outside: a.outside + b.outside, ids };
}

/** `count` items spread evenly over `items`, first and last included. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}

/** The ids of up to 8 pairs spread over the folder, read as a run reads them; unreadable pairs are left out. */
export async function sampleIdCensus(
  pairs: readonly FilePair[],
  engine: EngineOptions,
): Promise<{ readonly label: IdCensus; readonly prediction: IdCensus; readonly images: number }> {
  let label = EMPTY;
  let prediction = EMPTY;
  let images = 0;
  const { numClasses, ignoreIndex } = engine.metric;
  for (const pair of spread(pairs, SAMPLED_IMAGES)) {
    try {
      const labelMap = await readLabel(pair.labelFile, engine, pair.labelIds);
      const predicted = await readPrediction(pair.predictionFile, engine);
      const hard = predicted.type === 'hard' && predicted.map.ids.length === labelMap.ids.length;
      const census = idCensus(labelMap.ids, hard ? predicted.map.ids : undefined, numClasses, ignoreIndex);
      label = addCensus(label, census.label);
      prediction = addCensus(prediction, census.prediction);
      images++;
    } catch {
      // The run reports unreadable files with their reasons; they say nothing about the ids.
    }
  }
  return { label, prediction, images };
}

/**
 * The folder's census from a sample of its flagged images (those the engine warned about; the
 * others have no id outside the classes): the sample's counts scaled to all flagged images, over
 * all the folder's pixels. Exact when every flagged image was read.
 */
export function folderCensus(
  sample: { readonly label: IdCensus; readonly prediction: IdCensus; readonly images: number },
  folder: {
    readonly flaggedImages: number;
    readonly images: number;
    readonly labelPixels: number;
    readonly scoredPixels: number;
  },
): { readonly label: IdCensus; readonly prediction: IdCensus; readonly images: number } {
  const scale = sample.images === 0 ? 0 : folder.flaggedImages / sample.images;
  return {
    label: { ...sample.label, outside: Math.round(sample.label.outside * scale), total: folder.labelPixels },
    prediction: {
      ...sample.prediction,
      outside: Math.round(sample.prediction.outside * scale),
      total: folder.scoredPixels,
    },
    images: folder.images,
  };
}

/** "11, 12, 40 … (23 ids)": the most frequent ids first, at most 8 named. */
function idList(ids: ReadonlyMap<number, number>): string {
  const ordered = [...ids.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  const named = ordered.slice(0, 8).sort((a, b) => a - b);
  return ordered.length > named.length ? `${named.join(', ')} … (${ordered.length} ids)` : named.join(', ');
}

/**
 * The warning when more than 1% of label or prediction pixels fall outside the dataset's classes
 * and void, naming the dataset and the ids seen; undefined when the ids fit.
 */
export function outOfRangeWarning(
  where: {
    readonly datasetName: string;
    readonly predictionsDir: string;
    readonly numClasses: number;
    readonly ignoreIndex: number;
  },
  sample: { readonly label: IdCensus; readonly prediction: IdCensus; readonly images: number },
): string | undefined {
  const share = (census: IdCensus): number => (census.total === 0 ? 0 : census.outside / census.total);
  const parts: string[] = [];
  if (share(sample.label) > OUT_OF_RANGE_SHARE)
    parts.push(`${formatPercent(share(sample.label))} of label pixels (ids ${idList(sample.label.ids)})`);
  if (share(sample.prediction) > OUT_OF_RANGE_SHARE)
    parts.push(
      `${formatPercent(share(sample.prediction))} of prediction pixels (ids ${idList(sample.prediction.ids)})`,
    );
  if (parts.length === 0) return undefined;
  const dataset = where.datasetName === 'none' ? 'the settings’' : `dataset ${where.datasetName}’s`;
  const images = `${sample.images} image${sample.images === 1 ? '' : 's'} of ${shortFolder(where.predictionsDir)}`;
  return `${parts.join(' and ')} in ${images} fall outside ${dataset} ${where.numClasses} classes and void ${where.ignoreIndex}: is it the right dataset?`;
}
