/** How a sort value reads under a thumbnail and how long its bar is. */
import type { ValueFormat } from '../../src/shared/protocol/gallery';
import { formatCount, formatLoss, formatPercent, formatSigned, MISSING } from '../common/format';

export function describeValue(value: number, format: ValueFormat): string {
  if (Number.isNaN(value)) return MISSING;
  if (format === 'percent') return formatPercent(value);
  if (format === 'signed') return formatSigned(value, 2);
  if (format === 'count') return formatCount(value);
  return formatLoss(value);
}

/**
 * `share`: the value itself is the bar's share (scores in 0..1). `largest`: the value over the
 * largest magnitude in the list (losses; deltas by their size).
 */
export type BarScale = { readonly kind: 'share'; readonly max: 1 } | { readonly kind: 'largest'; readonly max: number };

export function barScaleFor(values: Float64Array, format: ValueFormat): BarScale {
  if (format === 'percent') return { kind: 'share', max: 1 };
  let max = 0;
  for (const value of values) if (!Number.isNaN(value)) max = Math.max(max, Math.abs(value));
  return { kind: 'largest', max };
}

/** The bar's length as a share of its track, 0..1 (0 for an undefined value). */
export function barShare(value: number, scale: BarScale): number {
  if (Number.isNaN(value) || scale.max <= 0) return 0;
  return Math.max(0, Math.min(1, Math.abs(value) / scale.max));
}
