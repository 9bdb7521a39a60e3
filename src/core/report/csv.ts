import type { ImageRow } from '../evaluate/record';
import type { HotSpot } from '../types';

/** One CSV cell: empty for null, quoted when it holds a comma, quote or line break. */
export const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The image's largest hot spot (where merging matters most), so a folder can be sorted by it. */
const HOT_SPOT_COLUMNS = [
  'hotspot_class',
  'hotspot_scale',
  'hotspot_effect',
  'hotspot_share',
  'hotspot_pixels',
  'hotspot_x',
  'hotspot_y',
  'hotspot_width',
  'hotspot_height',
];

function hotSpotCells(spot: HotSpot | null, classColumns: readonly string[]): (string | number | null)[] {
  if (spot === null) return HOT_SPOT_COLUMNS.map(() => null);
  const { box } = spot;
  return [
    classColumns[spot.classId] ?? String(spot.classId),
    spot.scale,
    spot.effect,
    spot.share,
    spot.pixels,
    box.x,
    box.y,
    box.width,
    box.height,
  ];
}

/**
 * One row per image; per-scale losses and per-class IoU get a column each. `classColumns` names the
 * IoU columns (`iou_<name>`), one per class: class ids for the CLI, display names in the extension.
 */
export function recordsToCsv(
  records: readonly ImageRow[],
  scales: readonly number[],
  classColumns: readonly string[],
): string {
  const header = [
    'name',
    'prediction',
    'label',
    'width',
    'height',
    'valid_pixels',
    'ce',
    'adaptive',
    ...scales.map((k) => `adaptive_k${k}`),
    'merge_effect',
    'miou',
    'pixel_accuracy',
    ...classColumns.map((name) => `iou_${name}`),
    'boundary_miou',
    ...classColumns.map((name) => `boundary_iou_${name}`),
    ...HOT_SPOT_COLUMNS,
  ];
  const rows = records.map((r) => [
    r.name,
    r.predictionFile,
    r.labelFile,
    r.width,
    r.height,
    r.validPixels,
    r.ce,
    r.adaptive,
    ...scales.map((k) => r.perScale[String(k)] ?? null),
    r.mergeEffect,
    r.miou,
    r.pixelAccuracy,
    ...classColumns.map((_, c) => r.perClassIoU[c] ?? null),
    r.boundaryMiou,
    ...classColumns.map((_, c) => r.perClassBoundaryIoU[c] ?? null),
    ...hotSpotCells(r.largestHotSpot ?? null, classColumns),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
