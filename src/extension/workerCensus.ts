import type { Worker } from 'node:worker_threads';
import { Disposable, toDisposable } from './logic/dispose';

/** The worker threads started while a window was open, and which of them are still alive. */
export interface WorkerWindow {
  /** Stops counting new workers; resolves with how many of those counted are alive once all exit or `timeoutMs` passes. */
  close(timeoutMs: number): Promise<number>;
}

/**
 * Counts the worker threads a run starts, so the runner can log that a finished or cancelled run
 * left none behind (a leaked worker keeps a core busy until the window closes). Node announces
 * every new Worker on `process` ('worker' event); it leaves the set on 'exit'. The extension host
 * is shared, so a worker another extension starts during the run is counted too: an upper bound.
 * 'exit' can arrive a little after terminate() resolves in the extension host, hence the wait.
 */
export class WorkerCensus extends Disposable {
  private readonly windows = new Set<Set<Worker>>();
  private readonly onWorker = (worker: Worker): void => {
    const counted = [...this.windows];
    counted.forEach((live) => live.add(worker));
    worker.once('exit', () => counted.forEach((live) => live.delete(worker)));
  };

  constructor() {
    super();
    process.on('worker', this.onWorker);
    this.register(
      toDisposable(() => {
        process.off('worker', this.onWorker);
        this.windows.clear();
      }),
    );
  }

  open(): WorkerWindow {
    const live = new Set<Worker>();
    this.windows.add(live);
    return {
      close: async (timeoutMs) => {
        this.windows.delete(live);
        const deadline = Date.now() + timeoutMs;
        while (live.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        return live.size;
      },
    };
  }
}
