import { parentPort, workerData } from 'node:worker_threads';
import { chunkLines } from '../io/lineBatches';
import { ChunkChecker } from './mergeChunk';
import type { MergeReply, MergeRequest, MergeWorkerSetup } from './mergeProtocol';
import { StreamingReport } from './streamingReport';

/**
 * A merge worker: checks the chunks of part lines it is sent and folds their images into its own
 * report, which it sends back when asked to finish (the main thread adds the reports up).
 */
const setup = workerData as MergeWorkerSetup;
const port = parentPort;
if (!port) throw new Error('mergeWorker.js must run as a worker thread');
const report = new StreamingReport(setup.header.metric.numClasses, {
  top: setup.top,
  ranked: false,
  rankBy: setup.rankBy,
});
const checker = new ChunkChecker(report, setup.keepRows);
port.on('message', (request: MergeRequest) => {
  if (request.type === 'finish') {
    const reply: MergeReply = { type: 'partial', partial: report.partial() };
    port.postMessage(reply);
    port.close();
    return;
  }
  const chunk = checker.check(request.bytes, chunkLines(request.bytes), setup.header);
  const reply: MergeReply = { type: 'chunk', id: request.id, chunk };
  port.postMessage(reply, [chunk.out.buffer as ArrayBuffer]);
});
