import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WORKER_RESOURCE_LIMITS } from '../workerLimits';
import { byteChunks, chunkLines, LINE_CHUNK } from '../io/lineBatches';
import { ChunkChecker, type CheckedChunk } from './mergeChunk';
import type { MergeReply, MergeRequest, MergeWorkerSetup } from './mergeProtocol';
import {
  AFTER_THE_END,
  asResultsError,
  checkWholeFile,
  refuse,
  type EndLine,
  type ResultsHeader,
  type ResultsWriter,
} from './resultsFile';
import { ShardError, type MergePlan } from './shards';
import type { ReportPartial, StreamingReport } from './streamingReport';

/** The worker script sits next to this module, both in dist/ bundles and in tsc output. */
const WORKER_SCRIPT = join(__dirname, 'mergeWorker.js');

/** Chunks read ahead of the one being written out, per worker thread: enough that no thread waits for work. */
const AHEAD_PER_WORKER = 3;

/**
 * A part's first read: its header and a few records, checked on this thread (which must find the
 * header before the rest can go to the workers), so small that this thread stays free for its own work.
 */
const FIRST_CHUNK = 1 << 16;

export interface MergeRun {
  /** The report the parts' records are folded into. */
  readonly report: StreamingReport;
  /** Where the merged records go, in part order and line order (`--out`). */
  readonly out?: ResultsWriter;
  /** Worker threads checking and folding chunks; 0: all on this thread. Started when the first chunk needs one. */
  readonly workers: number;
  /** Stops the merge between two chunks (the caller then discards what was written). */
  readonly signal?: AbortSignal;
  /** Bytes read at a time from a part (tests make it small so every part has many chunks). */
  readonly chunkBytes?: number;
}

/** What is known of a part while its chunks come back in order. */
interface PartProgress {
  readonly file: string;
  readonly shard: string;
  /** Lines of the part before the chunk being taken. */
  lines: number;
  header: ResultsHeader | undefined;
  images: number;
  skipped: number;
  ended: EndLine | undefined;
}

/** One step of the merge, taken in order: a chunk (checked here or on a worker), a part's end, or a read failure. */
type Step =
  | { readonly part: PartProgress; readonly chunk: Promise<CheckedChunk> }
  | { readonly part: PartProgress; readonly end: true }
  | { readonly part: PartProgress; readonly failure: unknown };

/**
 * `seglens merge` on several threads, with the results of a merge on one: each part is read in chunks
 * of whole lines; a part's first chunk (its header) is checked on this thread, the others on worker
 * threads, which fold their images into reports of their own, added up at the end (the dataset sums add
 * exactly, the hardest images are the hardest of each thread's). The chunks are taken back in file order,
 * so `--out` receives the parts' lines in part order and line order, images in two parts are refused at
 * the same line, and the first fault met is the one a merge on one thread reports. Memory: a few chunks
 * in flight per worker, the set of image names, and the report's bounded state.
 */
export async function mergeParts(plan: MergePlan, run: MergeRun): Promise<void> {
  const { report, out } = run;
  const here = new ChunkChecker(report, report.keepsRows);
  const threads =
    run.workers > 0
      ? new MergeThreads(run.workers, {
          header: plan.header,
          top: report.top,
          rankBy: report.rankBy,
          keepRows: report.keepsRows,
        })
      : undefined;
  const seen = new Set<string>();
  const steps: Step[] = [];
  const ahead = Math.max(2, AHEAD_PER_WORKER * run.workers);
  const chunkBytes = run.chunkBytes ?? LINE_CHUNK;

  const take = async (step: Step): Promise<void> => {
    if ('failure' in step) asResultsError(step.failure, step.part.file);
    if ('end' in step) {
      const { part } = step;
      checkWholeFile(part.file, part.header, part.ended, part.images, part.skipped);
      return;
    }
    await takeChunk(step.part, await step.chunk);
  };

  const takeChunk = async (part: PartProgress, chunk: CheckedChunk): Promise<void> => {
    const { file } = part;
    if (part.ended !== undefined && chunk.firstContent > 0)
      refuse(file, part.lines + chunk.firstContent, AFTER_THE_END);
    if (chunk.header !== undefined) {
      const { header } = chunk.header;
      if (
        header.run !== plan.header.run ||
        header.shard !== part.shard ||
        header.metric.numClasses !== plan.header.metric.numClasses
      )
        throw new ShardError(`${file}: changed while merging (its header is not the one planned)`);
      part.header = header;
    }
    chunk.names.forEach((name, i) => {
      if (seen.has(name))
        throw new ShardError(`${file}:${part.lines + chunk.nameLines[i]!}: image ${name} is in more than one shard`);
      seen.add(name);
    });
    if (chunk.failure !== undefined) {
      if (chunk.failure.inFile) refuse(file, part.lines + chunk.failure.line, chunk.failure.message);
      throw new Error(chunk.failure.message);
    }
    for (const entry of chunk.skippedEntries) report.skip(entry);
    await out?.addCheckedLines(chunk.out, chunk.images, chunk.skipped);
    for (const row of chunk.rows) await report.addRow(row);
    if (chunk.end !== undefined) part.ended = { ...chunk.end, line: part.lines + chunk.end.line };
    part.images += chunk.images;
    part.skipped += chunk.skipped;
    part.lines += chunk.lines;
  };

  const push = async (step: Step): Promise<void> => {
    steps.push(step);
    // Taken later, in order; a worker's failure must not count as unhandled in the meantime.
    if ('chunk' in step) step.chunk.catch(() => undefined);
    if (steps.length >= ahead) await take(steps.shift()!);
  };

  try {
    read: for (const [index, file] of plan.files.entries()) {
      const part: PartProgress = {
        file,
        shard: `${index}/${plan.count}`,
        lines: 0,
        header: undefined,
        images: 0,
        skipped: 0,
        ended: undefined,
      };
      // The header is looked for on this thread, so the chunks after it can go anywhere.
      let headerFound = false;
      try {
        for await (const bytes of byteChunks(file, chunkBytes, Math.min(chunkBytes, FIRST_CHUNK))) {
          if (run.signal?.aborted) return;
          if (headerFound && threads !== undefined) {
            await push({ part, chunk: threads.check(bytes) });
            continue;
          }
          const chunk = here.check(bytes, chunkLines(bytes), headerFound ? plan.header : undefined);
          await push({ part, chunk: Promise.resolve(chunk) });
          headerFound ||= chunk.header !== undefined;
          if (chunk.failure !== undefined) break read;
        }
      } catch (error) {
        await push({ part, failure: error });
        break;
      }
      await push({ part, end: true });
    }
    for (let step = steps.shift(); step !== undefined; step = steps.shift()) {
      if (run.signal?.aborted) return;
      await take(step);
    }
    for (const partial of (await threads?.finish()) ?? []) report.addPartial(partial);
  } finally {
    await threads?.stop();
  }
}

/** Chunks waiting on a worker thread. */
interface Waiting {
  readonly resolve: (chunk: CheckedChunk) => void;
  readonly reject: (error: Error) => void;
}

interface MergeThread {
  readonly worker: Worker;
  readonly waiting: Map<number, Waiting>;
  /** Set when the thread failed or stopped: what every later request is refused with. */
  broken?: Error;
}

/** The merge's worker threads, started when the first chunk needs one; each chunk goes to the least busy. */
class MergeThreads {
  private readonly threads: MergeThread[] = [];
  private nextId = 0;

  constructor(
    private readonly count: number,
    private readonly setup: MergeWorkerSetup,
  ) {}

  private start(): void {
    for (let i = 0; i < this.count; i++) {
      const thread: MergeThread = {
        worker: new Worker(WORKER_SCRIPT, { workerData: this.setup, resourceLimits: WORKER_RESOURCE_LIMITS }),
        waiting: new Map(),
      };
      const fail = (error: Error): void => {
        thread.broken ??= error;
        for (const waiting of thread.waiting.values()) waiting.reject(thread.broken);
        thread.waiting.clear();
      };
      thread.worker.on('message', (reply: MergeReply) => {
        if (reply.type !== 'chunk') return;
        const waiting = thread.waiting.get(reply.id);
        thread.waiting.delete(reply.id);
        waiting?.resolve(reply.chunk);
      });
      thread.worker.on('error', fail);
      thread.worker.on('exit', (code) => fail(new Error(`a merge worker thread stopped (exit code ${code})`)));
      this.threads.push(thread);
    }
  }

  check(bytes: Uint8Array): Promise<CheckedChunk> {
    if (this.threads.length === 0) this.start();
    const thread = this.threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    if (thread.broken) return Promise.reject(thread.broken);
    const id = this.nextId++;
    return new Promise<CheckedChunk>((resolve, reject) => {
      thread.waiting.set(id, { resolve, reject });
      const request: MergeRequest = { type: 'chunk', id, bytes };
      thread.worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Each thread's report (the threads then exit). */
  async finish(): Promise<ReportPartial[]> {
    return Promise.all(
      this.threads.map(
        (thread) =>
          new Promise<ReportPartial>((resolve, reject) => {
            if (thread.broken) return reject(thread.broken);
            thread.worker.on('message', (reply: MergeReply) => {
              if (reply.type === 'partial') resolve(reply.partial);
            });
            thread.worker.once('exit', () => reject(thread.broken ?? new Error('a merge worker thread stopped')));
            const request: MergeRequest = { type: 'finish' };
            thread.worker.postMessage(request);
          }),
      ),
    );
  }

  /** Ends every thread (after finish, or when the merge stopped early). */
  async stop(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }
}
