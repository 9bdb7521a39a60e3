import type { DatasetSummary } from '../evaluate/datasetSummary';
import type { ImageRow } from '../evaluate/record';
import type { SkippedFile } from '../io/pairing';
import type { HotSpot } from '../types';
import type { CalibrationSummary } from '../metrics/calibration';
import type { IssueRegion } from '../metrics/issueRegions';
import { lossVariant, lossVariantName, type MetricOptions, type Pooling } from '../options';

/** The CLI's --json document (and the extension's JSON export). */
export interface JsonReport {
  readonly backend: string;
  /** Which locally adaptive loss the numbers are (loss.md v2): `v1`, `paper` or the settings spelled out. */
  readonly loss: LossDescription;
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
    /** Where merging changes the cost most: the image's largest hot spot. */
    largestHotSpot: HotSpot | null;
    boundaryMiou: number | null;
    perClassBoundaryIoU: readonly (number | null)[];
    /** Soft predictions only (absent for hard ones and in reports of older versions): see metrics/softQuality.ts. */
    labelQuality?: number | null;
    labelIssuePixels?: number;
    labelIssueRegions?: readonly IssueRegion[];
    lowConfidenceShare?: number | null;
    ece?: number | null;
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
    /** Soft predictions: pooled calibration (15 bins); null without soft images. */
    calibration?: CalibrationSummary | null;
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

export interface LossDescription {
  readonly variant: string;
  readonly pooling: Pooling;
  readonly poolingSigma: number;
  readonly minkowski: number;
  readonly scales: readonly number[];
}

export function describeLoss(metric: MetricOptions): LossDescription {
  return { variant: lossVariantName(metric), ...lossVariant(metric), scales: metric.scales };
}

/** The soft-only figures of an image, when its prediction was soft. */
function softFigures(r: ImageRow): Partial<JsonReport['images'][number]> {
  if (r.labelIssuePixels === undefined) return {};
  return {
    labelQuality: r.labelQuality ?? null,
    labelIssuePixels: r.labelIssuePixels,
    labelIssueRegions: r.labelIssueRegions ?? [],
    lowConfidenceShare: r.lowConfidenceShare ?? null,
    ece: r.ece ?? null,
  };
}

export function buildJsonReport(
  backend: string,
  metric: MetricOptions,
  records: readonly ImageRow[],
  dataset: DatasetSummary,
  skipped: readonly SkippedFile[],
  info?: DatasetInfo,
): JsonReport {
  return {
    backend,
    loss: describeLoss(metric),
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
      largestHotSpot: r.largestHotSpot ?? null,
      boundaryMiou: r.boundaryMiou,
      perClassBoundaryIoU: r.perClassBoundaryIoU,
      ...softFigures(r),
      ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}),
    })),
    dataset: info
      ? { ...dataset, preset: info.preset, predictionIds: info.predictionIds, detection: info.detection }
      : dataset,
    skipped,
    ...(info ? { ignored: info.ignored } : {}),
  };
}
