import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The engine's temporary folders (external sorts' runs): `seglens-sort-<pid>-<random>` in the system's
 * temporary folder, so that a later run can tell a folder left by a killed process (its pid no longer
 * exists) from one in use.
 */
export const TEMP_FOLDER_PREFIX = 'seglens-sort-';

/** The pid a folder's name carries; undefined for names we did not make (or made before pids were in them). */
export function ownerPid(name: string): number | undefined {
  const match = /^seglens-sort-(\d+)-[^-]+$/.exec(name);
  const pid = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid exists (one of another user's counts: it may not be signalled, but it lives). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process's folders not yet removed: what a stop signal removes before the process exits. */
const liveFolders = new Set<string>();

/**
 * A new temporary folder of this process in `root` (default: the system's temporary folder). Made
 * synchronously: a stop signal's handler runs on this thread between tasks, so the folder is on disk
 * and in `liveFolders` together or not at all (an asynchronous mkdtemp left a moment when it was on disk
 * but not yet known, and a signal then left it behind).
 */
export async function makeTempFolder(root: string = tmpdir()): Promise<string> {
  const folder = mkdtempSync(join(root, `${TEMP_FOLDER_PREFIX}${process.pid}-`));
  liveFolders.add(folder);
  return Promise.resolve(folder);
}

export async function removeTempFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  liveFolders.delete(folder);
}

/**
 * Removes every temporary folder this process still has, synchronously: for a process about to exit on
 * SIGINT or SIGTERM, when no asynchronous clean-up will run. A folder that cannot be removed is left.
 */
export function removeLiveTempFoldersSync(): void {
  for (const folder of liveFolders) {
    try {
      // Retried: another thread of this process (the pairing's) may still be adding files to it.
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
      liveFolders.delete(folder);
    } catch {
      // Left for the next run's removeStaleTempFolders.
    }
  }
}

/**
 * Removes the temporary folders in `root` left by processes that no longer exist (killed, say, where no
 * signal could be caught). Only folders named by makeTempFolder with a pid, never this process's nor a
 * live process's; a folder whose removal fails is left. Returns the folders removed.
 *
 * A pid seen from another pid namespace (a container sharing the temporary folder) may look dead while
 * its process lives: give such processes their own temporary folder (TMPDIR).
 */
export async function removeStaleTempFolders(root: string = tmpdir()): Promise<string[]> {
  return removeEntriesOfEndedProcesses(root, ownerPid);
}

/**
 * Removes the files and folders in `root` whose writer, the pid `ownerOf` reads from the name, no longer
 * exists. Names `ownerOf` does not know (undefined), this process's and live processes' are left, and so
 * is an entry whose removal fails. Returns the entries removed.
 */
export async function removeEntriesOfEndedProcesses(
  root: string,
  ownerOf: (name: string) => number | undefined,
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = ownerOf(name);
    if (pid === undefined || pid === process.pid || processExists(pid)) continue;
    const entry = join(root, name);
    try {
      await rm(entry, { recursive: true, force: true });
      removed.push(entry);
    } catch {
      // Another user's, or in use on a system that locks open files: left alone.
    }
  }
  return removed;
}
