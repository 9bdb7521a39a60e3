import { hardestFirst, RANKING_KEYS, type RankingKey } from '../../core/report/ranking';
import type { ImageRecord } from '../../core';
import {
  formatMetric,
  hardestFirstWords,
  metricDefinition,
  metricValue,
  type ValueMetricKey,
} from '../../core/metrics/metricTable';
import { formatCount } from '../../core/report/format';
import type { AgreedImageRecord } from './agreement';

export type SortKey = RankingKey;

/** The view's one sort key that is not a metric of the evaluation: the agreement's likely-label-error pixels. */
export const LIKELY_LABEL_ERRORS = 'likelyLabelErrors' as const;
/** What the view can sort by: the metric table's keys, and the agreement's count once it has run. */
export type ViewSortKey = SortKey | typeof LIKELY_LABEL_ERRORS;

export interface SortKeyInfo {
  readonly label: string;
  /** What the figure means for the user, shown in the quick pick. */
  readonly detail: string;
  readonly value: (record: AgreedImageRecord) => number | null;
  /** Short form for the tree item description. */
  readonly format: (value: number) => string;
}

function sortKeyInfo(key: ValueMetricKey): SortKeyInfo {
  const metric = metricDefinition(key);
  return {
    label: metric.label,
    detail: `${metric.description}, ${hardestFirstWords(key)}`,
    value: (record) => metricValue(record, key),
    format: (value) => formatMetric(key, value),
  };
}

/** The sort menu, in the engine's ranking order, from the metric table. */
export const SORT_KEYS: Readonly<Record<SortKey, SortKeyInfo>> = Object.fromEntries(
  RANKING_KEYS.map((key) => [key, sortKeyInfo(key)]),
) as Record<SortKey, SortKeyInfo>;

export function isSortKey(value: unknown): value is SortKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SORT_KEYS, value);
}

/** Most likely-label-error pixels first (the order of `seglens agree`); images the agreement lacks last. */
export const LIKELY_LABEL_ERRORS_SORT: SortKeyInfo = {
  label: 'Likely label errors (other models)',
  detail:
    "pixels where two thirds of the models (by default) predict the same class, not the label's; most first. Run Find Likely Label Errors With Other Models… first",
  value: (record) => record.likelyLabelErrorPixels ?? null,
  format: (value) => formatCount(value),
};

export function isViewSortKey(value: unknown): value is ViewSortKey {
  return value === LIKELY_LABEL_ERRORS || isSortKey(value);
}

export function viewSortKeyInfo(key: ViewSortKey): SortKeyInfo {
  return key === LIKELY_LABEL_ERRORS ? LIKELY_LABEL_ERRORS_SORT : SORT_KEYS[key];
}

/** The agreement's order: most likely-label-error pixels first, then by name, as `seglens agree` ranks. */
function byLikelyLabelErrors(a: AgreedImageRecord, b: AgreedImageRecord): number {
  const x = a.likelyLabelErrorPixels;
  const y = b.likelyLabelErrorPixels;
  if (x === undefined || y === undefined) {
    if (x !== y) return x === undefined ? 1 : -1;
  } else if (x !== y) return y - x;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Hardest first by `key`, in the engine's order (the CLI lists the same order). */
export function rankRecords<R extends AgreedImageRecord>(records: readonly R[], key: ViewSortKey): R[] {
  return [...records].sort(key === LIKELY_LABEL_ERRORS ? byLikelyLabelErrors : hardestFirst(key));
}

/**
 * Images where `classId` appears in the label or in the prediction. That is exactly the images whose
 * IoU for the class is defined (its union is non-empty), which is what a per-class review wants.
 */
export function filterByClass<R extends ImageRecord>(records: readonly R[], classId: number | undefined): R[] {
  if (classId === undefined) return [...records];
  return records.filter((record) => record.classesPresent.includes(classId));
}

export function describeRecord(record: AgreedImageRecord, key: ViewSortKey): string {
  const info = viewSortKeyInfo(key);
  const value = info.value(record);
  return value === null ? 'no valid pixel' : `${info.label} ${info.format(value)}`;
}
