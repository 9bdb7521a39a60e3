import type { ImageRow } from '../evaluate/record';
import { formatCount, formatFixed, formatPercent } from '../report/format';

/**
 * Every per-image figure SegLens reports, in one table: the ranking (hard examples), `seglens compare`,
 * the CSV columns, the CLI tables, the extension's sort menu and the result cache all read it. To add a
 * per-image metric: add its field to ImageMetrics (types.ts) and the JSON report, then one row here;
 * the compiler points at whatever else is missing.
 *
 * The rows are in the order of an image's JSON record and CSV row (earlier outputs fixed that order).
 */

/** Which way is better: a loss is better low, a score high. "Hardest first" sorts the worse end first. */
export type Better = 'higher' | 'lower';

/**
 * How views print the value: `fixed` with 4 decimals (losses), `percent` for fractions in [0, 1],
 * `count` as a whole number (pixels).
 */
export type NumberFormat = 'fixed' | 'percent' | 'count';

/**
 * `value`: one number (or null) per image. `perScale`: the adaptive loss of each scale k, keyed by k
 * as text. `perClass`: one number (or null) per class id.
 */
export type MetricShape = 'value' | 'perScale' | 'perClass';

interface MetricRow {
  readonly key: keyof ImageRow;
  readonly shape: MetricShape;
  /** In words, for menus and tooltips ("Adaptive loss"). */
  readonly label: string;
  /** The column head of the CLI's tables ("adaptive", "bnd.mIoU"). */
  readonly short: string;
  /** What the figure means, without the sort direction ("pixel-wise cross-entropy"). */
  readonly description: string;
  readonly better: Better;
  readonly format: NumberFormat;
  /** The CSV column; for a list, the prefix of its columns (`iou_` + the class's column name). */
  readonly csvColumn: string;
  /** Only some records carry it (older versions' records, soft predictions only); absent reads as null. */
  readonly optional?: boolean;
  /** Only soft predictions have it: a CSV has its column only when the run had soft images. */
  readonly softOnly?: boolean;
}

export const IMAGE_METRICS = [
  {
    key: 'ce',
    shape: 'value',
    label: 'Cross-entropy',
    short: 'CE',
    description: 'pixel-wise cross-entropy',
    better: 'lower',
    format: 'fixed',
    csvColumn: 'ce',
  },
  {
    key: 'adaptive',
    shape: 'value',
    label: 'Adaptive loss',
    short: 'adaptive',
    description: 'locally adaptive loss (Guo et al.)',
    better: 'lower',
    format: 'fixed',
    csvColumn: 'adaptive',
  },
  {
    key: 'perScale',
    shape: 'perScale',
    label: 'Adaptive loss at scale k',
    short: 'adaptive k',
    description: 'the locally adaptive loss of one window size k',
    better: 'lower',
    format: 'fixed',
    csvColumn: 'adaptive_k',
  },
  {
    key: 'mergeEffect',
    shape: 'value',
    label: 'Merge effect',
    short: 'merge',
    description: 'CE minus adaptive loss: isolated errors',
    better: 'lower',
    format: 'fixed',
    csvColumn: 'merge_effect',
  },
  {
    key: 'miou',
    shape: 'value',
    label: 'mIoU',
    short: 'mIoU',
    description: 'mean IoU of the image',
    better: 'higher',
    format: 'percent',
    csvColumn: 'miou',
  },
  {
    key: 'pixelAccuracy',
    shape: 'value',
    label: 'Pixel accuracy',
    short: 'pix.acc',
    description: 'share of valid pixels right',
    better: 'higher',
    format: 'percent',
    csvColumn: 'pixel_accuracy',
  },
  {
    key: 'perClassIoU',
    shape: 'perClass',
    label: 'IoU',
    short: 'IoU',
    description: 'IoU of one class in the image',
    better: 'higher',
    format: 'percent',
    csvColumn: 'iou_',
  },
  {
    key: 'boundaryMiou',
    shape: 'value',
    label: 'Boundary mIoU',
    short: 'bnd.mIoU',
    description: 'Boundary IoU (Cheng et al.): how right the outlines are',
    better: 'higher',
    format: 'percent',
    csvColumn: 'boundary_miou',
  },
  {
    key: 'perClassBoundaryIoU',
    shape: 'perClass',
    label: 'Boundary IoU',
    short: 'BIoU',
    description: 'Boundary IoU of one class in the image',
    better: 'higher',
    format: 'percent',
    csvColumn: 'boundary_iou_',
  },
  {
    key: 'meanAccuracy',
    shape: 'value',
    label: 'Mean accuracy',
    short: 'mAcc',
    description: "mean over the image's classes of the share of each class's pixels found (mmseg mAcc)",
    better: 'higher',
    format: 'percent',
    csvColumn: 'mean_accuracy',
    // Records written by earlier versions (results files, shard parts, caches) do not have it.
    optional: true,
  },
  {
    key: 'meanDice',
    shape: 'value',
    label: 'Mean Dice',
    short: 'mDice',
    description: "mean Dice over the image's classes (mmseg mDice)",
    better: 'higher',
    format: 'percent',
    csvColumn: 'mean_dice',
    optional: true,
  },
  {
    key: 'labelQuality',
    shape: 'value',
    label: 'Label quality',
    short: 'label q.',
    description: "cleanlab's softmin label-quality score (soft predictions): low means the model doubts the label",
    better: 'higher',
    format: 'fixed',
    csvColumn: 'label_quality',
    optional: true,
    softOnly: true,
  },
  {
    key: 'labelIssuePixels',
    shape: 'value',
    label: 'Label-issue pixels',
    short: 'issues',
    description: 'valid pixels whose label the model gives less than the label-issue threshold (soft predictions)',
    better: 'lower',
    format: 'count',
    csvColumn: 'label_issue_pixels',
    optional: true,
    softOnly: true,
  },
  {
    key: 'lowConfidenceShare',
    shape: 'value',
    label: 'Unsure pixels',
    short: 'unsure',
    description: 'share of valid pixels whose top class has probability below 0.5 (soft predictions)',
    better: 'lower',
    format: 'percent',
    csvColumn: 'low_confidence_share',
    optional: true,
    softOnly: true,
  },
  {
    key: 'ece',
    shape: 'value',
    label: 'Calibration error (ECE)',
    short: 'ECE',
    description: 'expected calibration error, 15 bins (soft predictions): how far confidence is from accuracy',
    better: 'lower',
    format: 'fixed',
    csvColumn: 'ece',
    softOnly: true,
    optional: true,
  },
] as const satisfies readonly MetricRow[];

export type MetricDefinition = (typeof IMAGE_METRICS)[number];

/** The per-image numbers (one value each): what images are ranked and compared by. */
export type ValueMetricKey = Extract<MetricDefinition, { shape: 'value' }>['key'];
export type PerClassMetricKey = Extract<MetricDefinition, { shape: 'perClass' }>['key'];

export type ValueMetricDefinition = Extract<MetricDefinition, { shape: 'value' }>;

const isValueMetric = (metric: MetricDefinition): metric is ValueMetricDefinition => metric.shape === 'value';

/** The one-number metrics in table order. */
export const VALUE_METRICS: readonly ValueMetricDefinition[] = IMAGE_METRICS.filter(isValueMetric);

export const VALUE_METRIC_KEYS: readonly ValueMetricKey[] = VALUE_METRICS.map((metric) => metric.key);

const BY_KEY = new Map<string, MetricDefinition>(IMAGE_METRICS.map((metric) => [metric.key, metric]));

export function metricDefinition<K extends MetricDefinition['key']>(key: K): Extract<MetricDefinition, { key: K }> {
  return BY_KEY.get(key) as Extract<MetricDefinition, { key: K }>;
}

export function isValueMetricKey(value: unknown): value is ValueMetricKey {
  return typeof value === 'string' && (VALUE_METRIC_KEYS as readonly string[]).includes(value);
}

/** The value metrics with `lead` first (a list's default or headline figures), the rest in table order. */
export function valueMetricKeysLedBy(lead: readonly ValueMetricKey[]): ValueMetricKey[] {
  return [...lead, ...VALUE_METRIC_KEYS.filter((key) => !lead.includes(key))];
}

/**
 * The figures a ranking or a comparison reads (a record, a report image): every value metric. Optional
 * ones may be absent at run time in records written by earlier versions.
 */
export type MetricValues = { readonly [K in ValueMetricKey]?: number | null };

/** Only some records carry it: absent is not damage. */
export const isOptionalMetric = (metric: MetricDefinition): boolean =>
  'optional' in metric && (metric as MetricRow).optional === true;

export const isSoftOnlyMetric = (metric: MetricDefinition): boolean =>
  'softOnly' in metric && (metric as MetricRow).softOnly === true;

/** A metric's value in a record or report image; an optional metric the record lacks reads as null. */
export function metricValue(values: MetricValues, key: ValueMetricKey): number | null {
  return values[key] ?? null;
}

/** Losses: a smaller value is better. */
export const lowerIsBetter = (key: ValueMetricKey): boolean => metricDefinition(key).better === 'lower';

/** How the views print a value of the metric (an undefined one as an em dash). */
export function formatMetric(key: MetricDefinition['key'], value: number | null | undefined): string {
  const { format } = metricDefinition(key);
  if (format === 'percent') return formatPercent(value);
  return format === 'count' ? formatCount(value) : formatFixed(value, 4);
}

/** "highest first" / "lowest first": the order that puts the worst images on top. */
export function hardestFirstWords(key: ValueMetricKey): string {
  return lowerIsBetter(key) ? 'highest first' : 'lowest first';
}
