import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ImageRecord } from '../evaluate/record';
import type { SkippedFile } from '../types';
import type { EngineOptions } from '../io/readFiles';
import type { ListView } from '../io/packedPairs';
import { optionsIdentity } from '../optionsIdentity';
import { readHeaderOf, readResultsFile, ResultsFileError, type ResultsHeader } from './resultsFile';

export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

export class ShardError extends Error {
  override readonly name = 'ShardError';
}

/** `i/n` with 0 <= i < n. */
export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index >= count)
    throw new ShardError(`--shard wants i/n with 0 <= i < n, got ${JSON.stringify(text)}`);
  return { index, count };
}

export const formatShard = (spec: ShardSpec): string => `${spec.index}/${spec.count}`;

/** Round-robin over the name-sorted pairs, so shards are balanced and disjoint. */
export function inShard<T>(items: readonly T[], shard: ShardSpec): T[] {
  return items.filter((_, i) => i % shard.count === shard.index);
}

/** inShard as a view: the same items, read from `items` when asked for, nothing copied. */
export function shardView<T>(items: ListView<T>, shard: ShardSpec): ListView<T> {
  const length = Math.max(0, Math.ceil((items.length - shard.index) / shard.count));
  return {
    length,
    at: (i) => (Number.isInteger(i) && i >= 0 && i < length ? items.at(i * shard.count + shard.index) : undefined),
  };
}

/** The file a shard writes into an output folder. */
export const partFileName = (spec: ShardSpec): string => `part-${spec.index}-of-${spec.count}.jsonl`;
const PART_NAME = /^part-(\d+)-of-(\d+)\.jsonl$/;

/**
 * What makes two parts belong to one run: the options identity (every option that changes a number,
 * and the dataset's colour table and id mapping by content) and the two folders, resolved, so shards of
 * two checkpoints written into one folder are never added up.
 */
export function runHash(options: EngineOptions, predictionsDir: string, labelsDir: string): string {
  return optionsIdentity(options, { predictionsDir: resolve(predictionsDir), labelsDir: resolve(labelsDir) });
}

const isFolder = async (path: string): Promise<boolean> =>
  (await stat(path).catch(() => undefined))?.isDirectory() ?? false;

/**
 * Where a results file goes, and never over something it must not replace.
 * - Under `--shard`, `out` is a folder unless it is an existing file: created when missing (with or
 *   without a trailing separator), so the tasks of an array each write their own `part-i-of-n.jsonl`
 *   and never one file in turn. An existing file is replaced only by the same shard of a rerun.
 * - Otherwise (`eval --out`, `merge --out`) `out` is a file unless it is a folder or ends with a
 *   separator (then `part-0-of-1.jsonl` in it).
 * An existing file that is not a SegLens results file is never overwritten.
 */
export async function resultsTarget(out: string, spec: ShardSpec, sharded: boolean): Promise<string> {
  const existing = await stat(out).catch(() => undefined);
  const folder = existing?.isDirectory() || out.endsWith('/') || out.endsWith(sep) || (sharded && !existing);
  if (folder) {
    await mkdir(out, { recursive: true });
    const file = join(out, partFileName(spec));
    if (await stat(file).catch(() => undefined)) await checkReplaceable(file, spec);
    return file;
  }
  if (existing) await checkReplaceable(out, spec);
  return out;
}

/** A results file may be replaced by the same shard written again; anything else is the user's or another shard's. */
async function checkReplaceable(file: string, spec: ShardSpec): Promise<void> {
  let header: ResultsHeader;
  try {
    header = await readHeaderOf(file);
  } catch (error) {
    if (error instanceof ResultsFileError)
      throw new ShardError(`${file} exists and is not a SegLens results file: not overwritten (give another --out)`);
    throw error;
  }
  if (header.shard !== formatShard(spec))
    throw new ShardError(
      `${file} holds shard ${header.shard}, not ${formatShard(spec)}: a part never replaces another shard's part ` +
        '(give --out a folder: each shard then writes part-<i>-of-<n>.jsonl in it)',
    );
}

/** The parts of one run, checked whole before a record is read: the same run, every index once. */
export interface MergePlan {
  readonly header: ResultsHeader;
  readonly count: number;
  /** The part files, by shard index. */
  readonly files: readonly string[];
}

interface PartHeader {
  readonly file: string;
  readonly header: ResultsHeader;
  readonly spec: ShardSpec;
}

const list = (numbers: readonly number[]): string => numbers.join(', ');

/** Part headers whose file name (`part-i-of-n.jsonl`, when it has that form) agrees with the header. */
async function partHeader(file: string): Promise<PartHeader> {
  const header = await readHeaderOf(file);
  const spec = parseShard(header.shard);
  const named = PART_NAME.exec(file.split(/[\\/]/).pop() ?? '');
  if (named && (Number(named[1]) !== spec.index || Number(named[2]) !== spec.count))
    throw new ShardError(`${file}: holds shard ${header.shard}, not ${named[1]}/${named[2]} (renamed or copied?)`);
  return { file, header, spec };
}

/**
 * Checks that `parts` are exactly shards 0..n−1 of one run: parts of several runs (another hash or
 * another n) are refused with what each run holds, a shard given twice is refused, and missing shards
 * are named by index, whether the parts came from a folder or a list of files.
 */
function planParts(parts: readonly PartHeader[], where: string): MergePlan {
  const first = parts[0];
  if (first === undefined) throw new ShardError('no shard files given');
  const runs = new Map<string, PartHeader[]>();
  for (const part of parts) {
    const key = `${part.header.run ?? 'version 1'} in ${part.spec.count} shards`;
    runs.set(key, [...(runs.get(key) ?? []), part]);
  }
  if (runs.size > 1) {
    const described = [...runs].map(([key, group]) => `run ${key}: parts ${list(group.map((p) => p.spec.index))}`);
    throw new ShardError(
      `${where} holds parts of ${runs.size} different runs (${described.join('; ')}); ` +
        'a run is the same options, folders and shard count: move the other run’s parts out',
    );
  }
  const count = first.spec.count;
  const files: string[] = [];
  for (const part of parts) {
    if (JSON.stringify(part.header.metric) !== JSON.stringify(first.header.metric))
      throw new ShardError(`${part.file}: evaluated with different settings than ${first.file}`);
    const twin = files[part.spec.index];
    if (twin !== undefined) throw new ShardError(`shard ${part.header.shard} given twice: ${twin} and ${part.file}`);
    files[part.spec.index] = part.file;
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => files[i] === undefined);
  if (missing.length > 0)
    throw new ShardError(
      `${where}: missing shard${missing.length > 1 ? 's' : ''} ${list(missing)} of ${count} ` +
        `(${missing.map((index) => partFileName({ index, count })).join(', ')}); ` +
        `run ${missing.length > 1 ? 'them' : 'it'} again, or give every part`,
    );
  return { header: first.header, count, files };
}

/** A run's part folder: its `part-<i>-of-<n>.jsonl` files (hidden temporary files of running shards are not parts). */
async function partsInFolder(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ShardError(`${dir}: cannot list (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const files = names.filter((name) => PART_NAME.test(name)).sort(byPartIndex);
  if (files.length === 0) throw new ShardError(`${dir}: no part-<i>-of-<n>.jsonl files`);
  return files.map((name) => join(dir, name));
}

/** `seglens merge DIR` or `seglens merge PART...`: the run's parts, all there, of one run. */
export async function planMerge(inputs: readonly string[]): Promise<MergePlan> {
  const [first] = inputs;
  if (first === undefined) throw new ShardError('no shard files given');
  const fromFolder = inputs.length === 1 && (await isFolder(first));
  if (!fromFolder)
    for (const input of inputs)
      if (await isFolder(input))
        throw new ShardError(`${input} is a folder: give one part folder alone, or part files (.jsonl)`);
  const files = fromFolder ? await partsInFolder(first) : inputs;
  const parts: PartHeader[] = [];
  for (const file of files) parts.push(await partHeader(file));
  return planParts(parts, fromFolder ? first : `the ${files.length} part file${files.length > 1 ? 's' : ''} given`);
}

export interface MergeVisitor {
  image(record: ImageRecord, where: string, text: string): void | Promise<void>;
  skipped(skipped: SkippedFile, where: string): void | Promise<void>;
}

/**
 * Streams every part's lines through `visit`, one part after the other, checking each part whole (end
 * line, counts) and that no image is in two parts. Memory: the set of image names, nothing per record.
 */
export async function readMerge(plan: MergePlan, visit: MergeVisitor): Promise<{ images: number; skipped: number }> {
  const seen = new Set<string>();
  let images = 0;
  let skipped = 0;
  for (const file of plan.files) {
    const counts = await readResultsFile(file, {
      header(header) {
        if (header.run !== plan.header.run || header.shard !== partShard(plan, file))
          throw new ShardError(`${file}: changed while merging (its header is not the one planned)`);
      },
      async image(record, where, text) {
        if (seen.has(record.name)) throw new ShardError(`${where}: image ${record.name} is in more than one shard`);
        seen.add(record.name);
        await visit.image(record, where, text);
      },
      skipped: (entry, where) => visit.skipped(entry, where),
    });
    images += counts.images;
    skipped += counts.skipped;
  }
  return { images, skipped };
}

const partShard = (plan: MergePlan, file: string): string => `${plan.files.indexOf(file)}/${plan.count}`;

/** A run merged in memory: every record (what tests and small runs want; `seglens merge` streams). */
export interface MergedShards {
  readonly header: ResultsHeader;
  readonly count: number;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
}

export async function readShards(inputs: readonly string[]): Promise<MergedShards> {
  const plan = await planMerge(inputs);
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  await readMerge(plan, {
    image: (record) => void records.push(record),
    skipped: (entry) => void skipped.push(entry),
  });
  return { header: plan.header, count: plan.count, records, skipped };
}

function byPartIndex(a: string, b: string): number {
  const [, ai, an] = PART_NAME.exec(a)!;
  const [, bi, bn] = PART_NAME.exec(b)!;
  return Number(an) - Number(bn) || Number(ai) - Number(bi);
}
