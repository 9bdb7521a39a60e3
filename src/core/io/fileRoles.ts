/** What a file is, read from its name's suffix (`X_gtFine_labelIds` is a label of `X` in label ids). */
export type FileRole = 'prediction' | 'label' | 'image' | 'never';

/** How a label's ids are written: train ids, the dataset's label ids (mapped), or colours. */
export type LabelIds = 'train' | 'label' | 'color';

export interface SuffixRule {
  readonly suffix: string;
  readonly role: FileRole;
  /** For labels: the encoding this suffix implies; absent means the dataset's default. */
  readonly ids?: LabelIds;
  /** For labels: lower wins when a stem has several label files (`labelTrainIds` before `labelIds`). */
  readonly rank?: number;
}

/** Rank of a label file whose name carries no suffix at all. */
export const UNSUFFIXED_RANK = 10;

export const KNOWN_SUFFIXES: readonly SuffixRule[] = [
  { suffix: '_gtFine_labelTrainIds', role: 'label', ids: 'train', rank: 0 },
  { suffix: '_gtFine_labelIds', role: 'label', ids: 'label', rank: 1 },
  { suffix: '_gtFine_color', role: 'label', ids: 'color', rank: 2 },
  { suffix: '_gtFine_instanceIds', role: 'never' },
  { suffix: '_instanceIds', role: 'never' },
  { suffix: '_leftImg8bit', role: 'image' },
  { suffix: '_image', role: 'image' },
  { suffix: '_prediction', role: 'prediction' },
  { suffix: '_pred', role: 'prediction' },
  { suffix: '_target', role: 'label', rank: 3 },
  { suffix: '_labels', role: 'label', rank: 3 },
  { suffix: '_label', role: 'label', rank: 3 },
  { suffix: '_mask', role: 'label', rank: 3 },
  { suffix: '_gt', role: 'label', rank: 3 },
  { suffix: 'gt', role: 'label', rank: 4 },
];

export interface ParsedName {
  /** The name without its suffix: what pairs a prediction with its label. */
  readonly stem: string;
  readonly rule?: SuffixRule;
}

/** Longest suffix first, so `_gtFine_labelIds` wins over `_labelIds`-like shorter rules and `_gt` over `gt`. */
export function orderRules(rules: readonly SuffixRule[]): SuffixRule[] {
  return [...rules].sort((a, b) => b.suffix.length - a.suffix.length);
}

/** Splits `base` (a file name without extension) into stem and suffix rule; a bare suffix is no stem. */
export function parseName(base: string, ordered: readonly SuffixRule[]): ParsedName {
  for (const rule of ordered) {
    if (base.length > rule.suffix.length && base.endsWith(rule.suffix)) {
      return { stem: base.slice(0, -rule.suffix.length), rule };
    }
  }
  return { stem: base };
}

export const labelRank = (parsed: ParsedName): number => parsed.rule?.rank ?? UNSUFFIXED_RANK;

/**
 * `--pair PRED:LABEL`, each a file name with one `{stem}`, e.g. `{stem}_seg.png:{stem}_gtFine_color.png`.
 * Returns a matcher per side that yields the stem, or undefined when the name does not fit.
 */
export interface PairPattern {
  readonly prediction: (name: string) => string | undefined;
  readonly label: (name: string) => string | undefined;
  readonly text: string;
}

export class PairPatternError extends Error {
  override readonly name = 'PairPatternError';
}

function matcher(pattern: string, text: string): (name: string) => string | undefined {
  const parts = pattern.split('{stem}');
  if (parts.length !== 2)
    throw new PairPatternError(`--pair ${JSON.stringify(text)}: each side needs exactly one {stem}`);
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regex = new RegExp(`^${escape(parts[0]!)}(.+)${escape(parts[1]!)}$`);
  return (name) => regex.exec(name)?.[1];
}

export function parsePairPattern(text: string): PairPattern {
  const sides = text.split(':');
  if (sides.length !== 2 || sides.some((s) => s.trim() === ''))
    throw new PairPatternError(
      `--pair ${JSON.stringify(text)}: expected PRED_PATTERN:LABEL_PATTERN, e.g. {stem}_seg.png:{stem}_gtFine_color.png`,
    );
  return { prediction: matcher(sides[0]!, text), label: matcher(sides[1]!, text), text };
}
