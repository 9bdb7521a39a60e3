import type { ImageRow } from '../evaluate/record';
import type { OptionsRecord } from '../options';
import type { HotSpot } from '../types';
import { IMAGE_METRICS, isSoftOnlyMetric, metricValue, type MetricDefinition } from '../metrics/metricTable';

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

/** The columns of one metric of the table: one, or one per scale, or one per class. */
function metricColumns(metric: MetricDefinition, scales: readonly number[], classColumns: readonly string[]): string[] {
  if (metric.shape === 'perScale') return scales.map((k) => `${metric.csvColumn}${k}`);
  if (metric.shape === 'perClass') return classColumns.map((name) => `${metric.csvColumn}${name}`);
  return [metric.csvColumn];
}

function metricCells(
  row: ImageRow,
  metric: MetricDefinition,
  scales: readonly number[],
  classColumns: readonly string[],
): (number | null)[] {
  if (metric.shape === 'perScale') return scales.map((k) => row.perScale[String(k)] ?? null);
  if (metric.shape === 'perClass') return classColumns.map((_, c) => row[metric.key][c] ?? null);
  return [metricValue(row, metric.key)];
}

/**
 * One row per image: the file columns, then every metric of the metric table in its order (per-scale
 * losses and per-class figures get a column each), then the largest hot spot, then the metrics only soft
 * predictions have when the run had soft images (a hard run's CSV is as it always was). `classColumns`
 * names the per-class columns (`iou_<name>`), one per class: class ids, or the dataset's class names.
 */
export function recordsToCsv(
  records: readonly ImageRow[],
  scales: readonly number[],
  classColumns: readonly string[],
  options?: OptionsRecord,
): string {
  const soft = records.some(hasSoftFigures);
  return [
    ...(options !== undefined ? [`${optionsComment(options)}\n`] : []),
    csvHeaderLine(scales, classColumns, soft),
    ...records.map((r) => csvRowLine(r, scales, classColumns, soft)),
  ].join('');
}

const ALWAYS = IMAGE_METRICS.filter((metric) => !isSoftOnlyMetric(metric));
const SOFT_ONLY = IMAGE_METRICS.filter(isSoftOnlyMetric);

/** Whether the image's prediction was soft: it carries the soft-only figures. */
export const hasSoftFigures = (row: ImageRow): boolean => SOFT_ONLY.some((metric) => row[metric.key] !== undefined);

/** The CSV's first line (with its line break), for writing the rows one by one. */
export function csvHeaderLine(scales: readonly number[], classColumns: readonly string[], soft: boolean): string {
  const header = [
    'name',
    'prediction',
    'label',
    'width',
    'height',
    'valid_pixels',
    ...ALWAYS.flatMap((metric) => metricColumns(metric, scales, classColumns)),
    ...HOT_SPOT_COLUMNS,
    ...(soft ? SOFT_ONLY.flatMap((metric) => metricColumns(metric, scales, classColumns)) : []),
  ];
  return `${header.map(csvCell).join(',')}\n`;
}

/** One image's CSV line (with its line break); `soft` as in its header. */
export function csvRowLine(
  r: ImageRow,
  scales: readonly number[],
  classColumns: readonly string[],
  soft: boolean,
): string {
  const cells = [
    r.name,
    r.predictionFile,
    r.labelFile,
    r.width,
    r.height,
    r.validPixels,
    ...ALWAYS.flatMap((metric) => metricCells(r, metric, scales, classColumns)),
    ...hotSpotCells(r.largestHotSpot ?? null, classColumns),
    ...(soft ? SOFT_ONLY.flatMap((metric) => metricCells(r, metric, scales, classColumns)) : []),
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}

/**
 * The CSV's first line: the options as one JSON object after `#`, which spreadsheet readers given a
 * comment character skip (`pandas.read_csv(..., comment='#')`).
 */
export function optionsComment(options: OptionsRecord): string {
  return `# seglens options ${JSON.stringify(options)}`;
}
