import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImageRecord } from '../evaluate/record';
import type { SkippedFile } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import type { DatasetInfo } from './jsonReport';

/**
 * A shard file is JSON lines: one header, one line per image or skipped file, then an end line that
 * counts them (version 2), so a part cut short is told from a whole one.
 */
export type ShardLine =
  | ShardHeader
  | { readonly type: 'image'; readonly record: ImageRecord }
  | { readonly type: 'skipped'; readonly skipped: SkippedFile }
  | { readonly type: 'end'; readonly images: number; readonly skipped: number };

export interface ShardHeader {
  readonly type: 'header';
  /** 1: no run hash and no end line (still merged from a file list); 2: both. */
  readonly version: 1 | 2;
  /** `i/n`. */
  readonly shard: string;
  readonly backend: string;
  readonly metric: EngineOptions['metric'];
  /** Hash of the options and the two folders (runHash): parts of one run share it. */
  readonly run?: string;
  /** The folders evaluated, resolved (version 2), so a merged result can be opened where they are. */
  readonly predictionsDir?: string;
  readonly labelsDir?: string;
  /** What the dataset detection found (the same in every part: it looks at whole folders). */
  readonly info?: DatasetInfo;
}

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

export function shardLine(line: ShardLine): string {
  return `${JSON.stringify(line)}\n`;
}

/** The file a shard writes into an output folder. */
export const partFileName = (spec: ShardSpec): string => `part-${spec.index}-of-${spec.count}.jsonl`;
const PART_NAME = /^part-(\d+)-of-(\d+)\.jsonl$/;

/**
 * What makes two parts belong to one run: every option that changes a number, and the two folders
 * (resolved), so shards of two checkpoints written into one folder are never added up.
 */
export function runHash(options: EngineOptions, predictionsDir: string, labelsDir: string): string {
  const table = options.colorTable;
  const identity = {
    metric: options.metric,
    read: options.read,
    compute: options.compute ?? 'exact',
    ids: options.ids ?? null,
    colorTable: table
      ? {
          name: table.name,
          classColors: table.classColors,
          idOfColor: [...table.idOfColor].sort((a, b) => a[0] - b[0]),
        }
      : null,
    predictionsDir: resolve(predictionsDir),
    labelsDir: resolve(labelsDir),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

export interface MergedShards {
  readonly metric: EngineOptions['metric'];
  readonly backend: string;
  /** The run hash the parts share (undefined for version 1 parts). */
  readonly run: string | undefined;
  readonly predictionsDir: string | undefined;
  readonly labelsDir: string | undefined;
  readonly info: DatasetInfo | undefined;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
}

interface Part {
  readonly file: string;
  readonly header: ShardHeader;
  readonly spec: ShardSpec;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
}

const sameMetric = (a: EngineOptions['metric'], b: EngineOptions['metric']): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function parseLine(file: string, lineNumber: number, text: string): ShardLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ShardError(`${file}:${lineNumber}: not a JSON line (corrupt part?)`);
  }
  const line = value as Partial<Record<string, unknown>> | null;
  const type = typeof line === 'object' && line !== null ? line.type : undefined;
  const ok =
    type === 'header'
      ? (line!.version === 1 || line!.version === 2) &&
        typeof line!.shard === 'string' &&
        typeof line!.metric === 'object' &&
        (line!.version === 1 || typeof line!.run === 'string')
      : type === 'image'
        ? isRecordShape(line!.record)
        : type === 'skipped'
          ? typeof line!.skipped === 'object' && line!.skipped !== null
          : type === 'end'
            ? typeof line!.images === 'number' && typeof line!.skipped === 'number'
            : false;
  if (!ok) throw new ShardError(`${file}:${lineNumber}: not a SegLens shard line`);
  return value as ShardLine;
}

function isRecordShape(value: unknown): value is ImageRecord {
  const record = value as Partial<ImageRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.name === 'string' &&
    typeof record.predictionFile === 'string' &&
    Array.isArray(record.confusion?.counts) &&
    Array.isArray(record.confusion.unknown)
  );
}

/** Reads one part whole; refuses lines that are not JSON and a version 2 part without its end line. */
async function readPart(file: string): Promise<Part> {
  let header: ShardHeader | undefined;
  let end: Extract<ShardLine, { type: 'end' }> | undefined;
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      const line = parseLine(file, lineNumber, text);
      if (end !== undefined) throw new ShardError(`${file}:${lineNumber}: lines after the end line`);
      if (line.type === 'header') {
        if (header !== undefined) throw new ShardError(`${file}:${lineNumber}: a second header line`);
        header = line;
      } else if (header === undefined) {
        throw new ShardError(`${file}:${lineNumber}: shard has no header line`);
      } else if (line.type === 'image') records.push(line.record);
      else if (line.type === 'skipped') skipped.push(line.skipped);
      else end = line;
    }
  } catch (error) {
    if (error instanceof ShardError) throw error;
    throw new ShardError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (header === undefined) throw new ShardError(`${file}: empty or not a SegLens shard`);
  if (header.version === 2 && end === undefined)
    throw new ShardError(`${file}: cut short (no end line); run shard ${header.shard} again`);
  if (end !== undefined && (end.images !== records.length || end.skipped !== skipped.length))
    throw new ShardError(`${file}: the end line counts ${end.images} images, the part holds ${records.length}`);
  return { file, header, spec: parseShard(header.shard), records, skipped };
}

/** Adds parts up; refuses mixed settings or runs, a shard given twice, and images counted twice. */
function combine(parts: readonly Part[]): MergedShards {
  const first = parts[0];
  if (first === undefined) throw new ShardError('no shard files given');
  const byShard = new Map<string, string>();
  const seen = new Set<string>();
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  for (const part of parts) {
    if (!sameMetric(first.header.metric, part.header.metric))
      throw new ShardError(`${part.file}: evaluated with different settings than ${first.file}`);
    if (first.header.run !== part.header.run)
      throw new ShardError(`${part.file}: part of another run than ${first.file} (run ${part.header.run ?? 'none'})`);
    const key = formatShard(part.spec);
    const twin = byShard.get(key);
    if (twin !== undefined) throw new ShardError(`shard ${key} given twice: ${twin} and ${part.file}`);
    byShard.set(key, part.file);
    for (const record of part.records) {
      if (seen.has(record.name)) throw new ShardError(`${part.file}: image ${record.name} is in more than one shard`);
      seen.add(record.name);
      records.push(record);
    }
    skipped.push(...part.skipped);
  }
  const { metric, backend, run, predictionsDir, labelsDir, info } = first.header;
  return { metric, backend, run, predictionsDir, labelsDir, info, records, skipped };
}

/** Reads shard files named one by one (any names, version 1 or 2). */
export async function readShards(files: readonly string[]): Promise<MergedShards> {
  const parts: Part[] = [];
  for (const file of files) parts.push(await readPart(file));
  return combine(parts);
}

const list = (numbers: readonly number[]): string => numbers.join(', ');

/**
 * Reads the `part-<i>-of-<n>.jsonl` files of a folder, which must be exactly parts 0..n−1 of one run:
 * parts of several runs (another hash or another n) are refused with what each run holds, missing
 * shards are named by index, and a part whose header disagrees with its file name is refused.
 */
export async function readShardFolder(dir: string): Promise<MergedShards & { readonly count: number }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ShardError(`${dir}: cannot list (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const files = names.filter((name) => PART_NAME.test(name)).sort(byPartIndex);
  if (files.length === 0) throw new ShardError(`${dir}: no part-<i>-of-<n>.jsonl files`);
  const parts: Part[] = [];
  for (const name of files) {
    const part = await readPart(join(dir, name));
    const [, index, count] = PART_NAME.exec(name)!;
    if (part.spec.index !== Number(index) || part.spec.count !== Number(count))
      throw new ShardError(
        `${part.file}: holds shard ${part.header.shard}, not ${index}/${count} (renamed or copied?)`,
      );
    parts.push(part);
  }
  const runs = new Map<string, Part[]>();
  for (const part of parts) {
    const key = `${part.header.run ?? 'version 1'} in ${part.spec.count} shards`;
    runs.set(key, [...(runs.get(key) ?? []), part]);
  }
  if (runs.size > 1) {
    const described = [...runs].map(([key, group]) => `run ${key}: parts ${list(group.map((p) => p.spec.index))}`);
    throw new ShardError(
      `${dir} holds parts of ${runs.size} different runs (${described.join('; ')}); ` +
        'a run is the same options, folders and shard count: move the other run’s parts out',
    );
  }
  const count = parts[0]!.spec.count;
  const present = new Set(parts.map((p) => p.spec.index));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !present.has(i));
  if (missing.length > 0)
    throw new ShardError(
      `${dir}: missing shard${missing.length > 1 ? 's' : ''} ${list(missing)} of ${count} ` +
        `(${missing.map((index) => partFileName({ index, count })).join(', ')}); run ${missing.length > 1 ? 'them' : 'it'} again`,
    );
  return { ...combine(parts), count };
}

function byPartIndex(a: string, b: string): number {
  const [, ai, an] = PART_NAME.exec(a)!;
  const [, bi, bn] = PART_NAME.exec(b)!;
  return Number(an) - Number(bn) || Number(ai) - Number(bi);
}

/**
 * Writes one part through a temporary file next to it, renamed into place by `commit` after the end
 * line: a rerun shard replaces its part whole, and a crashed one leaves no part (only a hidden temp
 * file, which merge does not read).
 */
export class PartWriter {
  private images = 0;
  private skippedCount = 0;
  /** The first write error (a missing folder, a full disk): reported by commit, after the run. */
  private failure: Error | undefined;

  private constructor(
    private readonly file: string,
    private readonly temp: string,
    private readonly stream: WriteStream,
  ) {}

  static open(file: string, header: ShardHeader): PartWriter {
    const temp = join(dirname(resolve(file)), `.${basename(file)}.${process.pid}.tmp`);
    const writer = new PartWriter(file, temp, createWriteStream(temp));
    writer.stream.on('error', (error) => (writer.failure ??= error));
    writer.stream.write(shardLine(header));
    return writer;
  }

  addImage(record: ImageRecord): void {
    this.images++;
    this.stream.write(shardLine({ type: 'image', record }));
  }

  addSkipped(skipped: SkippedFile): void {
    this.skippedCount++;
    this.stream.write(shardLine({ type: 'skipped', skipped }));
  }

  async commit(): Promise<void> {
    this.stream.write(shardLine({ type: 'end', images: this.images, skipped: this.skippedCount }));
    await new Promise<void>((done) => this.stream.end(() => done()));
    if (!this.stream.closed) await new Promise<void>((done) => this.stream.once('close', () => done()));
    if (this.failure !== undefined) {
      await rm(this.temp, { force: true });
      throw new ShardError(
        `cannot write ${this.file} (${(this.failure as NodeJS.ErrnoException).code ?? this.failure.message})`,
      );
    }
    await rename(this.temp, this.file);
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    if (!this.stream.closed) await new Promise<void>((done) => this.stream.once('close', () => done()));
    await rm(this.temp, { force: true });
  }
}
