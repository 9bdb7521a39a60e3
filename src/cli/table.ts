import type { DatasetSummary } from '../core/evaluate/datasetSummary';
import type { ImageRow } from '../core/evaluate/record';
import type { SkippedFile } from '../core/io/pairing';

const fixed = (value: number | null, digits = 4): string => (value === null ? '—' : value.toFixed(digits));

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
): string {
  const header = ['image', 'adaptive', 'CE', 'merge', 'mIoU', 'bnd.mIoU', 'pix.acc'];
  const body = rows.map((r) => [
    r.name,
    fixed(r.adaptive),
    fixed(r.ce),
    fixed(r.mergeEffect),
    fixed(r.miou),
    fixed(r.boundaryMiou),
    fixed(r.pixelAccuracy),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const lines = [
    `Hardest ${rows.length} of ${dataset.images} images by adaptive loss:`,
    pad(header, widths),
    ...body.map((row) => pad(row, widths)),
    '',
  ];
  lines.push(
    `Dataset: ${dataset.images} images, pooled mIoU ${fixed(dataset.miou)}, mean per-image mIoU ${fixed(dataset.meanImageMiou)}, ` +
      `boundary mIoU ${fixed(dataset.boundaryMiou)}, pixel accuracy ${fixed(dataset.pixelAccuracy)}, ` +
      `mean CE ${fixed(dataset.meanCe)}, mean adaptive ${fixed(dataset.meanAdaptive)}, mean merge effect ${fixed(dataset.meanMergeEffect)}`,
  );
  lines.push(`Compute: ${backend}, ${seconds.toFixed(2)} s`);
  for (const s of skipped) lines.push(`skipped: ${s.file} — ${s.reason}`);
  return lines.join('\n') + '\n';
}
