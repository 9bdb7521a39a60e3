import type { ImageRecord } from '../../core';

export interface SkippedEntry {
  readonly file: string;
  readonly reason: string;
}

const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per image; scale columns and per-class IoU columns follow the order of the first record. */
export function recordsToCsv(records: readonly ImageRecord[], classNames: readonly string[]): string {
  const scales = Object.keys(records[0]?.perScale ?? {});
  const classCount = Math.max(0, ...records.map((r) => r.perClassIoU.length));
  const header = [
    'name', 'prediction', 'label', 'width', 'height', 'valid_pixels', 'ce', 'adaptive',
    ...scales.map((k) => `adaptive_k${k}`), 'merge_effect', 'miou', 'pixel_accuracy',
    ...Array.from({ length: classCount }, (_, c) => `iou_${classNames[c] ?? c}`),
  ];
  const rows = records.map((r) => [
    r.name, r.predictionFile, r.labelFile, r.width, r.height, r.validPixels, r.ce, r.adaptive,
    ...scales.map((k) => r.perScale[k] ?? null), r.mergeEffect, r.miou, r.pixelAccuracy,
    ...Array.from({ length: classCount }, (_, c) => r.perClassIoU[c] ?? null),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export function resultsToJson(
  summary: unknown,
  records: readonly ImageRecord[],
  skipped: readonly SkippedEntry[],
  context: { readonly predictionsDir: string; readonly labelsDir: string; readonly options: unknown },
): string {
  return JSON.stringify({ ...context, summary, images: records, skipped }, null, 2) + '\n';
}
