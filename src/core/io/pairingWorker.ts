import { parentPort, workerData } from 'node:worker_threads';
import { errorText, InputError } from '../errors';
import { fullCollection } from '../evaluate/heapCollector';
import { parsePairPattern } from './fileRoles';
import { pairFilesPacked } from './packedPairing';
import { PackedPairs } from './packedPairs';
import { pairFiles, type PairingResult } from './pairing';
import type { PairingReply, PairingRequest } from './pairingThread';

/** The pairing thread (pairFilesInThread): pairs the folders once, answers, and ends. */
const port = parentPort;
if (!port) throw new Error('pairingWorker.js must run as a worker thread');
const request = workerData as PairingRequest;

/**
 * Items the sorts write out between two full collections of this thread's heap. Why: V8 let the old
 * space grow to twice what was live (20-43 MB at 200,000 pairs) before it collected; a collection
 * after each default chunk's worth (a few ms each) keeps it near what is live.
 */
const ITEMS_PER_COLLECTION = 16384;
const collect = fullCollection();
let spilledSinceCollection = 0;
const afterSpill = (items: number): void => {
  spilledSinceCollection += items;
  if (spilledSinceCollection < ITEMS_PER_COLLECTION) return;
  spilledSinceCollection = 0;
  collect?.();
};

/** The pairing asked for: pairFilesPacked's into the given file, or pairFiles' in memory (no file given). */
async function pairing(): Promise<PairingResult<PackedPairs>> {
  const options = {
    ...(request.suffixes !== undefined ? { suffixes: request.suffixes } : {}),
    ...(request.patternText !== undefined ? { pattern: parsePairPattern(request.patternText) } : {}),
    ...(request.limits !== undefined ? { limits: request.limits } : {}),
  };
  if (request.spillTo === undefined) {
    const { pairs, ...rest } = await pairFiles(request.predictionsDir, request.labelsDir, options);
    return { pairs: PackedPairs.from(pairs), ...rest };
  }
  return pairFilesPacked(request.predictionsDir, request.labelsDir, {
    ...options,
    sort: { ...request.sort, afterSpill },
    ...(request.partitions !== undefined ? { partitions: request.partitions } : {}),
    spillTo: request.spillTo,
  });
}

async function answer(): Promise<PairingReply> {
  try {
    const { pairs, ...rest } = await pairing();
    return { type: 'paired', pairs: pairs.handOver(), ...rest };
  } catch (error) {
    if (error instanceof InputError)
      return { type: 'input-error', file: error.file, code: error.code, reason: error.reason };
    return { type: 'failed', message: errorText(error) };
  }
}

void answer().then((reply) => {
  port.postMessage(reply);
  port.close();
});
