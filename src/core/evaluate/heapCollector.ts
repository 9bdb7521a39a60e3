import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Images between two full collections of the main thread's heap in a long run. */
export const IMAGES_PER_COLLECTION = 5000;

/**
 * Images a worker thread evaluates between two full collections of its heap. Why: a worker's live heap
 * is a few MB, but once its images' buffers are reused (io/reusableBuffer.ts) nothing it allocates
 * outside the V8 heap prompts a full collection, and its old space grew from 8 MB after 2,500 images
 * to 19 MB after 25,000 before V8 collected it. A collection of that heap takes a few ms.
 */
export const IMAGES_PER_WORKER_COLLECTION = 1000;

/**
 * A full garbage collection of the calling thread's heap, for a run that has just let go of a batch of
 * records or images. Why: the main thread's live heap stays about 20 MB through a run (the report's
 * state is bounded), but V8 lets its garbage pile up before it collects, in proportion to how long the
 * run has been going: 1.2 GB of resident memory at 200,000 pairs. A collection every few thousand
 * images (tens of ms each, a fraction of a per cent of the run) keeps the peak where a short run's is.
 * undefined when this V8 does not expose `gc` (the run then goes on without it).
 */
export function fullCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') return undefined;
    const collect = gc as () => void;
    return () => collect();
  } catch {
    return undefined;
  }
}
