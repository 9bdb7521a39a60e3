import type { DatasetSummary } from '../evaluate/datasetSummary';
import type { ImageRow } from '../evaluate/record';
import type { SkippedFile } from '../io/pairing';

/** The CLI's --json document (and the extension's JSON export). */
export interface JsonReport {
  readonly backend: string;
  readonly images: {
    name: string;
    prediction: string;
    label: string;
    ce: number | null;
    adaptive: number | null;
    perScale: Readonly<Record<string, number | null>>;
    mergeEffect: number | null;
    miou: number | null;
    pixelAccuracy: number | null;
    perClassIoU: readonly (number | null)[];
    boundaryMiou: number | null;
    perClassBoundaryIoU: readonly (number | null)[];
    warnings?: readonly string[];
  }[];
  readonly dataset: {
    images: number;
    miou: number | null;
    meanImageMiou: number | null;
    pixelAccuracy: number | null;
    perClassIoU: (number | null)[];
    boundaryMiou: number | null;
    perClassBoundaryIoU: (number | null)[];
    confusion: number[][];
    unknownPredictions: number[];
    meanCe: number | null;
    meanAdaptive: number | null;
    meanMergeEffect: number | null;
    /** The dataset preset used (`voc`, `cityscapes`, `ade20k`, a JSON file's name), null when none. */
    preset?: string | null;
    /** The id space of the predictions, decided once for the folder. */
    predictionIds?: 'train' | 'label';
    /** The sentence that says what was detected and how to override it. */
    detection?: string;
  };
  readonly skipped: readonly SkippedFile[];
  /** Files left out on purpose (a stem's other label variants, instance maps): not errors. */
  readonly ignored?: readonly SkippedFile[];
}

/** What the report says about the dataset (absent for merged shards, which do not carry it). */
export interface DatasetInfo {
  readonly preset: string | null;
  readonly predictionIds: 'train' | 'label';
  readonly detection: string;
  readonly ignored: readonly SkippedFile[];
}

export function buildJsonReport(
  backend: string,
  records: readonly ImageRow[],
  dataset: DatasetSummary,
  skipped: readonly SkippedFile[],
  info?: DatasetInfo,
): JsonReport {
  return {
    backend,
    images: records.map((r) => ({
      name: r.name,
      prediction: r.predictionFile,
      label: r.labelFile,
      ce: r.ce,
      adaptive: r.adaptive,
      perScale: r.perScale,
      mergeEffect: r.mergeEffect,
      miou: r.miou,
      pixelAccuracy: r.pixelAccuracy,
      perClassIoU: r.perClassIoU,
      boundaryMiou: r.boundaryMiou,
      perClassBoundaryIoU: r.perClassBoundaryIoU,
      ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}),
    })),
    dataset: info
      ? { ...dataset, preset: info.preset, predictionIds: info.predictionIds, detection: info.detection }
      : dataset,
    skipped,
    ...(info ? { ignored: info.ignored } : {}),
  };
}
