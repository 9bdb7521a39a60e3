import { RANKING_KEYS, type RankingKey } from '../../core/report/ranking';
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

export function describeRecord(record: AgreedImageRecord, key: ViewSortKey): string {
  return describeValue(key, viewSortKeyInfo(key).value(record));
}

/** An image's value of the sort key in words ("Adaptive loss 0.9000", "no valid pixel"). */
export function describeValue(key: ViewSortKey, value: number | null): string {
  const info = viewSortKeyInfo(key);
  return value === null ? 'no valid pixel' : `${info.label} ${info.format(value)}`;
}
