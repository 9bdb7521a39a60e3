import type { ImageRow } from '../evaluate/record';
import { lowerIsBetter, metricValue, valueMetricKeysLedBy, type ValueMetricKey } from '../metrics/metricTable';

/** What the hard-example list can be sorted by (every one-number metric); each sorts hardest first. */
export type RankingKey = ValueMetricKey;

/** The adaptive loss, SegLens' own figure and the default order, first; the rest in the metric table's order. */
export const RANKING_KEYS: readonly RankingKey[] = valueMetricKeysLedBy(['adaptive']);

/** Losses are hardest when high, scores (mIoU, accuracy, boundary mIoU) when low; undefined values go last. */
export function hardestFirst(key: RankingKey): (a: ImageRow, b: ImageRow) => number {
  const descending = lowerIsBetter(key);
  return (a, b) => {
    const x = metricValue(a, key);
    const y = metricValue(b, key);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return descending ? y - x : x - y;
    }
    // Code-point order, not locale order, so every machine lists ties the same way.
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}
