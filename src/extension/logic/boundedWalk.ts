import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Visits the entries under `root` that are not folders, entering real sub-folders (never symlinked ones,
 * as for predictions and labels) up to `maxDepth` levels below it and skipping hidden names. Unreadable
 * folders are passed over. `take` returns false once it has enough: the walk then stops. The photo
 * index and the labels-folder check both look through a folder this way.
 */
export async function walkFiles(
  root: string,
  maxDepth: number,
  take: (entry: Dirent, file: string) => boolean,
): Promise<void> {
  let more = true;
  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!more) return;
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth) await visit(full, depth + 1);
      } else more = take(entry, full);
    }
  };
  await visit(root, 0);
}
