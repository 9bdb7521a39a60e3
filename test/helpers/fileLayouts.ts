import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

/**
 * Folders of empty files (the pairing reads names only) under one temporary root, removed after the
 * calling test file: `layout(files)` makes a new folder holding them and returns its path.
 */
export function fileLayouts(prefix: string): {
  readonly root: string;
  readonly layout: (files: readonly string[]) => string;
} {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  let made = 0;
  return {
    root,
    layout: (files) => {
      const dir = join(root, `layout-${made++}`);
      for (const file of files) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), '');
      }
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
}
