import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { InputError } from '../errors';
import { ExternalSort, type ExternalSortOptions } from '../report/externalSort';
import type { SkippedFile } from '../types';
import { READABLE_EXTENSIONS } from './readFiles';

/** A readable data file found under a root folder. */
export interface FoundFile {
  readonly file: string;
  /** Folder relative to the root, `/`-separated, '' at the root (e.g. `val/frankfurt`). */
  readonly relDir: string;
  /** File name without its extension. */
  readonly base: string;
  readonly extension: string;
}

export interface WalkLimits {
  /** Sub-folder levels entered below the root (Cityscapes needs 2: `val/frankfurt`). */
  readonly maxDepth: number;
  /** Files kept before the walk stops; the stop is reported, never silent. */
  readonly maxFiles: number;
}

/**
 * maxFiles is a guard against walking a whole disk by mistake, far above any real folder: a folder of a
 * million pairs (two million files when labels sit beside the predictions) is read whole.
 */
export const DEFAULT_WALK_LIMITS: WalkLimits = { maxDepth: 4, maxFiles: 5_000_000 };

/** The extension as READABLE_EXTENSIONS spells it (one shared string for every file), or undefined. */
function readableExtension(name: string): string | undefined {
  const extension = extname(name).toLowerCase();
  return (READABLE_EXTENSIONS as readonly string[]).find((known) => known === extension);
}

function unreadableRoot(dir: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const reason =
    code === 'ENOENT'
      ? 'folder does not exist'
      : code === 'ENOTDIR'
        ? 'is not a folder'
        : `cannot list folder (${code})`;
  return new InputError(dir, 'unreadable', reason);
}

/** A symlink counts only when it leads to a regular file; loops and dangling links are reported. */
async function linkedFile(file: string, skipped: SkippedFile[]): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    skipped.push({ file, reason: code === 'ELOOP' ? 'symbolic link loop' : 'dangling symbolic link' });
    return false;
  }
}

/**
 * Lists `.png`/`.npy` files under `root`, sorted by path. Real sub-folders are entered up to
 * `maxDepth`; symlinked folders never are (no loops, no escaping the tree), hidden entries are skipped.
 */
export async function walkFolder(
  root: string,
  skipped: SkippedFile[],
  limits: WalkLimits = DEFAULT_WALK_LIMITS,
): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  await walkFiles(root, skipped, limits, (file) => void found.push(file), IN_MEMORY);
  return found;
}

/**
 * The files walkFolder lists, in its order, handed to `onFile` one at a time as the walk finds them
 * (awaited before the walk goes on), so a caller that keeps less than every file holds less. Only one
 * folder's entries are held at a time.
 */
export async function walkFiles(
  root: string,
  skipped: SkippedFile[],
  limits: WalkLimits,
  onFile: (file: FoundFile) => void | Promise<void>,
  sort?: ExternalSortOptions,
): Promise<void> {
  let count = 0;
  const visit = async (dir: string, relDir: string, depth: number): Promise<void> => {
    let listing;
    try {
      listing = await listFolder(dir, sort);
    } catch (error) {
      if (depth === 0) throw unreadableRoot(dir, error);
      skipped.push({ file: dir, reason: unreadableRoot(dir, error).reason });
      return;
    }
    try {
      await visitEntries(dir, relDir, depth, listing);
    } finally {
      await listing.dispose();
    }
  };
  const visitEntries = async (dir: string, relDir: string, depth: number, listing: ExternalSort<Entry>) => {
    // join(dir, name) for every entry builds each path from many small strings that all stay alive with
    // it (about 500 bytes a path: 1 GB of heap at 200,000 pairs); the folder's normalised path once, then
    // folder + name, keeps one shared folder string and the entry's name.
    // (join(dir, name) is exactly this: `dir` normalised, a separator unless it ends in one, and no `./`.)
    const folder = join(dir, '.');
    const prefix = folder === '.' ? '' : folder.endsWith(sep) ? folder : `${folder}${sep}`;
    for await (const [name, kind] of listing.sorted()) {
      const file = prefix + name;
      if (kind === 1) {
        if (depth < limits.maxDepth) await visit(file, relDir === '' ? name : `${relDir}/${name}`, depth + 1);
        continue;
      }
      const extension = readableExtension(name);
      if (extension === undefined) continue;
      if (kind === 2 ? !(await linkedFile(file, skipped)) : kind !== 0) continue;
      if (count >= limits.maxFiles) {
        skipped.push({ file: root, reason: `more than ${limits.maxFiles} files: the rest of the folder was not read` });
        throw new WalkFull();
      }
      count++;
      await onFile({ file, relDir, base: name.slice(0, -extension.length), extension });
    }
  };
  try {
    await visit(root, '', 0);
  } catch (error) {
    if (!(error instanceof WalkFull)) throw error;
  }
}

class WalkFull extends Error {}

/** Listings sorted in memory, never spilled (walkFolder holds every file anyway). */
export const IN_MEMORY: ExternalSortOptions = { chunk: Number.POSITIVE_INFINITY };

/** A folder entry as the listing holds it: its name and what it is (0 file, 1 folder, 2 link, 3 other). */
type Entry = [string, number];

const kindOf = (entry: Dirent): number =>
  entry.isFile() ? 0 : entry.isDirectory() ? 1 : entry.isSymbolicLink() ? 2 : 3;

/**
 * A folder's entries (hidden ones left out) sorted by name, read as a stream and sorted through an
 * external sort: a folder of 200,000 files is never held whole (readdir's 200,000 Dirent objects took
 * 60 MB of the walk's peak). Dispose of it after reading.
 */
async function listFolder(dir: string, sort: ExternalSortOptions | undefined): Promise<ExternalSort<Entry>> {
  const listing = new ExternalSort<Entry>((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0), sort);
  try {
    for await (const entry of await opendir(dir, { bufferSize: 4096 }))
      if (!entry.name.startsWith('.')) await listing.add([entry.name, kindOf(entry)]);
  } catch (error) {
    await listing.dispose();
    throw error;
  }
  return listing;
}
