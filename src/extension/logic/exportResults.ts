import type { ImageRecord } from '../../core/evaluate/record';
import type { SkippedFile } from '../../core/types';
import { ResultsWriter, type ResultsHeader } from '../../core/report/resultsFile';

/**
 * *Export Results…* as JSON lines: the same results file the CLI writes (`seglens eval/merge --out`),
 * so *Open Results…* and `seglens merge` read it back. Written through a temporary file: a failed
 * export leaves no half file.
 */
export async function exportResultsFile(
  file: string,
  header: ResultsHeader,
  records: readonly ImageRecord[],
  skipped: readonly SkippedFile[],
): Promise<void> {
  const out = ResultsWriter.open(file, header);
  try {
    for (const entry of skipped) await out.addSkipped(entry);
    for (const record of records) await out.addImage(record);
    await out.commit();
  } catch (error) {
    await out.discard();
    throw error;
  }
}
