import type { ResourceLimits } from 'node:worker_threads';

/**
 * Each engine worker thread's young generation (V8's nursery, where short-lived objects start), in MB:
 * the evaluation and agreement workers (src/core/evaluate/workerPool.ts), the merge workers
 * (src/core/report/parallelMerge.ts) and the thumbnail workers (src/core/thumbnails/thumbnailPool.ts). Left to itself V8 grows it to 48 MB (two 16 MB semi-spaces and
 * their overhead) the longer a thread allocates: the workers of a 200,000-pair eval ended 16 MB bigger
 * each than those of a 5,000-pair run for the same work per image, and the merge workers of 1,000,000
 * records (whose chunks' objects all die young) added about 40 MB to the peak. 12 MB (4 MB semi-spaces)
 * holds both where a short run leaves them; measured in docs/performance.md. Images' pixels and merge
 * chunks live in ArrayBuffers outside it.
 */
export const WORKER_YOUNG_GENERATION_MB = 12;

/** Each of the two semi-spaces of that young generation, in MB (V8 adds as much again for large objects). */
export const WORKER_SEMI_SPACE_MB = WORKER_YOUNG_GENERATION_MB / 3;

/**
 * The limits every engine worker starts with. The old generation is left unlimited: one large image, or
 * a record line of many classes (about 70 KB at 150 classes), must never run a worker out of memory.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
