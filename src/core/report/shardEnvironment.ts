import { ShardError, type ShardSpec } from './shards';

/** The variables a scheduler sets in each task; a plain record so tests pass their own. */
export type Environment = Readonly<Record<string, string | undefined>>;

function whole(env: Environment, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d+$/.test(text.trim()))
    throw new ShardError(`${name} is not a non-negative integer: ${JSON.stringify(text)}`);
  return Number(text.trim());
}

/**
 * `--shard auto`: this task's `i/n` from the scheduler.
 * - SLURM job arrays: i = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP,
 *   n = SLURM_ARRAY_TASK_COUNT, so `--array=1-8` or `--array=0-14:2` work as well as `0-7`.
 * - Kubernetes Indexed Jobs: i = JOB_COMPLETION_INDEX, n = `shards` (the Job's `completions`, which
 *   Kubernetes does not put in the environment).
 * `shards`, when given with SLURM, must equal the array's task count: a script edited by hand to another
 * `--array` then fails at once instead of leaving shards out.
 */
export function shardFromEnvironment(env: Environment, shards?: number): ShardSpec {
  const taskId = whole(env, 'SLURM_ARRAY_TASK_ID');
  if (taskId !== undefined) return slurmShard(env, taskId, shards);
  const completionIndex = whole(env, 'JOB_COMPLETION_INDEX');
  if (completionIndex !== undefined) {
    if (shards === undefined)
      throw new ShardError(
        '--shard auto under a Kubernetes Indexed Job needs --shards N (the Job’s completions): JOB_COMPLETION_INDEX gives only the index',
      );
    if (completionIndex >= shards)
      throw new ShardError(`JOB_COMPLETION_INDEX=${completionIndex} is not below --shards ${shards}`);
    return { index: completionIndex, count: shards };
  }
  throw new ShardError(
    '--shard auto found no scheduler: set by a SLURM job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) ' +
      'or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N); elsewhere give --shard i/n',
  );
}

function slurmShard(env: Environment, taskId: number, shards: number | undefined): ShardSpec {
  const count = whole(env, 'SLURM_ARRAY_TASK_COUNT');
  if (count === undefined || count < 1)
    throw new ShardError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (SLURM older than 17.11?)');
  const min = whole(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const step = whole(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const offset = taskId - min;
  if (offset < 0 || step < 1 || offset % step !== 0 || offset / step >= count)
    throw new ShardError(
      `SLURM array task ${taskId} is not one of ${count} evenly spaced tasks from ${min} (step ${step}); ` +
        'use a plain --array=A-B or --array=A-B:S without a task limit list',
    );
  if (shards !== undefined && shards !== count)
    throw new ShardError(`--shards ${shards} but the SLURM array has ${count} tasks`);
  return { index: offset / step, count };
}
