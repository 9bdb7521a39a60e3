import { hardestFirst, RANKING_KEYS, type RankingKey } from '../../core/report/ranking';
import type { ImageRecord } from '../../core';
import {
  formatMetric,
  hardestFirstWords,
  metricDefinition,
  metricValue,
  type ValueMetricKey,
} from '../../core/metrics/metricTable';

export type SortKey = RankingKey;

export interface SortKeyInfo {
  readonly label: string;
  /** What the figure means for the user, shown in the quick pick. */
  readonly detail: string;
  readonly value: (record: ImageRecord) => number | null;
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

/** Hardest first by `key`, in the engine's order (the CLI lists the same order). */
export function rankRecords(records: readonly ImageRecord[], key: SortKey): ImageRecord[] {
  return [...records].sort(hardestFirst(key));
}

/**
 * Images where `classId` appears in the label or in the prediction. That is exactly the images whose
 * IoU for the class is defined (its union is non-empty), which is what a per-class review wants.
 */
export function filterByClass(records: readonly ImageRecord[], classId: number | undefined): ImageRecord[] {
  if (classId === undefined) return [...records];
  return records.filter((record) => record.classesPresent.includes(classId));
}

export function describeRecord(record: ImageRecord, key: SortKey): string {
  const info = SORT_KEYS[key];
  const value = info.value(record);
  return value === null ? 'no valid pixel' : `${info.label} ${info.format(value)}`;
}
