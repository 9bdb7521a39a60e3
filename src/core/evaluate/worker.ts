import { parentPort, workerData } from 'node:worker_threads';
import { ReusableBuffer } from '../io/reusableBuffer';
import { evaluatePairWireOutcome } from './evaluateImage';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

/** One engine per worker thread: evaluates the pairs it is sent, one at a time, in the order sent. */
const { options } = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('worker.js must run as a worker thread');
// evaluatePairs sends a worker its next pair before the reply to the last (see PAIRS_IN_FLIGHT), so
// pairs queue here: each starts when the one before has been posted, and one read buffer serves all.
const predictionBytes = new ReusableBuffer();
let queue: Promise<void> = Promise.resolve();
let stopping = false;
port.on('message', (request: WorkerRequest) => {
  if (request.type === 'stop') {
    // Closing the port lets the thread end on its own once the pair in hand is done (queued ones are
    // dropped); being terminated mid-compilation instead can abort the whole process on Node 20.
    stopping = true;
    port.close();
    return;
  }
  queue = queue.then(async () => {
    if (stopping) return;
    const outcome = await evaluatePairWireOutcome(request.pair, options, predictionBytes);
    const reply: WorkerReply = { id: request.id, outcome };
    port.postMessage(reply);
  });
});
