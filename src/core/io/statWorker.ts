import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { StatRequest } from './statThread';

/** The stat thread (statFilesInThread): stats every file once, answers, and ends. */
const port = parentPort;
if (!port) throw new Error('statWorker.js must run as a worker thread');
const files = (workerData as StatRequest).chunks.flatMap((chunk) => chunk.split('\0'));
const numbers = new Float64Array(files.length * 2).fill(Number.NaN);
files.forEach((file, index) => {
  try {
    const info = statSync(file, { throwIfNoEntry: false });
    if (info === undefined) return;
    numbers[index * 2] = info.size;
    numbers[index * 2 + 1] = info.mtimeMs;
  } catch {
    // Unreadable (a permission, a broken mount): no stamp, as for a missing file.
  }
});
port.postMessage(numbers, [numbers.buffer]);
port.close();
