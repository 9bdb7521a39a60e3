import { resolve } from 'node:path';
import {
  KNOWN_SUFFIXES,
  labelRank,
  orderRules,
  parseName,
  type LabelIds,
  type PairPattern,
  type ParsedName,
  type SuffixRule,
} from './fileRoles';
import type { SkippedFile } from '../types';
import { DEFAULT_WALK_LIMITS, walkFolder, type FoundFile, type WalkLimits } from './walkFolder';

export interface FilePair {
  /** Path of the image relative to the prediction root, without suffix: `frankfurt/frankfurt_000000_000294`. */
  readonly name: string;
  readonly predictionFile: string;
  readonly labelFile: string;
  /** How the label file writes its ids, from its name; absent means the dataset's default. */
  readonly labelIds?: LabelIds;
}

export type { SkippedFile };

export interface PairingResult {
  readonly pairs: FilePair[];
  /** Predictions without a label, ambiguous pairs, unreadable links. */
  readonly unpaired: SkippedFile[];
  /** Files deliberately left out (a stem's other label variants, instance maps): not errors. */
  readonly ignored: SkippedFile[];
  /** How many labels have no prediction (usually a partial run; not an error). */
  readonly labelsWithoutPrediction: number;
}

export interface PairingOptions {
  /** The dataset's own suffixes, tried with the known ones. */
  readonly suffixes?: readonly SuffixRule[];
  /** `--pair`: when set, only files fitting it take part. */
  readonly pattern?: PairPattern;
  readonly limits?: WalkLimits;
}

interface Candidate {
  readonly found: FoundFile;
  readonly parsed: ParsedName;
}

/**
 * Candidates by key: one candidate alone, as it nearly always is, or a list when several files share a
 * key. (A list per key would allocate an array and its backing store for every file: at 200,000 pairs,
 * tens of megabytes of the main thread's peak.)
 */
type Groups = Map<string, Candidate | Candidate[]>;

const keyOf = (relDir: string, stem: string): string => (relDir === '' ? stem : `${relDir}/${stem}`);

function add(groups: Groups, candidate: Candidate): void {
  const key = keyOf(candidate.found.relDir, candidate.parsed.stem);
  const held = groups.get(key);
  if (held === undefined) groups.set(key, candidate);
  else if (Array.isArray(held)) held.push(candidate);
  else groups.set(key, [held, candidate]);
}

/** The candidates of a key, in the order they were added. */
function candidatesOf(groups: Groups, key: string): readonly Candidate[] {
  const held = groups.get(key);
  return held === undefined ? [] : Array.isArray(held) ? held : [held];
}

/** In a folder of predictions every file is one, whatever its suffix, except instance maps. */
function classifyPredictionFolder(files: readonly FoundFile[], rules: readonly SuffixRule[], ignored: SkippedFile[]) {
  const predictions: Groups = new Map();
  for (const found of files) {
    const parsed = parseName(found.base, rules);
    if (parsed.rule?.role === 'never') ignored.push({ file: found.file, reason: 'instance ids are never a label' });
    else add(predictions, { found, parsed });
  }
  return predictions;
}

/** In a folder of labels, images and prediction-named files are not labels. */
function classifyLabelFolder(files: readonly FoundFile[], rules: readonly SuffixRule[], ignored: SkippedFile[]) {
  const labels: Groups = new Map();
  for (const found of files) {
    const parsed = parseName(found.base, rules);
    const role = parsed.rule?.role;
    if (role === 'never') ignored.push({ file: found.file, reason: 'instance ids are never a label' });
    else if (role === undefined || role === 'label') add(labels, { found, parsed });
  }
  return labels;
}

/** One folder holding both: roles come from the suffixes; a name without one is a prediction. */
function classifySharedFolder(files: readonly FoundFile[], rules: readonly SuffixRule[], ignored: SkippedFile[]) {
  const predictions: Groups = new Map();
  const labels: Groups = new Map();
  for (const found of files) {
    const parsed = parseName(found.base, rules);
    const role = parsed.rule?.role;
    if (role === 'never') ignored.push({ file: found.file, reason: 'instance ids are never a label' });
    else if (role === 'label') add(labels, { found, parsed });
    else if (role !== 'image') add(predictions, { found, parsed });
  }
  return { predictions, labels };
}

function classifyByPattern(files: readonly FoundFile[], pattern: PairPattern, rules: readonly SuffixRule[]) {
  const predictions: Groups = new Map();
  const labels: Groups = new Map();
  for (const found of files) {
    const name = found.base + found.extension;
    const predictionStem = pattern.prediction(name);
    const labelStem = pattern.label(name);
    if (predictionStem !== undefined) add(predictions, { found, parsed: { stem: predictionStem } });
    else if (labelStem !== undefined) {
      // The label's own suffix still says how it encodes ids (`_gtFine_color` → colours).
      const rule = parseName(found.base, rules).rule;
      add(labels, { found, parsed: { stem: labelStem, ...(rule?.role === 'label' ? { rule } : {}) } });
    }
  }
  return { predictions, labels };
}

const isPng = (c: Candidate): boolean => c.found.extension === '.png';

/** The preferred label of a stem: lowest suffix rank, then PNG before .npy; the rest are listed as ignored. */
function chooseLabel(candidates: readonly Candidate[], ignored: SkippedFile[]): Candidate {
  const sorted = [...candidates].sort(
    (a, b) => labelRank(a.parsed) - labelRank(b.parsed) || Number(isPng(b)) - Number(isPng(a)),
  );
  const chosen = sorted[0]!;
  for (const other of sorted.slice(1))
    ignored.push({
      file: other.found.file,
      reason: `another label of ${chosen.parsed.stem} is used: ${chosen.found.file}`,
    });
  return chosen;
}

/** The prediction of a stem: an explicit `_pred` beats other names; two equal candidates are reported. */
function choosePrediction(
  key: string,
  candidates: readonly Candidate[],
  unpaired: SkippedFile[],
  ignored: SkippedFile[],
): Candidate | undefined {
  const explicit = candidates.filter((c) => c.parsed.rule?.role === 'prediction');
  const pool = explicit.length > 0 ? explicit : candidates;
  for (const other of candidates.filter((c) => !pool.includes(c)))
    ignored.push({ file: other.found.file, reason: `not a prediction: ${pool[0]!.found.file} is` });
  if (pool.length > 1) {
    unpaired.push({
      file: pool[0]!.found.file,
      reason: `two predictions share the name ${key}: ${pool.map((c) => c.found.base + c.found.extension).join(' and ')}`,
    });
    return undefined;
  }
  return pool[0];
}

/** Labels by bare stem, for predictions whose folder layout differs from the labels' (`frankfurt/` vs `val/frankfurt/`). */
function byStem(labels: Groups): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const key of labels.keys()) {
    const stem = candidatesOf(labels, key)[0]!.parsed.stem;
    const keys = index.get(stem);
    if (keys === undefined) index.set(stem, [key]);
    else keys.push(key);
  }
  return index;
}

function match(
  key: string,
  stem: string,
  labels: Groups,
  stems: () => Map<string, string[]>,
): { key: string } | { reason: string } | undefined {
  if (labels.has(key)) return { key };
  const keys = stems().get(stem) ?? [];
  if (keys.length === 1) return { key: keys[0]! };
  if (keys.length > 1) return { reason: `ambiguous: several labels are named ${stem} (${keys.join(', ')})` };
  return undefined;
}

/**
 * Pairs predictions with labels by stem after known suffixes, walking both folders (and sub-folders);
 * the two may be one folder. Sorted by name; nothing is read but folder listings.
 */
export async function pairFiles(
  predictionsDir: string,
  labelsDir: string,
  options: PairingOptions = {},
): Promise<PairingResult> {
  const unpaired: SkippedFile[] = [];
  const ignored: SkippedFile[] = [];
  const rules = orderRules([...(options.suffixes ?? []), ...KNOWN_SUFFIXES]);
  const limits = options.limits ?? DEFAULT_WALK_LIMITS;
  const shared = resolve(predictionsDir) === resolve(labelsDir);
  const predictionFiles = await walkFolder(predictionsDir, unpaired, limits);
  const labelFiles = shared ? predictionFiles : await walkFolder(labelsDir, unpaired, limits);
  let predictions: Groups;
  let labels: Groups;
  if (options.pattern) {
    predictions = classifyByPattern(predictionFiles, options.pattern, rules).predictions;
    labels = classifyByPattern(labelFiles, options.pattern, rules).labels;
  } else if (shared) {
    ({ predictions, labels } = classifySharedFolder(predictionFiles, rules, ignored));
  } else {
    predictions = classifyPredictionFolder(predictionFiles, rules, ignored);
    labels = classifyLabelFolder(labelFiles, rules, ignored);
  }
  // Built only when a prediction's key is not a label's (the folders are laid out differently).
  let stemIndex: Map<string, string[]> | undefined;
  const stems = (): Map<string, string[]> => (stemIndex ??= byStem(labels));
  const used = new Set<string>();
  const pairs: FilePair[] = [];
  for (const key of [...predictions.keys()].sort()) {
    const prediction = choosePrediction(key, candidatesOf(predictions, key), unpaired, ignored);
    if (!prediction) continue;
    const found = match(key, prediction.parsed.stem, labels, stems);
    if (found === undefined || 'reason' in found) {
      unpaired.push({
        file: prediction.found.file,
        reason:
          found?.reason ??
          `no label ${prediction.parsed.stem}.png or ${prediction.parsed.stem}.npy (known suffixes tried) in ${labelsDir}`,
      });
      continue;
    }
    used.add(found.key);
    const label = chooseLabel(candidatesOf(labels, found.key), ignored);
    const ids = label.parsed.rule?.ids;
    pairs.push({
      name: key,
      predictionFile: prediction.found.file,
      labelFile: label.found.file,
      ...(ids !== undefined ? { labelIds: ids } : {}),
    });
  }
  let labelsWithoutPrediction = 0;
  for (const key of labels.keys()) if (!used.has(key)) labelsWithoutPrediction++;
  return { pairs, unpaired, ignored, labelsWithoutPrediction };
}
