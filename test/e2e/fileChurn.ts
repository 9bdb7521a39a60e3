/**
 * Rewrites prediction files while the extension evaluates them: the soak scenario's hostile user.
 * The loop runs in the test process and is bounded by a round count, so it always ends.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sleep } from './workbench';

export interface Churn {
  /** Deleting makes a file vanish from a folder listing: allowed only once the run under test has paired its files. */
  allowDeletes(): void;
  /** Ends the loop and restores every file it touched to its original bytes. */
  stop(): Promise<number>;
}

/** Truncates to half, restores, deletes and re-creates, or fills with garbage, round-robin over `files`. */
export function churnFiles(dir: string, files: readonly string[], options: { rounds: number; pauseMs: number }): Churn {
  const originals = new Map(files.map((file) => [file, readFileSync(path.join(dir, file))]));
  let deletes = false;
  let stopped = false;
  let rounds = 0;
  const loop = (async () => {
    for (; rounds < options.rounds && !stopped; rounds++) {
      // Each file goes through all four steps in turn before the next file starts.
      const file = files[Math.floor(rounds / 4) % files.length]!;
      const target = path.join(dir, file);
      const bytes = originals.get(file)!;
      switch (rounds % 4) {
        case 0:
          writeFileSync(target, bytes.subarray(0, bytes.length >> 1));
          break;
        case 1:
          writeFileSync(target, Buffer.from(`not a png ${'#'.repeat(rounds)}`));
          break;
        case 2:
          if (deletes) {
            rmSync(target, { force: true });
            await sleep(options.pauseMs);
          }
          writeFileSync(target, bytes);
          break;
        default:
          writeFileSync(target, bytes);
      }
      await sleep(options.pauseMs);
    }
    for (const [file, bytes] of originals) writeFileSync(path.join(dir, file), bytes);
  })();
  return {
    allowDeletes: () => {
      deletes = true;
    },
    stop: async () => {
      stopped = true;
      await loop;
      return rounds;
    },
  };
}
