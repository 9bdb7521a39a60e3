import { ExternalSort, type ExternalSortOptions } from '../report/externalSort';
import type { LabelIds, SuffixRule } from './fileRoles';
import { PackedPairs, type SpillFile } from './packedPairs';
import {
  addCandidate,
  pairGroups,
  pairingPlan,
  walkAndClassify,
  type Candidate,
  type Groups,
  type PairingOptions,
  type PairingResult,
  type Side,
  type SkippedFile,
} from './pairing';

export interface PackedPairingOptions extends PairingOptions {
  /** The two external sorts' chunk and fan-in, and where their runs go. */
  readonly sort?: ExternalSortOptions;
  /** How many parts the files are split into by stem (each part is paired in memory on its own). */
  readonly partitions?: number;
  /** The pairs' temporary file, if they need one, opened by the thread that reads them (PackedPairsOptions). */
  readonly spillTo?: SpillFile;
}

/**
 * A candidate as the sort holds it: its part, its place in the walk, the side (0 prediction, 1 label),
 * then the file (path, folder relative to the root, base name, extension), its stem and its rule's
 * index in the plan's rules (-1: none).
 */
type HeldCandidate = [number, number, 0 | 1, string, string, string, string, string, number];

/**
 * An outcome of the pairing loop as the sort holds it: the prediction key whose turn it was, its place
 * among the outcomes, then a pair (0: name is the key, prediction file, label file, label ids or null),
 * an unpaired file (1: file, reason) or an ignored one (2: file, reason).
 */
type HeldOutcome = [string, number, 0, string, string, LabelIds | null] | [string, number, 1 | 2, string, string];

/** Items each of the pairing's sorts holds before it spills a run (about 5 MB of candidates). */
const CHUNK = 16384;

/**
 * Bytes of packed pairs held in memory per item a sort chunk holds (about a pair's size): past the
 * chunk's worth (1 MB, about 16,000 pairs, by default) the pairs go to a temporary file. Tests that
 * shrink the chunk to force the sorts to spill spill the pairs too.
 */
const PAIR_BYTES_PER_CHUNK_ITEM = 64;

/** Parts by default: at 400,000 files, about 100 files in each; at 5,000,000, about 1,200. */
const PARTITIONS = 4096;

/** FNV-1a over the stem's UTF-16 code units: the part a stem's files all go to. */
function partOf(stem: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stem.length; i++) hash = Math.imul(hash ^ stem.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % partitions;
}

const byKey = (a: HeldOutcome, b: HeldOutcome): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);

function candidateOf(held: HeldCandidate, rules: readonly SuffixRule[]): Candidate {
  const [, , , file, relDir, base, extension, stem, rule] = held;
  return { found: { file, relDir, base, extension }, parsed: { stem, ...(rule >= 0 ? { rule: rules[rule]! } : {}) } };
}

/**
 * The pairing of pairFiles (the same pairs, in the same order, the same unpaired and ignored files in
 * the same order, the same count of labels without a prediction) without holding every file of both
 * folders: the walk sends each classified file through an external sort by (part of its stem, walk
 * order), so each part's files come out together and in the walk's order; each part is paired in memory
 * by pairFiles' own loop (a prediction's label has its key and so its stem; the by-stem fallback looks
 * only at labels of the same stem: both are in the part); the loop's outcomes go through a second
 * external sort by (prediction key, order), which interleaves the parts as one loop over every sorted
 * key would; and the pairs are packed (PackedPairs), in memory up to a sort chunk's worth (about
 * 16,000 pairs), past it in a temporary file read back in order while the run goes (the caller
 * disposes of them). Each folder's listing is itself sorted through an external sort (walkFiles), so a
 * folder of 200,000 files is never held whole either. Memory: a few sort chunks, one part and a block
 * of pairs, whatever the folder's size; the names once more on disk as JSON lines (removed at the end)
 * and the pairs once more. A pairing that fits in a chunk never touches the disk. Cost: about 2.5 times pairFiles' time (50,000 pairs: 7 s against 3 s at load 15).
 */
export async function pairFilesPacked(
  predictionsDir: string,
  labelsDir: string,
  options: PackedPairingOptions = {},
): Promise<PairingResult<PackedPairs>> {
  const unpaired: SkippedFile[] = [];
  const ignored: SkippedFile[] = [];
  const plan = pairingPlan(predictionsDir, labelsDir, options);
  const partitions = options.partitions ?? PARTITIONS;
  const sort: ExternalSortOptions = { chunk: CHUNK, ...options.sort };
  const candidates = new ExternalSort<HeldCandidate>((a, b) => a[0] - b[0] || a[1] - b[1], sort);
  const outcomes = new ExternalSort<HeldOutcome>(byKey, sort);
  try {
    let order = 0;
    const add = async (side: Side, { found, parsed }: Candidate): Promise<void> => {
      const rule = parsed.rule === undefined ? -1 : plan.rules.indexOf(parsed.rule);
      await candidates.add([
        partOf(parsed.stem, partitions),
        order++,
        side === 'prediction' ? 0 : 1,
        found.file,
        found.relDir,
        found.base,
        found.extension,
        parsed.stem,
        rule,
      ]);
    };
    await walkAndClassify(predictionsDir, labelsDir, plan, { unpaired, ignored }, add, sort);
    let labelsWithoutPrediction = 0;
    let outcome = 0;
    const pairPart = async (predictions: Groups, labels: Groups): Promise<void> => {
      const held: HeldOutcome[] = [];
      labelsWithoutPrediction += pairGroups(predictions, labels, labelsDir, {
        pair: (pair) =>
          void held.push([pair.name, outcome++, 0, pair.predictionFile, pair.labelFile, pair.labelIds ?? null]),
        unpaired: (entry, key) => void held.push([key, outcome++, 1, entry.file, entry.reason]),
        ignored: (entry, key) => void held.push([key, outcome++, 2, entry.file, entry.reason]),
      });
      for (const item of held) await outcomes.add(item);
    };
    let part = -1;
    let predictions: Groups = new Map();
    let labels: Groups = new Map();
    for await (const held of candidates.sorted()) {
      if (held[0] !== part) {
        await pairPart(predictions, labels);
        part = held[0];
        predictions = new Map();
        labels = new Map();
      }
      addCandidate(held[2] === 0 ? predictions : labels, candidateOf(held, plan.rules));
    }
    await pairPart(predictions, labels);
    await candidates.dispose();
    const pairs = new PackedPairs({
      memoryBytes: (sort.chunk ?? CHUNK) * PAIR_BYTES_PER_CHUNK_ITEM,
      ...(sort.chunk !== undefined && sort.chunk < 256 ? { blockPairs: sort.chunk } : {}),
      ...(sort.tempRoot !== undefined ? { tempRoot: sort.tempRoot } : {}),
      ...(options.spillTo !== undefined ? { spillTo: options.spillTo } : {}),
    });
    try {
      for await (const held of outcomes.sorted()) {
        if (held[2] === 0) {
          const [name, , , predictionFile, labelFile, labelIds] = held;
          pairs.push({ name, predictionFile, labelFile, ...(labelIds !== null ? { labelIds } : {}) });
        } else (held[2] === 1 ? unpaired : ignored).push({ file: held[3], reason: held[4] });
      }
    } catch (error) {
      pairs.dispose();
      throw error;
    }
    return { pairs, unpaired, ignored, labelsWithoutPrediction };
  } finally {
    await candidates.dispose();
    await outcomes.dispose();
  }
}
