import { resolve } from 'node:path';
import type { PairingResult, SkippedFile } from '../io/pairing';
import type { AgreementJob } from './agreeImage';

/**
 * One job per label file that some model's folder pairs a prediction with, each model's prediction
 * in the order of the folders (null where a folder has none). Jobs are in name order. A second
 * prediction of one model for the same label is left out and reported, so a model votes once.
 */
export function agreementJobs(pairings: readonly PairingResult[]): { jobs: AgreementJob[]; skipped: SkippedFile[] } {
  const byLabel = new Map<
    string,
    { name: string; labelFile: string; labelIds?: AgreementJob['labelIds']; files: (string | null)[] }
  >();
  const skipped: SkippedFile[] = pairings.flatMap((pairing) => pairing.unpaired);
  pairings.forEach((pairing, model) => {
    for (const pair of pairing.pairs) {
      const key = resolve(pair.labelFile);
      let job = byLabel.get(key);
      if (!job) {
        job = {
          name: pair.name,
          labelFile: pair.labelFile,
          ...(pair.labelIds !== undefined ? { labelIds: pair.labelIds } : {}),
          files: pairings.map(() => null),
        };
        byLabel.set(key, job);
      }
      const taken = job.files[model];
      if (taken !== null && taken !== undefined) {
        skipped.push({
          file: pair.predictionFile,
          reason: `${taken} of the same model already pairs with ${pair.labelFile}: this one casts no vote`,
        });
        continue;
      }
      job.files[model] = pair.predictionFile;
    }
  });
  const jobs = [...byLabel.values()].map(({ files, ...job }): AgreementJob => ({ ...job, predictionFiles: files }));
  jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { jobs, skipped };
}
