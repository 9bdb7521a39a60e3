import { agreeImage, type AgreementJob, type AgreementOutcome, type AgreementSetup } from './agreeImage';
import { defaultWorkerCount, runOnWorkers, type WorkerPoolControl } from './workerPool';

/**
 * Judges the agreement of several models image by image, yielding each outcome as soon as it is
 * ready (completion order, or job order with `inJobOrder`): on worker threads, or with `workers: 0` on
 * the calling thread.
 */
export async function* agreeImages(
  jobs: readonly AgreementJob[],
  setup: AgreementSetup,
  control: WorkerPoolControl = {},
): AsyncGenerator<AgreementOutcome> {
  const workerCount = Math.min(control.workers ?? defaultWorkerCount(), jobs.length);
  if (workerCount <= 0) {
    for (const job of jobs) {
      if (control.signal?.aborted) return;
      yield agreeImage(job, setup);
    }
    return;
  }
  yield* runOnWorkers<AgreementJob, AgreementOutcome>(
    {
      jobs,
      data: { options: setup.models[0]!, agreement: setup },
      request: (job, id) => ({ type: 'agree', id, job }),
      result: (reply) => {
        if (reply.type !== 'agreement') throw new Error(`a worker replied ${reply.type} to an agreement job`);
        return reply.outcome;
      },
      crashed: (job, code) => ({
        record: null,
        skipped: [{ file: job.labelFile, reason: `agreement crashed (worker exit code ${code})` }],
      }),
    },
    workerCount,
    control,
  );
}
