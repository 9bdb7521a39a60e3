import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from '../io/readFiles';
import type { ThumbnailRequest } from './makeThumbnail';
import type { ThumbnailJob, ThumbnailReply, ThumbnailWorkerData } from './thumbnailProtocol';
import { WORKER_RESOURCE_LIMITS } from '../workerLimits';

/** Next to this module: out/src/core/thumbnails/ under tsc, dist/ in the bundle (scripts/build.mjs). */
const WORKER_SCRIPT = join(__dirname, 'thumbnailWorker.js');
/** Threads end after this long without work, so an open gallery holds none while the user reads. */
const IDLE_MS = 20_000;

/** Why a queued thumbnail was not made: it left the screen before a worker got to it. */
export class ThumbnailCancelled extends Error {
  override readonly name = 'ThumbnailCancelled';
}

interface Pending {
  readonly key: string;
  readonly request: ThumbnailRequest;
  readonly promise: Promise<Uint8Array>;
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

export interface ThumbnailPoolOptions {
  /** Worker threads at most (default 2: the gallery must not starve an evaluation run). */
  readonly workers?: number;
}

/**
 * Makes thumbnails in a few worker threads, newest request first: the webview asks for what is on
 * screen now, and what scrolled past is dropped with `keepOnly` before a worker spends time on it.
 * A key asked for twice is made once. Threads start on demand and end when idle or disposed.
 */
export class ThumbnailPool {
  private readonly queue: Pending[] = [];
  private readonly byKey = new Map<string, Pending>();
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly maxWorkers: number;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private nextId = 0;

  constructor(
    private readonly options: EngineOptions,
    poolOptions: ThumbnailPoolOptions = {},
  ) {
    this.maxWorkers = Math.max(1, poolOptions.workers ?? 2);
  }

  /** The JPEG bytes of `request`; `key` names it (same key, same thumbnail). */
  make(key: string, request: ThumbnailRequest): Promise<Uint8Array> {
    if (this.disposed) return Promise.reject(new ThumbnailCancelled('the thumbnail pool is closed'));
    const known = this.byKey.get(key);
    if (known !== undefined) return known.promise;
    let resolve!: (bytes: Uint8Array) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Uint8Array>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = { key, request, promise, resolve, reject };
    this.byKey.set(key, pending);
    this.queue.push(pending);
    this.pump();
    return promise;
  }

  /** Drops the queued requests whose key is not in `keys` (those in a worker's hands finish). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const pending = this.queue[i]!;
      if (keys.has(pending.key)) continue;
      this.queue.splice(i, 1);
      this.byKey.delete(pending.key);
      pending.reject(new ThumbnailCancelled(`${pending.key} left the screen`));
    }
  }

  /** Threads running now (for tests and the log). */
  get threads(): number {
    return this.idle.length + this.busy.size;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.threads < this.maxWorkers ? this.spawn() : undefined);
      if (worker === undefined) return;
      const pending = this.queue.pop()!; // newest first
      this.busy.set(worker, pending);
      const job: ThumbnailJob = { type: 'job', id: this.nextId++, request: pending.request };
      worker.postMessage(job);
    }
    this.scheduleIdleStop();
  }

  private spawn(): Worker {
    const data: ThumbnailWorkerData = { options: this.options };
    const worker = new Worker(WORKER_SCRIPT, { workerData: data, resourceLimits: WORKER_RESOURCE_LIMITS });
    worker.on('message', (reply: ThumbnailReply) => this.settle(worker, reply));
    const lost = (error: Error): void => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      if (pending !== undefined) this.finish(pending, undefined, error);
      this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`thumbnail worker exited with code ${code}`)));
    return worker;
  }

  private settle(worker: Worker, reply: ThumbnailReply): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    if (this.disposed) {
      void worker.terminate();
      return;
    }
    this.idle.push(worker);
    if (pending !== undefined)
      this.finish(
        pending,
        'jpeg' in reply ? reply.jpeg : undefined,
        'error' in reply ? new Error(reply.error) : undefined,
      );
    this.pump();
  }

  private finish(pending: Pending, bytes: Uint8Array | undefined, error: Error | undefined): void {
    this.byKey.delete(pending.key);
    if (bytes !== undefined) pending.resolve(bytes);
    else pending.reject(error ?? new Error('no thumbnail'));
  }

  private scheduleIdleStop(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.busy.size === 0 && this.queue.length === 0) this.stopIdle();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private stopIdle(): void {
    for (const worker of this.idle.splice(0)) {
      worker.removeAllListeners('exit');
      const stop: ThumbnailJob = { type: 'stop' };
      worker.postMessage(stop);
    }
  }

  /** Rejects what is queued, stops idle threads, and lets busy ones end after their image. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.keepOnly(new Set());
    this.stopIdle();
  }
}
