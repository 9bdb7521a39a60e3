import { parentPort, workerData } from 'node:worker_threads';
import { ReusableBuffer } from '../io/reusableBuffer';
import { agreeImage } from './agreeImage';
import { evaluatePairWireOutcome } from './evaluateImage';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol';

/** One engine per worker thread: runs the jobs it is sent, one at a time. */
const { options, agreement } = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('worker.js must run as a worker thread');
// The pool sends a worker its next job only after the reply to the last, so one read buffer
// serves every pair.
const predictionBytes = new ReusableBuffer();
port.on('message', (request: WorkerRequest) => {
  if (request.type === 'stop') {
    // Closing the port lets the thread end on its own once the job in hand is done; being
    // terminated mid-compilation instead can abort the whole process on Node 20.
    port.close();
    return;
  }
  if (request.type === 'agree') {
    if (!agreement) throw new Error('an agreement job was sent to a worker started without an agreement setup');
    const reply: WorkerReply = { type: 'agreement', id: request.id, outcome: agreeImage(request.job, agreement) };
    port.postMessage(reply);
    return;
  }
  void evaluatePairWireOutcome(request.pair, options, predictionBytes).then((outcome) => {
    const reply: WorkerReply = { type: 'pair', id: request.id, outcome };
    port.postMessage(reply);
  });
});
