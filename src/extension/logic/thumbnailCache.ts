/**
 * Gallery thumbnails on disk, in the extension's storage (never in the user's folders), one small
 * PNG per key. The key covers every input of a thumbnail — the three files' paths and stamps (size
 * and modification time), the side length, the class colours and the engine version — so a changed
 * file gets a new thumbnail and nothing is ever invalidated by hand.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rgb } from '../../shared/protocol/common';
import type { FileStamp } from './resultCache';

export interface ThumbnailInputs {
  readonly predictionFile: string;
  readonly labelFile: string;
  readonly photoFile: string | undefined;
  readonly stamps: {
    readonly prediction: FileStamp;
    readonly label: FileStamp;
    readonly photo: FileStamp | undefined;
  };
  readonly size: number;
  readonly classColors: readonly Rgb[];
  /** The engine options' hash (how ids are read, the class count) and the extension version. */
  readonly optionsHash: string;
}

/** A hex digest of every input; two requests share a thumbnail exactly when they share this. */
export function thumbnailKey(inputs: ThumbnailInputs): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 40);
}

/** Thumbnails under `dir/ab/abcdef….png`: the first two hex digits spread 100,000 files over 256 folders. */
export class ThumbnailCache {
  constructor(private readonly dir: string) {}

  private fileOf(key: string): string {
    if (!/^[0-9a-f]{40}$/.test(key)) throw new Error(`not a thumbnail key: ${key}`);
    return join(this.dir, key.slice(0, 2), `${key}.png`);
  }

  /** The stored PNG, or undefined when there is none (or it cannot be read: it is made again). */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.fileOf(key)));
    } catch {
      return undefined;
    }
  }

  /** Stores `png` under `key`; written to a temporary name first, so a reader never sees half a file. */
  async put(key: string, png: Uint8Array): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, png);
    await rename(temporary, file);
  }
}
