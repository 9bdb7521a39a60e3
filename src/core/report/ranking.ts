import type { ImageRow } from '../evaluate/record';

/** What the hard-example list can be sorted by; each sorts hardest first. */
export type RankingKey = 'adaptive' | 'ce' | 'mergeEffect' | 'miou' | 'pixelAccuracy' | 'boundaryMiou';

export const RANKING_KEYS: readonly RankingKey[] = [
  'adaptive',
  'ce',
  'mergeEffect',
  'miou',
  'pixelAccuracy',
  'boundaryMiou',
];

/** Losses are hardest when high, scores (mIoU, accuracy, boundary mIoU) when low; undefined values go last. */
export function hardestFirst(key: RankingKey): (a: ImageRow, b: ImageRow) => number {
  const descending = key === 'adaptive' || key === 'ce' || key === 'mergeEffect';
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return descending ? y - x : x - y;
    }
    // Code-point order, not locale order, so every machine lists ties the same way.
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}
