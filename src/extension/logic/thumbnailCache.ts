/**
 * Gallery thumbnails on disk, in the extension's storage (never in the user's folders), one small
 * JPEG per key. The key covers every input of a thumbnail — the three files' paths and stamps (size
 * and modification time), the side length, the class colours and the engine version — so a changed
 * file gets a new thumbnail and nothing is ever invalidated by hand.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/** Thumbnails under `dir/ab/abcdef….jpg`: the first two hex digits spread 100,000 files over 256 folders. */
export class ThumbnailCache {
  constructor(private readonly dir: string) {}

  private fileOf(key: string): string {
    if (!/^[0-9a-f]{40}$/.test(key)) throw new Error(`not a thumbnail key: ${key}`);
    return join(this.dir, key.slice(0, 2), `${key}.jpg`);
  }

  /** The stored JPEG, or undefined when there is none (or it cannot be read: it is made again). */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.fileOf(key)));
    } catch {
      return undefined;
    }
  }

  /** Stores `jpeg` under `key`; written to a temporary name first, so a reader never sees half a file. */
  async put(key: string, jpeg: Uint8Array): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, jpeg);
    await rename(temporary, file);
  }

  /**
   * Deletes the least recently written thumbnails until the folder holds at most `maxBytes`; returns
   * how many went. At 6 kB a thumbnail, 100,000 images fit under the default cap of the service.
   */
  async prune(maxBytes: number): Promise<number> {
    const files: { file: string; size: number; mtimeMs: number }[] = [];
    const folders = await readdir(this.dir).catch(() => [] as string[]);
    for (const folder of folders.filter((name) => /^[0-9a-f]{2}$/.test(name))) {
      const names = await readdir(join(this.dir, folder)).catch(() => [] as string[]);
      for (const name of names) {
        const file = join(this.dir, folder, name);
        const info = await stat(file).catch(() => undefined);
        if (info?.isFile() === true) files.push({ file, size: info.size, mtimeMs: info.mtimeMs });
      }
    }
    let total = files.reduce((sum, entry) => sum + entry.size, 0);
    let removed = 0;
    for (const entry of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= maxBytes) break;
      await rm(entry.file, { force: true });
      total -= entry.size;
      removed++;
    }
    return removed;
  }
}
