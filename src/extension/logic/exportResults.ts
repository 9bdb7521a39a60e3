import type { ImageRecord, SkippedFile } from '../../core';

export function resultsToJson(
  summary: unknown,
  records: readonly ImageRecord[],
  skipped: readonly SkippedFile[],
  context: { readonly predictionsDir: string; readonly labelsDir: string; readonly options: unknown },
): string {
  return JSON.stringify({ ...context, summary, images: records, skipped }, null, 2) + '\n';
}
