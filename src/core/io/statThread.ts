import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WORKER_RESOURCE_LIMITS } from '../workerLimits';

/** The stat thread's script, next to this module (the bundles put both in dist/). */
const STAT_WORKER_SCRIPT = join(__dirname, 'statWorker.js');

/**
 * What the stat thread is given: the files' paths in chunks, each chunk's paths joined by NUL (which no
 * path holds). A few long strings cross to the thread in a copy each, where an array of 200,000 would
 * be cloned string by string on the calling thread.
 */
export interface StatRequest {
  readonly chunks: readonly string[];
}

/**
 * Paths joined per chunk, between turns of the calling thread's event loop: joining 200,000 paths at
 * once held it for 80-90 ms, a chunk of 4,096 takes about 2 ms.
 */
const FILES_PER_CHUNK = 4096;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Size and modification time of each file, two numbers a file in one Float64Array (size, mtimeMs; NaN
 * for a file that cannot be stat'ed), read in a thread of its own. Why: at 100,000 pairs, 200,000
 * fs.promises.stat calls kept the extension host's event loop busy for 4-6 s at a run's start (its
 * main thread's CPU, on 2 cores shared with the workbench), in stretches of 100-500 ms without an idle
 * moment. In the thread they are statSync calls (200,000 in about 1.2 s); the calling thread only joins
 * the paths and takes the numbers.
 */
export async function statFilesInThread(files: readonly string[]): Promise<Float64Array> {
  if (files.length === 0) return new Float64Array(0);
  const chunks: string[] = [];
  for (let start = 0; start < files.length; start += FILES_PER_CHUNK) {
    if (start > 0) await nextTurn();
    chunks.push(files.slice(start, start + FILES_PER_CHUNK).join('\0'));
  }
  const request: StatRequest = { chunks };
  return new Promise((resolve, reject) => {
    let numbers: Float64Array | undefined;
    let failure: Error | undefined;
    const worker = new Worker(STAT_WORKER_SCRIPT, { workerData: request, resourceLimits: WORKER_RESOURCE_LIMITS });
    worker.once('message', (message: Float64Array) => (numbers = message));
    worker.once('error', (error) => (failure = error));
    worker.once('exit', (code) => {
      if (numbers?.length === files.length * 2) resolve(numbers);
      else reject(failure ?? new Error(`the stat thread stopped (exit code ${code}) before it answered`));
    });
  });
}
