import type { DatasetSummary, ImageRecord } from '../../core';
import { imageDeltas, regression, type Deltas } from '../../core/report/compare';
import { formatSigned } from '../../core/report/format';
import { SORT_KEYS, type SortKey } from './sortKeys';

/** The second prediction folder evaluated against the same labels with the same settings. */
export interface Comparison {
  readonly predictionsDir: string;
  /** B's records by image name. */
  readonly records: ReadonlyMap<string, ImageRecord>;
  readonly summary: DatasetSummary;
}

export function deltasOf(a: ImageRecord, b: ImageRecord): Deltas {
  return imageDeltas(a, b);
}

/**
 * What the list is ordered by while comparing: the regression of B in any per-image metric, or the
 * largest per-class IoU drop (so one collapsed class shows even when the image's mIoU rose).
 */
export type CompareSortKey = SortKey | 'worstClassDrop';

export const WORST_CLASS_DROP = {
  label: 'Worst class drop',
  detail: 'the largest fall of one class IoU from A to B in the image, largest fall first',
} as const;

export function isCompareSortKey(value: unknown): value is CompareSortKey {
  return (
    value === 'worstClassDrop' || (typeof value === 'string' && Object.prototype.hasOwnProperty.call(SORT_KEYS, value))
  );
}

/** Per class B − A of this image's IoU; null where either is undefined. */
export function perClassIoUDelta(a: ImageRecord, b: ImageRecord): (number | null)[] {
  return a.perClassIoU.map((x, c) => {
    const y = b.perClassIoU[c] ?? null;
    return x === null || y === null ? null : y - x;
  });
}

/**
 * The class whose IoU changed least favourably from A to B (the most negative B − A), with that
 * change; null when no class has an IoU in both. A positive change means every class improved.
 */
export function worstClassChange(a: ImageRecord, b: ImageRecord): { classId: number; delta: number } | null {
  let worst: { classId: number; delta: number } | null = null;
  perClassIoUDelta(a, b).forEach((delta, classId) => {
    if (delta !== null && (worst === null || delta < worst.delta)) worst = { classId, delta };
  });
  return worst;
}

/** How much worse B is than A by `key` (positive = regression, as regression() says); null when undefined. */
function regressionBy(a: ImageRecord, b: ImageRecord, key: CompareSortKey): number | null {
  if (key === 'worstClassDrop') {
    const worst = worstClassChange(a, b);
    return worst === null ? null : -worst.delta;
  }
  return regression(deltasOf(a, b), key);
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A's images in order of B's largest regression by `key` (the mIoU default as `seglens compare` lists
 * them); undefined regressions after, then images B lacks, each group by name.
 */
export function rankByRegression(
  records: readonly ImageRecord[],
  other: ReadonlyMap<string, ImageRecord>,
  key: CompareSortKey = 'miou',
): ImageRecord[] {
  const both = records
    .flatMap((record) => {
      const b = other.get(record.name);
      return b === undefined ? [] : [{ name: record.name, record, worse: regressionBy(record, b, key) }];
    })
    .sort((x, y) => {
      if (x.worse === null || y.worse === null) {
        if (x.worse !== y.worse) return x.worse === null ? 1 : -1;
      } else if (x.worse !== y.worse) {
        return y.worse - x.worse;
      }
      return byName(x, y);
    })
    .map((entry) => entry.record);
  const onlyA = records.filter((record) => !other.has(record.name)).sort(byName);
  return [...both, ...onlyA];
}

/** Short metric names for the one-line description. */
const SHORT: Readonly<Record<string, string>> = {
  miou: 'mIoU',
  pixelAccuracy: 'pixel acc.',
  ce: 'CE',
  adaptive: 'adaptive',
  mergeEffect: 'merge effect',
  boundaryMiou: 'boundary mIoU',
};

/** B − A of one metric in words, e.g. "−0.12 mIoU" (scores with 2 decimals, losses with 3). */
function describeMetricDelta(deltas: Deltas, key: SortKey): string {
  const delta = deltas[key];
  const name = SHORT[key] ?? SORT_KEYS[key].label;
  if (delta === null) return `${name} undefined`;
  const score = key === 'miou' || key === 'pixelAccuracy' || key === 'boundaryMiou';
  return `${formatSigned(delta, score ? 2 : 3)} ${name}`;
}

/** The worst class change in words, "car −0.36"; null when no class fell. */
export function describeWorstClass(a: ImageRecord, b: ImageRecord, classNames: readonly string[]): string | null {
  const worst = worstClassChange(a, b);
  if (worst === null || !(worst.delta < 0)) return null;
  return `${classNames[worst.classId] ?? `class ${worst.classId}`} ${formatSigned(worst.delta, 2)}`;
}

/**
 * The view's description of an image under comparison: the sort metric's B − A first, then the worst
 * class drop, e.g. "+0.06 mIoU · car −0.36" (led by the drop when that is the sort key).
 */
export function describeDelta(
  a: ImageRecord,
  b: ImageRecord | undefined,
  key: CompareSortKey = 'miou',
  classNames: readonly string[] = [],
): string {
  if (b === undefined) return 'not in B';
  const deltas = deltasOf(a, b);
  const worst = describeWorstClass(a, b, classNames) ?? 'no class worse';
  const metric = describeMetricDelta(deltas, key === 'worstClassDrop' ? 'miou' : key);
  return key === 'worstClassDrop' ? `${worst} · ${metric}` : `${metric} · ${worst}`;
}
