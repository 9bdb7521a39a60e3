import { setFlagsFromString } from 'node:v8';

/**
 * Bytecode a function runs before V8 considers optimising it, raised from V8's 67,584 for CLI runs.
 * Why: every worker thread is its own V8 isolate and optimises the same engine code again, on the
 * same two cores as the work. On 1,449 VOC-sized pairs with 2 workers, TurboFan's background threads
 * took 0.9 of the run's 4.5 CPU-seconds (perf, Node 20), most of it for functions that run a few
 * hundred times in all (option checks, the folder walk, per-image summaries). With this budget the
 * per-pixel kernels are still optimised within their first images, and the run takes 5-10% less
 * wall time (docs/performance.md, "The decode floor"). Not set in the extension host, which is
 * shared with other extensions.
 */
const INTERRUPT_BUDGET = 400_000;

/** Process-wide: call before the worker threads start, so that their isolates start with it. */
export function raiseTierUpBudget(): void {
  try {
    setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  } catch {
    // a runtime that refuses the flag runs at V8's default: slower to start, same results
  }
}
