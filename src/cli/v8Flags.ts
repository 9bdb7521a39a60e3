import { setFlagsFromString } from 'node:v8';
import { WORKER_SEMI_SPACE_MB } from '../core/workerLimits';

/**
 * The V8 flags the CLI sets for its own process, and why. Process-wide: set before the first worker
 * thread starts, so that every isolate starts with them. Not set in the extension host, which is
 * shared with other extensions. Measured in docs/performance.md.
 */
const CLI_V8_FLAGS: readonly string[] = [
  // Bytecode a function runs before V8 considers optimising it (V8's default: 67,584). Every worker
  // thread is its own isolate and optimises the same engine code again, on the same two cores as the
  // work: on 1,449 VOC-sized pairs with 2 workers, TurboFan's background threads took 0.9 of the run's
  // 4.5 CPU-seconds (perf, Node 20), most of it for functions that run a few hundred times in all. With
  // this budget the per-pixel kernels are still optimised within their first images, and the run takes
  // 5-10% less wall time ("The decode floor").
  '--interrupt-budget=400000',
  // Young generations keep their starting size. V8 doubles a thread's young generation whenever more
  // bytes have survived it than it holds, up to 32 MB: a long run's main thread, which keeps records
  // for the report and the sorted --json, always got there, a short one did not (a 200,000-pair eval
  // peaked 30 MB above what the same run of 5,000 did). Young objects still die young; the main
  // thread's nursery stays at 2 MB ("The CLI's memory flat in the folder's size").
  '--semi-space-growth-factor=1',
  // ... and a worker thread's starts at its full size (WORKER_RESOURCE_LIMITS): kept at 2 MB, the
  // workers collected so often that a run took 10-20% more CPU time.
  `--min-semi-space-size=${WORKER_SEMI_SPACE_MB}`,
];

/**
 * Sets CLI_V8_FLAGS, and sets them again each time a worker thread has started: V8 raises the growth
 * factor back to 2 whenever it configures an isolate's heap, as it does for every new worker thread
 * (measured: the main thread's young generation stayed at 2 MB with the flag set after the workers
 * started, and grew to 32 MB with it set before). A runtime that refuses a flag runs at V8's default
 * (same results).
 */
export function setCliV8Flags(): void {
  applyFlags();
  process.on('worker', (worker) => worker.once('online', applyFlags));
}

function applyFlags(): void {
  for (const flag of CLI_V8_FLAGS) {
    try {
      setFlagsFromString(flag);
    } catch {
      // V8's default for this one
    }
  }
}
