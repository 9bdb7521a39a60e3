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
import type { ListView } from './packedPairs';
import type { ExternalSortOptions } from '../report/externalSort';
import { DEFAULT_WALK_LIMITS, IN_MEMORY, walkFiles, type FoundFile, type WalkLimits } from './walkFolder';

export interface FilePair {
  /** Path of the image relative to the prediction root, without suffix: `frankfurt/frankfurt_000000_000294`. */
  readonly name: string;
  readonly predictionFile: string;
  readonly labelFile: string;
  /** How the label file writes its ids, from its name; absent means the dataset's default. */
  readonly labelIds?: LabelIds;
}

export type { SkippedFile };

/** `Pairs`: an array, or a compact list read by position (PackedPairs, from pairFilesPacked). */
export interface PairingResult<Pairs extends ListView<FilePair> = FilePair[]> {
  readonly pairs: Pairs;
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

/** A file taking part in the pairing: where it is, and its stem and suffix rule. */
export interface Candidate {
  readonly found: FoundFile;
  readonly parsed: ParsedName;
}

/**
 * Candidates by key: one candidate alone, as it nearly always is, or a list when several files share a
 * key. (A list per key would allocate an array and its backing store for every file: at 200,000 pairs,
 * tens of megabytes of the main thread's peak.)
 */
export type Groups = Map<string, Candidate | Candidate[]>;

export const keyOf = (relDir: string, stem: string): string => (relDir === '' ? stem : `${relDir}/${stem}`);

export function addCandidate(groups: Groups, candidate: Candidate): void {
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

/** What a pairing needs to know besides the files: the suffix rules (longest first), `--pair`, the walk's limits. */
export interface PairingPlan {
  readonly rules: readonly SuffixRule[];
  readonly pattern: PairPattern | undefined;
  /** The two folders are one: it is walked once and its files play either role. */
  readonly shared: boolean;
  readonly limits: WalkLimits;
}

export function pairingPlan(predictionsDir: string, labelsDir: string, options: PairingOptions): PairingPlan {
  return {
    rules: orderRules([...(options.suffixes ?? []), ...KNOWN_SUFFIXES]),
    pattern: options.pattern,
    shared: resolve(predictionsDir) === resolve(labelsDir),
    limits: options.limits ?? DEFAULT_WALK_LIMITS,
  };
}

export type Side = 'prediction' | 'label';

/** Which folder a file was found in: the predictions', the labels', or the one folder holding both. */
export type FolderRole = 'predictions' | 'labels' | 'shared';

/**
 * What one file is in the pairing, handed to `add` (nothing, a prediction, or a label):
 * - with `--pair`, only files fitting it take part; a file fitting the prediction side is never a label;
 * - in a folder of predictions every file is one, whatever its suffix, except instance maps;
 * - in a folder of labels, images and prediction-named files are not labels;
 * - in one folder holding both, roles come from the suffixes and a name without one is a prediction.
 */
export function classifyFile(
  found: FoundFile,
  folder: FolderRole,
  plan: PairingPlan,
  ignored: SkippedFile[],
  add: (side: Side, candidate: Candidate) => void,
): void {
  if (plan.pattern) {
    const name = found.base + found.extension;
    const predictionStem = plan.pattern.prediction(name);
    if (predictionStem !== undefined) {
      if (folder !== 'labels') add('prediction', { found, parsed: { stem: predictionStem } });
      return;
    }
    const labelStem = folder === 'predictions' ? undefined : plan.pattern.label(name);
    if (labelStem === undefined) return;
    // The label's own suffix still says how it encodes ids (`_gtFine_color` → colours).
    const rule = parseName(found.base, plan.rules).rule;
    add('label', { found, parsed: { stem: labelStem, ...(rule?.role === 'label' ? { rule } : {}) } });
    return;
  }
  const parsed = parseName(found.base, plan.rules);
  const role = parsed.rule?.role;
  if (role === 'never') ignored.push({ file: found.file, reason: 'instance ids are never a label' });
  else if (folder === 'predictions') add('prediction', { found, parsed });
  else if (folder === 'labels') {
    if (role === undefined || role === 'label') add('label', { found, parsed });
  } else if (role === 'label') add('label', { found, parsed });
  else if (role !== 'image') add('prediction', { found, parsed });
}

/**
 * Walks the folders of a pairing (once when they are one) and classifies each file as it is found;
 * walk problems go to `unpaired`, files deliberately left out to `ignored`. `sort`: how each folder's
 * listing is sorted (IN_MEMORY, or spilled in chunks so a huge folder is never held whole).
 */
export async function walkAndClassify(
  predictionsDir: string,
  labelsDir: string,
  plan: PairingPlan,
  skipped: { readonly unpaired: SkippedFile[]; readonly ignored: SkippedFile[] },
  add: (side: Side, candidate: Candidate) => void | Promise<void>,
  sort: ExternalSortOptions = IN_MEMORY,
): Promise<void> {
  const { unpaired, ignored } = skipped;
  const placed: [Side, Candidate][] = [];
  const walk = (dir: string, folder: FolderRole): Promise<void> =>
    walkFiles(
      dir,
      unpaired,
      plan.limits,
      async (found) => {
        classifyFile(found, folder, plan, ignored, (side, candidate) => void placed.push([side, candidate]));
        for (const [side, candidate] of placed) await add(side, candidate);
        placed.length = 0;
      },
      sort,
    );
  if (plan.shared) await walk(predictionsDir, 'shared');
  else {
    await walk(predictionsDir, 'predictions');
    await walk(labelsDir, 'labels');
  }
}

const isPng = (c: Candidate): boolean => c.found.extension === '.png';

/** Where the pairing loop's outcomes go, in the order of the predictions' keys. */
export interface PairingEvents {
  pair(pair: FilePair): void;
  /** `key`: the prediction's key whose turn it was. */
  unpaired(entry: SkippedFile, key: string): void;
  ignored(entry: SkippedFile, key: string): void;
}

/** The preferred label of a stem: lowest suffix rank, then PNG before .npy; the rest are listed as ignored. */
function chooseLabel(candidates: readonly Candidate[], ignore: (entry: SkippedFile) => void): Candidate {
  const sorted = [...candidates].sort(
    (a, b) => labelRank(a.parsed) - labelRank(b.parsed) || Number(isPng(b)) - Number(isPng(a)),
  );
  const chosen = sorted[0]!;
  for (const other of sorted.slice(1))
    ignore({
      file: other.found.file,
      reason: `another label of ${chosen.parsed.stem} is used: ${chosen.found.file}`,
    });
  return chosen;
}

/** The prediction of a stem: an explicit `_pred` beats other names; two equal candidates are reported. */
function choosePrediction(key: string, candidates: readonly Candidate[], events: PairingEvents): Candidate | undefined {
  const explicit = candidates.filter((c) => c.parsed.rule?.role === 'prediction');
  const pool = explicit.length > 0 ? explicit : candidates;
  for (const other of candidates.filter((c) => !pool.includes(c)))
    events.ignored({ file: other.found.file, reason: `not a prediction: ${pool[0]!.found.file} is` }, key);
  if (pool.length > 1) {
    events.unpaired(
      {
        file: pool[0]!.found.file,
        reason: `two predictions share the name ${key}: ${pool.map((c) => c.found.base + c.found.extension).join(' and ')}`,
      },
      key,
    );
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
 * Pairs each prediction key (in sorted order) with the label of its key, else the one label of its
 * stem elsewhere in the folder; returns how many label keys no prediction used. Every label sharing
 * a prediction's stem must be in `labels` (all of them, or the stem's partition).
 */
export function pairGroups(predictions: Groups, labels: Groups, labelsDir: string, events: PairingEvents): number {
  // Built only when a prediction's key is not a label's (the folders are laid out differently).
  let stemIndex: Map<string, string[]> | undefined;
  const stems = (): Map<string, string[]> => (stemIndex ??= byStem(labels));
  const used = new Set<string>();
  for (const key of [...predictions.keys()].sort()) {
    const prediction = choosePrediction(key, candidatesOf(predictions, key), events);
    if (!prediction) continue;
    const found = match(key, prediction.parsed.stem, labels, stems);
    if (found === undefined || 'reason' in found) {
      events.unpaired(
        {
          file: prediction.found.file,
          reason:
            found?.reason ??
            `no label ${prediction.parsed.stem}.png or ${prediction.parsed.stem}.npy (known suffixes tried) in ${labelsDir}`,
        },
        key,
      );
      continue;
    }
    used.add(found.key);
    const label = chooseLabel(candidatesOf(labels, found.key), (entry) => events.ignored(entry, key));
    const ids = label.parsed.rule?.ids;
    events.pair({
      name: key,
      predictionFile: prediction.found.file,
      labelFile: label.found.file,
      ...(ids !== undefined ? { labelIds: ids } : {}),
    });
  }
  let labelsWithoutPrediction = 0;
  for (const key of labels.keys()) if (!used.has(key)) labelsWithoutPrediction++;
  return labelsWithoutPrediction;
}

/**
 * Pairs predictions with labels by stem after known suffixes, walking both folders (and sub-folders);
 * the two may be one folder. Sorted by name; nothing is read but folder listings. Holds every file of
 * both folders while it pairs (pairFilesPacked holds a bounded part of them).
 */
export async function pairFiles(
  predictionsDir: string,
  labelsDir: string,
  options: PairingOptions = {},
): Promise<PairingResult> {
  const unpaired: SkippedFile[] = [];
  const ignored: SkippedFile[] = [];
  const plan = pairingPlan(predictionsDir, labelsDir, options);
  const predictions: Groups = new Map();
  const labels: Groups = new Map();
  await walkAndClassify(predictionsDir, labelsDir, plan, { unpaired, ignored }, (side, candidate) =>
    addCandidate(side === 'prediction' ? predictions : labels, candidate),
  );
  const pairs: FilePair[] = [];
  const labelsWithoutPrediction = pairGroups(predictions, labels, labelsDir, {
    pair: (pair) => void pairs.push(pair),
    unpaired: (entry) => void unpaired.push(entry),
    ignored: (entry) => void ignored.push(entry),
  });
  return { pairs, unpaired, ignored, labelsWithoutPrediction };
}
