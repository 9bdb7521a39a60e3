import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../errors';
import { makeThumbnailSync } from './makeThumbnail';
import type { ThumbnailJob, ThumbnailReply, ThumbnailWorkerData } from './thumbnailProtocol';

/** One thumbnail maker per worker thread (bundled to dist/thumbnailWorker.js), one job at a time. */
const { options } = workerData as ThumbnailWorkerData;
const port = parentPort;
if (!port) throw new Error('thumbnailWorker.js must run as a worker thread');
port.on('message', (job: ThumbnailJob) => {
  if (job.type === 'stop') {
    port.close();
    return;
  }
  let reply: ThumbnailReply;
  try {
    const jpeg = makeThumbnailSync(job.request, options);
    reply = { id: job.id, jpeg };
    port.postMessage(reply, [jpeg.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id: job.id, error: errorText(error) };
    port.postMessage(reply);
  }
});
