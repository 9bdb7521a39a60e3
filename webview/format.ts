/** How numbers read in the header, legend and readout. Undefined quantities show as an em dash. */

export const MISSING = '—';

export function formatLoss(value: number | null): string {
  return value === null ? MISSING : value.toFixed(4);
}

/** Signed, because the sign of a merge effect is the point. */
export function formatSigned(value: number | null, digits = 4): string {
  if (value === null) {
    return MISSING;
  }
  const text = Math.abs(value).toFixed(digits);
  return value > 0 && Number(text) !== 0 ? `+${text}` : value < 0 && Number(text) !== 0 ? `−${text}` : text;
}

export function formatPercent(fraction: number | null): string {
  return fraction === null ? MISSING : `${(fraction * 100).toFixed(1)}%`;
}

export function formatProbability(value: number): string {
  return value.toFixed(4);
}

export function formatIoU(value: number | null): string {
  return value === null ? MISSING : value.toFixed(3);
}
