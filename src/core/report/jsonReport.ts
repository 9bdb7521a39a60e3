import type { DatasetSummary } from '../evaluate/datasetSummary';
import type { ImageRow } from '../evaluate/record';
import type { SkippedFile } from '../io/pairing';
import type { CityscapesSummary } from '../metrics/cityscapesScores';
import type { HotSpot } from '../types';
import {
  lossVariant,
  lossVariantName,
  optionsRecord,
  type MetricOptions,
  type OptionsRecord,
  type Pooling,
  type ReadOptions,
} from '../options';
import type { OptionChoice } from '../optionTable';
import type { CalibrationSummary } from '../metrics/calibration';
import type { IssueRegion } from '../metrics/issueRegions';

/** The CLI's --json document (and the extension's JSON export). */
export interface JsonReport {
  readonly backend: string;
  /** Which locally adaptive loss the numbers are (loss.md v2): `v1`, `paper` or the settings spelled out. */
  readonly loss: LossDescription;
  /** Every option that changes a number, resolved, under its key in the option table. */
  readonly options: OptionsRecord;
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
    meanAccuracy: number | null;
    meanDice: number | null;
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
    /** mmseg IoUMetric's per-class figures and their means (classScores.ts); null where undefined. */
    perClassAccuracy?: (number | null)[];
    meanAccuracy?: number | null;
    perClassPrecision?: (number | null)[];
    meanPrecision?: number | null;
    perClassDice?: (number | null)[];
    meanDice?: number | null;
    perClassFscore?: (number | null)[];
    meanFscore?: number | null;
    /** Frequency-weighted IoU (the FCN paper's). */
    fwIoU?: number | null;
    /** With the Cityscapes preset: category IoU and the instance-level iIoU of the official evaluator. */
    cityscapes?: CityscapesSummary;
    /** Soft predictions: pooled calibration (15 bins); null without soft images. */
    calibration?: CalibrationSummary | null;
    /** The dataset preset used (`voc`, `cityscapes`, `ade20k`, a JSON file's name), null when none. */
    preset?: string | null;
    /** The id space of the predictions, decided once for the folder. */
    predictionIds?: 'train' | 'label';
    /** The sentence that says what was detected and how to override it. */
    detection?: string;
    /** The preset's class names by id (absent without a preset): what the text tables and the CSV columns show. */
    classNames?: readonly string[];
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
  /** The preset's class names by id; absent without a preset (and in parts written before they were kept). */
  readonly classNames?: readonly string[];
}

export interface LossDescription {
  readonly variant: string;
  readonly pooling: Pooling;
  readonly poolingSigma: number;
  readonly minkowski: number;
  readonly scales: readonly number[];
}

/** The name of each class id: the dataset's when it has names, else the id itself. */
export function classColumnNames(numClasses: number, names: readonly string[] | undefined): string[] {
  return Array.from({ length: numClasses }, (_, c) => names?.[c] ?? String(c));
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

/** One image of the report, from its row. */
export function jsonImage(r: ImageRow): JsonReport['images'][number] {
  return {
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
    meanAccuracy: r.meanAccuracy,
    meanDice: r.meanDice,
    ...softFigures(r),
    ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}),
  };
}

const IMAGES_KEY = '"images":[]';

/**
 * The report's JSON around its images, for writing the images one by one: `prefix`, then each
 * `JSON.stringify(jsonImage(row))` with commas between, then `suffix` is byte for byte
 * `JSON.stringify(report)` of the same report with those images. `report` is built with no images.
 */
export function jsonReportFrame(report: JsonReport): { readonly prefix: string; readonly suffix: string } {
  if (report.images.length !== 0) throw new Error('jsonReportFrame: build the report without images');
  const text = JSON.stringify(report);
  // The first `"images":[]` is the key itself: every string before it has its quotes escaped.
  const at = text.indexOf(IMAGES_KEY);
  const open = at + IMAGES_KEY.length - 1;
  return { prefix: text.slice(0, open), suffix: text.slice(open) };
}

/** The options a report was computed with: the metric's, how files were read, and how it was computed. */
export interface ReportOptions {
  readonly metric: MetricOptions;
  readonly read: ReadOptions;
  readonly compute?: OptionChoice<'compute'>;
}

export function buildJsonReport(
  backend: string,
  engine: ReportOptions,
  records: readonly ImageRow[],
  dataset: DatasetSummary,
  skipped: readonly SkippedFile[],
  info?: DatasetInfo,
): JsonReport {
  return {
    backend,
    loss: describeLoss(engine.metric),
    options: optionsRecord(engine),
    images: records.map(jsonImage),
    dataset: info
      ? {
          ...dataset,
          preset: info.preset,
          predictionIds: info.predictionIds,
          detection: info.detection,
          ...(info.classNames ? { classNames: info.classNames } : {}),
        }
      : dataset,
    skipped,
    ...(info ? { ignored: info.ignored } : {}),
  };
}
