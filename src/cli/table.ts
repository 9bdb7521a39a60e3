import type { DatasetSummary } from '../core/evaluate/datasetSummary';
import type { ImageRow } from '../core/evaluate/record';
import type { SkippedFile } from '../core/io/pairing';
import type { DatasetInfo } from '../core/report/jsonReport';
import { formatFixed as fixed } from '../core/report/format';

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

/** The human-readable report: hardest images first, then the dataset summary and what was skipped. */
export function formatTable(
  rows: readonly ImageRow[],
  dataset: DatasetSummary,
  skipped: readonly SkippedFile[],
  backend: string,
  seconds: number,
  info?: DatasetInfo,
): string {
  const header = ['image', 'adaptive', 'CE', 'merge', 'mIoU', 'pix.acc'];
  const body = rows.map((r) => [
    r.name,
    fixed(r.adaptive),
    fixed(r.ce),
    fixed(r.mergeEffect),
    fixed(r.miou),
    fixed(r.pixelAccuracy),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const lines = [
    ...(info ? [info.detection] : []),
    `Hardest ${rows.length} of ${dataset.images} images by adaptive loss:`,
    pad(header, widths),
    ...body.map((row) => pad(row, widths)),
    '',
  ];
  lines.push(
    `Dataset: ${dataset.images} images, mIoU ${fixed(dataset.miou)}, pixel accuracy ${fixed(dataset.pixelAccuracy)}, ` +
      `mean CE ${fixed(dataset.meanCe)}, mean adaptive ${fixed(dataset.meanAdaptive)}, mean merge effect ${fixed(dataset.meanMergeEffect)}`,
  );
  lines.push(`Compute: ${backend}, ${seconds.toFixed(2)} s`);
  for (const s of skipped) lines.push(`skipped: ${s.file} — ${s.reason}`);
  for (const s of info?.ignored ?? []) lines.push(`ignored: ${s.file} — ${s.reason}`);
  return lines.join('\n') + '\n';
}
