import { readdir, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { InputError } from '../errors';
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
  const visit = async (dir: string, relDir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (depth === 0) throw unreadableRoot(dir, error);
      skipped.push({ file: dir, reason: unreadableRoot(dir, error).reason });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // join(dir, name) for every entry builds each path from many small strings that all stay alive with
    // it (about 500 bytes a path: 1 GB of heap at 200,000 pairs); the folder's normalised path once, then
    // folder + name, keeps one shared folder string and the entry's name.
    // (join(dir, name) is exactly this: `dir` normalised, a separator unless it ends in one, and no `./`.)
    const folder = join(dir, '.');
    const prefix = folder === '.' ? '' : folder.endsWith(sep) ? folder : `${folder}${sep}`;
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const file = prefix + entry.name;
      if (entry.isDirectory()) {
        if (depth < limits.maxDepth)
          await visit(file, relDir === '' ? entry.name : `${relDir}/${entry.name}`, depth + 1);
        continue;
      }
      const extension = readableExtension(entry.name);
      if (extension === undefined) continue;
      if (entry.isSymbolicLink() ? !(await linkedFile(file, skipped)) : !entry.isFile()) continue;
      if (found.length >= limits.maxFiles) {
        skipped.push({ file: root, reason: `more than ${limits.maxFiles} files: the rest of the folder was not read` });
        throw new WalkFull();
      }
      found.push({ file, relDir, base: entry.name.slice(0, -extension.length), extension });
    }
  };
  try {
    await visit(root, '', 0);
  } catch (error) {
    if (!(error instanceof WalkFull)) throw error;
  }
  return found;
}

class WalkFull extends Error {}
