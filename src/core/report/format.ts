/**
 * How SegLens prints numbers: the CLI table, the Hard examples view and the inspector webview all
 * format through here, so a quantity reads the same everywhere and an undefined one (no valid pixel,
 * an absent class) always prints as an em dash. Plain functions with no imports: the webview bundles it.
 */

export const MISSING = '—';

type Maybe = number | null | undefined;

/** `digits` decimals, e.g. a loss `0.4312`. */
export function formatFixed(value: Maybe, digits = 4): string {
  return value === null || value === undefined ? MISSING : value.toFixed(digits);
}

/**
 * A threshold a person set (a probability or confidence cut-off), e.g. `0.10`: two decimals, or as many
 * as it needs up to four (`0.125`), so the figure shown is the one in force.
 */
export function formatThreshold(value: Maybe): string {
  if (value === null || value === undefined) return MISSING;
  for (let digits = 2; digits < 4; digits++) {
    const text = value.toFixed(digits);
    if (Number(text) === value) return text;
  }
  return value.toFixed(4);
}

/** A fraction as a percentage with `digits` decimals, e.g. `73.4%`. */
export function formatPercent(fraction: Maybe, digits = 1): string {
  return fraction === null || fraction === undefined ? MISSING : `${(fraction * 100).toFixed(digits)}%`;
}

/** Signed (with a true minus), because the sign of a merge effect is the point; a value that rounds to 0 has none. */
export function formatSigned(value: Maybe, digits = 4): string {
  if (value === null || value === undefined) return MISSING;
  const text = Math.abs(value).toFixed(digits);
  return value > 0 && Number(text) !== 0 ? `+${text}` : value < 0 && Number(text) !== 0 ? `−${text}` : text;
}

/** A count of pixels or images with thousands separators, e.g. `12,116`. */
export function formatCount(value: Maybe): string {
  if (value === null || value === undefined) return MISSING;
  // Not toLocaleString: it builds a number formatter per call, which shows when a table prints thousands.
  const digits = String(Math.abs(Math.round(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 && digits !== '0' ? `-${digits}` : digits;
}
