import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ImageRecord } from '../evaluate/record';
import type { SkippedFile } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';

/** A shard file is JSON lines: one header, then one line per image or skipped file. */
export type ShardLine =
  | {
      readonly type: 'header';
      readonly version: 1;
      readonly shard: string;
      readonly backend: string;
      readonly metric: EngineOptions['metric'];
    }
  | { readonly type: 'image'; readonly record: ImageRecord }
  | { readonly type: 'skipped'; readonly skipped: SkippedFile };

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

/** Round-robin over the name-sorted pairs, so shards are balanced and disjoint. */
export function inShard<T>(items: readonly T[], shard: ShardSpec): T[] {
  return items.filter((_, i) => i % shard.count === shard.index);
}

export function shardLine(line: ShardLine): string {
  return `${JSON.stringify(line)}\n`;
}

export interface MergedShards {
  readonly metric: EngineOptions['metric'];
  readonly backend: string;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
}

const sameMetric = (a: EngineOptions['metric'], b: EngineOptions['metric']): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** Reads shard files back; refuses mixed settings and images counted twice. */
export async function readShards(files: readonly string[]): Promise<MergedShards> {
  let header: Extract<ShardLine, { type: 'header' }> | undefined;
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    let lineNumber = 0;
    let sawHeader = false;
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        lineNumber++;
        if (text.trim() === '') continue;
        let line: ShardLine;
        try {
          line = JSON.parse(text) as ShardLine;
        } catch {
          throw new ShardError(`${file}:${lineNumber}: not a JSON line`);
        }
        if (line.type === 'header') {
          if (header && !sameMetric(header.metric, line.metric))
            throw new ShardError(`${file}: evaluated with different settings than ${files[0]}`);
          header ??= line;
          sawHeader = true;
        } else if (!sawHeader) {
          throw new ShardError(`${file}:${lineNumber}: shard has no header line`);
        } else if (line.type === 'image') {
          if (seen.has(line.record.name))
            throw new ShardError(`${file}: image ${line.record.name} is in more than one shard`);
          seen.add(line.record.name);
          records.push(line.record);
        } else if (line.type === 'skipped') {
          skipped.push(line.skipped);
        } else {
          throw new ShardError(`${file}:${lineNumber}: unknown line type`);
        }
      }
    } catch (error) {
      if (error instanceof ShardError) throw error;
      throw new ShardError(
        `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    if (!sawHeader) throw new ShardError(`${file}: empty or not a SegLens shard`);
  }
  if (!header) throw new ShardError('no shard files given');
  return { metric: header.metric, backend: header.backend, records, skipped };
}
