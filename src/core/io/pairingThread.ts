import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError, type InputErrorCode } from '../errors';
import { makeTempFolder, removeTempFolder } from './tempFolders';
import type { ExternalSortOptions } from '../report/externalSort';
import type { SkippedFile } from '../types';
import { WORKER_RESOURCE_LIMITS } from '../workerLimits';
import type { SuffixRule } from './fileRoles';
import type { PackedPairingOptions } from './packedPairing';
import { closeSpillFile, openSpillFile, PackedPairs, type PackedPairsState, type SpillFile } from './packedPairs';
import type { PairingOptions, PairingResult } from './pairing';
import type { WalkLimits } from './walkFolder';

/** The pairing thread's script, next to this module (the bundles put both in dist/). */
const PAIRING_WORKER_SCRIPT = join(__dirname, 'pairingWorker.js');

/** What the pairing thread is asked: pairFilesPacked's arguments, its `--pair` pattern as text. */
export interface PairingRequest {
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly suffixes: readonly SuffixRule[] | undefined;
  readonly patternText: string | undefined;
  readonly limits: WalkLimits | undefined;
  readonly sort: ExternalSortOptions | undefined;
  readonly partitions: number | undefined;
  /**
   * The pairs' temporary file, opened here: the thread's own open files close when it ends. Without
   * one, the thread pairs in memory with pairFiles (pairFilesInMemoryInThread).
   */
  readonly spillTo: SpillFile | undefined;
}

/** What it answers: the pairing, or why there is none (an InputError keeps its fields). */
export type PairingReply =
  | {
      readonly type: 'paired';
      readonly pairs: PackedPairsState;
      readonly unpaired: SkippedFile[];
      readonly ignored: SkippedFile[];
      readonly labelsWithoutPrediction: number;
    }
  | { readonly type: 'input-error'; readonly file: string; readonly code: InputErrorCode; readonly reason: string }
  | { readonly type: 'failed'; readonly message: string };

/**
 * pairFilesPacked in a thread of its own, which ends when the folders are paired. Why: pairing 400,000
 * files made the calling thread's young generation grow to 32 MB and left about 20 MB of freed buffers
 * in its allocator, both kept for the rest of the run (the CLI's peak at 200,000 pairs was 1.4 times
 * its peak at 5,000). The thread starts with the engine workers' limits, and what it used goes with it.
 * The result is pairFilesPacked's, its pairs adopted here (dispose of them when done).
 */
export async function pairFilesInThread(
  predictionsDir: string,
  labelsDir: string,
  options: PackedPairingOptions = {},
): Promise<PairingResult<PackedPairs>> {
  // The pairs' file goes beside the sorts' folder, not in it: where an open file cannot be removed
  // (Windows), it outlives that folder until the pairs are disposed of. Closed here unless the pairs
  // use it, which then own it.
  const spillTo = openSpillFile(options.sort?.tempRoot);
  let handedOver = false;
  try {
    // The pairing thread's sorts put their folders in one of this thread's: a stop signal, which only
    // this thread hears, removes it with everything in it (src/cli/stopSignals.ts).
    const sortFolder = await makeTempFolder(options.sort?.tempRoot);
    try {
      const sort = { ...options.sort, tempRoot: sortFolder };
      const result = await pairInThread(predictionsDir, labelsDir, { ...options, sort }, spillTo);
      handedOver = result.pairs.spilled;
      return result;
    } finally {
      await removeTempFolder(sortFolder);
    }
  } finally {
    if (!handedOver) closeSpillFile(spillTo);
  }
}

/**
 * pairFiles in a thread of its own, for a caller that keeps every pair in memory (the extension): its
 * walk of both folders and its pairing leave the calling thread free (at 100,000 pairs they held the
 * extension host's event loop for 0.5-0.8 s, every view and command of the window waiting). The pairs
 * come back packed, with pairFiles' result otherwise as it is, and are unpacked here.
 */
export async function pairFilesInMemoryInThread(
  predictionsDir: string,
  labelsDir: string,
  options: PairingOptions = {},
): Promise<PairingResult> {
  const { pairs, ...rest } = await pairInThread(predictionsDir, labelsDir, options, undefined);
  try {
    return { pairs: Array.from(pairs), ...rest };
  } finally {
    pairs.dispose();
  }
}

/** The thread of pairFilesInThread (`spillTo` given) or of pairFilesInMemoryInThread: started, waited for until it has ended, its answer taken. */
function pairInThread(
  predictionsDir: string,
  labelsDir: string,
  options: PackedPairingOptions,
  spillTo: SpillFile | undefined,
): Promise<PairingResult<PackedPairs>> {
  const request: PairingRequest = {
    predictionsDir,
    labelsDir,
    suffixes: options.suffixes,
    patternText: options.pattern?.text,
    limits: options.limits,
    sort: options.sort,
    partitions: options.partitions,
    spillTo,
  };
  return new Promise((resolve, reject) => {
    let reply: PairingReply | undefined;
    let failure: Error | undefined;
    // The engine workers' limits where the thread's memory must stay flat in the folder's size (the
    // CLI's packed pairing); in memory the pairs are held whole anyway, and V8's own young generation
    // pairs 100,000 files a fifth faster (2.0 s against 2.6 s), its memory gone when the thread ends.
    const worker = new Worker(PAIRING_WORKER_SCRIPT, {
      workerData: request,
      ...(spillTo !== undefined ? { resourceLimits: WORKER_RESOURCE_LIMITS } : {}),
    });
    worker.once('message', (message: PairingReply) => (reply = message));
    worker.once('error', (error) => (failure = error));
    // Settled once the thread is gone, so that what it used is released before the run starts.
    worker.once('exit', (code) => {
      if (reply?.type === 'paired') {
        const { type: _paired, pairs, ...rest } = reply;
        resolve({ pairs: PackedPairs.adopt(pairs), ...rest });
      } else if (reply?.type === 'input-error') reject(new InputError(reply.file, reply.code, reply.reason));
      else if (reply?.type === 'failed') reject(new Error(reply.message));
      else
        reject(failure ?? new Error(`the pairing thread stopped (exit code ${code}) before the folders were paired`));
    });
  });
}
