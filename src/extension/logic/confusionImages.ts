import type { DatasetSummary, ImageRecord } from '../../core';
import { MAX_CELL_IMAGES, type ConfusionPair, type DatasetMessage, type Rgb } from '../../shared/protocol';

/** Pixels of `record` labelled `pair.label` and predicted `pair.predicted`. */
export function cellCount(record: ImageRecord, numClasses: number, pair: ConfusionPair): number {
  return record.confusion.counts[pair.label * numClasses + pair.predicted] ?? 0;
}

/** Images holding pixels of one confusion cell, most such pixels first, ties by name. */
export function rankedCellImages(
  records: readonly ImageRecord[],
  numClasses: number,
  pair: ConfusionPair,
): { name: string; count: number }[] {
  return records
    .map((record) => ({ name: record.name, count: cellCount(record, numClasses, pair) }))
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The cell's images (rankedCellImages) cut at `limit`, and how many there are in all. */
export function imagesForCell(
  records: readonly ImageRecord[],
  numClasses: number,
  pair: ConfusionPair,
  limit = MAX_CELL_IMAGES,
): { images: { name: string; count: number }[]; total: number } {
  const ranked = rankedCellImages(records, numClasses, pair);
  return { images: ranked.slice(0, limit), total: ranked.length };
}

/** The dataset panel's message from the store's summary. */
export function datasetMessage(
  title: string,
  summary: DatasetSummary,
  classNames: readonly string[],
  classColors: readonly Rgb[],
): DatasetMessage {
  const numClasses = summary.perClassIoU.length;
  return {
    type: 'dataset',
    title,
    images: summary.images,
    numClasses,
    classNames: Array.from({ length: numClasses }, (_, c) => (classNames[c] ?? `class ${c}`).slice(0, 256)),
    classColors: Array.from({ length: numClasses }, (_, c) => classColors[c] ?? [0, 0, 0]),
    confusion: Float64Array.from(summary.confusion.flat()),
    perClassIoU: summary.perClassIoU,
    perClassBoundaryIoU: summary.perClassBoundaryIoU,
    miou: summary.miou,
    meanImageMiou: summary.meanImageMiou,
    boundaryMiou: summary.boundaryMiou,
  };
}
