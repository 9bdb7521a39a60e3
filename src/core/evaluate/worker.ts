import { parentPort, workerData } from 'node:worker_threads';
import { evaluatePairOutcome } from './evaluateImage';
import type { WorkerData, WorkerJob, WorkerReply } from './workerProtocol';

/** One engine per worker thread: evaluates the pairs it is sent, one at a time. */
const { options } = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('worker.js must run as a worker thread');
port.on('message', (job: WorkerJob) => {
  void evaluatePairOutcome(job.pair, options).then((outcome) => {
    const reply: WorkerReply = { id: job.id, outcome };
    port.postMessage(reply);
  });
});
