import { csvCell } from './csv';
import type { JsonReport } from './jsonReport';
import {
  lowerIsBetter,
  metricValue,
  valueMetricKeysLedBy,
  type MetricValues,
  type ValueMetricKey,
} from '../metrics/metricTable';

/**
 * The per-image metrics `seglens compare` takes the difference B − A of: every one-number metric, the
 * scores models are usually compared by (mIoU, then pixel accuracy) first, the rest in table order.
 */
export const DELTA_KEYS: readonly ValueMetricKey[] = valueMetricKeysLedBy(['miou', 'pixelAccuracy']);
export type DeltaKey = ValueMetricKey;

export type Deltas = Record<DeltaKey, number | null>;

export interface ImageDelta {
  readonly name: string;
  /** B − A; null where either run leaves the metric undefined. */
  readonly delta: Deltas;
}

/** The `seglens compare --json` document: both eval reports, then the per-image differences. */
export interface CompareReport {
  readonly a: JsonReport;
  readonly b: JsonReport;
  /** Images evaluated in both runs, largest regression of the sort metric first. */
  readonly images: ImageDelta[];
  readonly onlyInA: string[];
  readonly onlyInB: string[];
}

const difference = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);

/** How much worse B is than A by `key` (positive = regression); null when undefined. */
export function regression(delta: Deltas, key: DeltaKey): number | null {
  const value = delta[key];
  if (value === null) return null;
  return lowerIsBetter(key) ? value : -value;
}

/** Largest regression first, undefined last, then by name in code-point order. */
export function worstRegressionFirst(key: DeltaKey): (x: ImageDelta, y: ImageDelta) => number {
  return (x, y) => {
    const rx = regression(x.delta, key);
    const ry = regression(y.delta, key);
    if (rx === null || ry === null) {
      if (rx !== ry) return rx === null ? 1 : -1;
    } else if (rx !== ry) {
      return ry - rx;
    }
    return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
  };
}

/** B − A of every delta metric of one image (a report image or an image record). */
export function imageDeltas(a: MetricValues, b: MetricValues): Deltas {
  const delta = {} as Deltas;
  for (const key of DELTA_KEYS) delta[key] = difference(metricValue(a, key), metricValue(b, key));
  return delta;
}

/** Pairs the images of two runs by name and takes B − A of every metric. */
export function compareReports(a: JsonReport, b: JsonReport, sortKey: DeltaKey = 'miou'): CompareReport {
  const inB = new Map(b.images.map((image) => [image.name, image]));
  const inA = new Set(a.images.map((image) => image.name));
  const images: ImageDelta[] = [];
  for (const image of a.images) {
    const other = inB.get(image.name);
    if (other !== undefined) images.push({ name: image.name, delta: imageDeltas(image, other) });
  }
  images.sort(worstRegressionFirst(sortKey));
  const byName = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return {
    a,
    b,
    images,
    onlyInA: a.images
      .filter((image) => !inB.has(image.name))
      .map((image) => image.name)
      .sort(byName),
    onlyInB: b.images
      .filter((image) => !inA.has(image.name))
      .map((image) => image.name)
      .sort(byName),
  };
}

/** Per-class B − A of the dataset's pooled IoU and Boundary IoU. */
export function perClassDeltas(report: CompareReport): { iou: (number | null)[]; boundaryIoU: (number | null)[] } {
  const { a, b } = report;
  return {
    iou: a.dataset.perClassIoU.map((value, c) => difference(value, b.dataset.perClassIoU[c] ?? null)),
    boundaryIoU: a.dataset.perClassBoundaryIoU.map((value, c) =>
      difference(value, b.dataset.perClassBoundaryIoU[c] ?? null),
    ),
  };
}

/** One row per image in both runs: each metric of A, of B and the difference, worst regression first. */
export function compareToCsv(report: CompareReport): string {
  // Named by the metric's key (`pixelAccuracy_a`), as the compare CSV always was.
  const header = ['name', ...DELTA_KEYS.flatMap((key) => [`${key}_a`, `${key}_b`, `${key}_delta`])];
  const aByName = new Map(report.a.images.map((image) => [image.name, image]));
  const bByName = new Map(report.b.images.map((image) => [image.name, image]));
  const rows = report.images.map((image) => {
    const a = aByName.get(image.name)!;
    const b = bByName.get(image.name)!;
    return [image.name, ...DELTA_KEYS.flatMap((key) => [metricValue(a, key), metricValue(b, key), image.delta[key]])];
  });
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
