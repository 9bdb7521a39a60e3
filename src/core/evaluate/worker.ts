import { parentPort, workerData } from 'node:worker_threads';
import { ReusableBuffer } from '../io/reusableBuffer';
import { evaluatePairWireOutcome } from './evaluateImage';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

/** One engine per worker thread: evaluates the pairs it is sent, one at a time. */
const { options } = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('worker.js must run as a worker thread');
// evaluatePairs sends a worker its next pair only after the reply to the last, so one read buffer
// serves every pair.
const predictionBytes = new ReusableBuffer();
port.on('message', (request: WorkerRequest) => {
  if (request.type === 'stop') {
    // Closing the port lets the thread end on its own once the pair in hand is done; being
    // terminated mid-compilation instead can abort the whole process on Node 20.
    port.close();
    return;
  }
  void evaluatePairWireOutcome(request.pair, options, predictionBytes).then((outcome) => {
    const reply: WorkerReply = { id: request.id, outcome };
    port.postMessage(reply);
  });
});
