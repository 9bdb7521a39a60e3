import type { ImageRow } from '../evaluate/record';

/** What the hard-example list can be sorted by; each sorts hardest first. */
export type RankingKey = 'adaptive' | 'ce' | 'mergeEffect' | 'miou' | 'pixelAccuracy';

export const RANKING_KEYS: readonly RankingKey[] = ['adaptive', 'ce', 'mergeEffect', 'miou', 'pixelAccuracy'];

/** Losses are hardest when high, scores (mIoU, accuracy) when low; undefined values go last. */
export function hardestFirst(key: RankingKey): (a: ImageRow, b: ImageRow) => number {
  const descending = key === 'adaptive' || key === 'ce' || key === 'mergeEffect';
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === null ? (y === null ? a.name.localeCompare(b.name) : 1) : -1;
    const order = descending ? y - x : x - y;
    return order !== 0 ? order : a.name.localeCompare(b.name);
  };
}
