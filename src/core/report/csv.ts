import type { ImageRow } from '../evaluate/record';

const quote = (value: string): string => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const num = (value: number | null): string => (value === null ? '' : String(value));

/** One row per image; per-scale losses and per-class IoU get a column each. */
export function recordsToCsv(records: readonly ImageRow[], scales: readonly number[], numClasses: number): string {
  const header = [
    'name', 'prediction', 'label', 'width', 'height', 'valid_pixels', 'ce', 'adaptive',
    ...scales.map((k) => `adaptive_k${k}`), 'merge_effect', 'miou', 'pixel_accuracy',
    ...Array.from({ length: numClasses }, (_, c) => `iou_${c}`),
  ];
  const rows = records.map((r) => [
    quote(r.name), quote(r.predictionFile), quote(r.labelFile), String(r.width), String(r.height), String(r.validPixels),
    num(r.ce), num(r.adaptive), ...scales.map((k) => num(r.perScale[String(k)] ?? null)), num(r.mergeEffect),
    num(r.miou), num(r.pixelAccuracy), ...Array.from({ length: numClasses }, (_, c) => num(r.perClassIoU[c] ?? null)),
  ].join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}
