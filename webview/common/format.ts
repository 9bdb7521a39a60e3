/** How numbers read in the header, legend and readout: the engine's formatters (shared with the CLI and the view). */
import {
  formatCount,
  formatFixed,
  formatPercent,
  formatSigned,
  formatThreshold,
  MISSING,
} from '../../src/core/report/format';

export { formatCount, formatPercent, formatSigned, formatThreshold, MISSING };

export function formatLoss(value: number | null): string {
  return formatFixed(value, 4);
}

export function formatProbability(value: number): string {
  return formatFixed(value, 4);
}

export function formatIoU(value: number | null): string {
  return formatFixed(value, 3);
}

/** A fraction in 0..1 as a percentage number without the sign (the column head says %), e.g. `98.2`. */
export function formatShare(value: number | null): string {
  return formatFixed(value === null ? null : value * 100, 1);
}

/** Entropy in nats, e.g. `3.04`. */
export function formatNats(value: number | null): string {
  return formatFixed(value, 2);
}
