/** How numbers read in the header, legend and readout: the engine's formatters (shared with the CLI and the view). */
import { formatFixed, formatPercent, formatSigned, MISSING } from '../../src/core/report/format';

export { formatPercent, formatSigned, MISSING };

export function formatLoss(value: number | null): string {
  return formatFixed(value, 4);
}

export function formatProbability(value: number): string {
  return formatFixed(value, 4);
}

export function formatIoU(value: number | null): string {
  return formatFixed(value, 3);
}
