import type { DatasetSummary } from '../../core';
import {
  DATASET_CLASS_FIGURES,
  DATASET_FIGURES,
  MAX_CELL_IMAGES,
  type DatasetClassFigureKey,
  type DatasetFigureKey,
  type DatasetMessage,
  type ReliabilityBin,
  type Rgb,
} from '../../shared/protocol';

/**
 * A cell's images as the dataset panel lists them: `ranked` (RecordColumns.cellImages: most pixels of
 * the cell first, ties by name) cut at `limit`, and how many there are in all.
 */
export function imagesForCell(
  ranked: readonly { name: string; count: number }[],
  limit = MAX_CELL_IMAGES,
): { images: { name: string; count: number }[]; total: number } {
  return { images: ranked.slice(0, limit), total: ranked.length };
}

/**
 * The summary's figures flattened into one record: top-level ones as they are, the Cityscapes and
 * calibration ones lifted out of their objects (when the engine produced them).
 */
type FlatFigures = Partial<Record<DatasetClassFigureKey, readonly (number | null)[] | null>> &
  Partial<Record<DatasetFigureKey, number | null>>;

interface NestedFigures {
  readonly cityscapes?: FlatFigures | null;
  readonly calibration?: (FlatFigures & { readonly bins?: readonly ReliabilityBin[] }) | null;
}

function flatFigures(summary: DatasetSummary & NestedFigures): FlatFigures {
  return { ...summary.cityscapes, ...summary.calibration, ...summary };
}

/** The dataset panel's message from the store's summary: every figure of the protocol's tables the summary has. */
export function datasetMessage(
  title: string,
  summary: DatasetSummary,
  classNames: readonly string[],
  classColors: readonly Rgb[],
): DatasetMessage {
  const numClasses = summary.perClassIoU.length;
  const flat = flatFigures(summary);
  const classFigures: Partial<Record<DatasetClassFigureKey, readonly (number | null)[]>> = {};
  for (const { key } of DATASET_CLASS_FIGURES) {
    const values = flat[key];
    if (Array.isArray(values) && values.length === numClasses) classFigures[key] = values;
  }
  const figures: Partial<Record<DatasetFigureKey, number | null>> = {};
  for (const { key } of DATASET_FIGURES) {
    const value = flat[key];
    if (value === null || typeof value === 'number') figures[key] = value;
  }
  const nested = summary as DatasetSummary & NestedFigures;
  return {
    type: 'dataset',
    title,
    images: summary.images,
    numClasses,
    classNames: Array.from({ length: numClasses }, (_, c) => (classNames[c] ?? `class ${c}`).slice(0, 256)),
    classColors: Array.from({ length: numClasses }, (_, c) => classColors[c] ?? [0, 0, 0]),
    confusion: Float64Array.from(summary.confusion.flat()),
    unknownPredictions: Float64Array.from(summary.unknownPredictions),
    classFigures,
    figures,
    reliability: nested.calibration?.bins ?? null,
  };
}
