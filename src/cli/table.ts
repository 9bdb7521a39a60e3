import type { DatasetSummary } from '../core/evaluate/datasetSummary';
import type { ImageRow } from '../core/evaluate/record';
import type { SkippedFile } from '../core/io/pairing';
import { DELTA_KEYS, perClassDeltas, type CompareReport, type DeltaKey } from '../core/report/compare';
import { formatFixed as fixed, formatSigned as signed } from '../core/report/format';
import { classColumnNames, type DatasetInfo, type JsonReport } from '../core/report/jsonReport';
import type { CityscapesSummary } from '../core/metrics/cityscapesScores';
import { hardestFirstWords, isOptionalMetric, metricDefinition, metricValue } from '../core/metrics/metricTable';
import { RANKING_KEYS, type RankingKey } from '../core/report/ranking';

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
  rankBy: RankingKey = 'adaptive',
): string {
  // Metrics only some predictions have (soft ones) get a column when some image has them.
  const keys = RANKING_KEYS.filter(
    (key) => !isOptionalMetric(metricDefinition(key)) || rows.some((r) => metricValue(r, key) !== null),
  );
  const header = ['image', ...keys.map((key) => metricDefinition(key).short)];
  const cell = (key: RankingKey, value: number | null): string =>
    metricDefinition(key).format === 'count' ? fixed(value, 0) : fixed(value);
  const body = rows.map((r) => [r.name, ...keys.map((key) => cell(key, metricValue(r, key)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const lines = [
    ...(info ? [info.detection] : []),
    `Hardest ${rows.length} of ${dataset.images} images by ${metricDefinition(rankBy).label.toLowerCase()} (${hardestFirstWords(rankBy)}):`,
    pad(header, widths),
    ...body.map((row) => pad(row, widths)),
    '',
  ];
  lines.push(
    `Dataset: ${dataset.images} images, pooled mIoU ${fixed(dataset.miou)}, mean per-image mIoU ${fixed(dataset.meanImageMiou)}, ` +
      `boundary mIoU ${fixed(dataset.boundaryMiou)}, pixel accuracy ${fixed(dataset.pixelAccuracy)}, ` +
      `mean CE ${fixed(dataset.meanCe)}, mean adaptive ${fixed(dataset.meanAdaptive)}, mean merge effect ${fixed(dataset.meanMergeEffect)}`,
  );
  lines.push(
    `mmseg IoUMetric: aAcc ${fixed(dataset.pixelAccuracy)}, mIoU ${fixed(dataset.miou)}, mAcc ${fixed(dataset.meanAccuracy)}, ` +
      `mDice ${fixed(dataset.meanDice)}, mFscore ${fixed(dataset.meanFscore)}, mPrecision ${fixed(dataset.meanPrecision)}, ` +
      `fwIoU ${fixed(dataset.fwIoU)}`,
  );
  if (dataset.cityscapes) lines.push(cityscapesLine(dataset.cityscapes));
  lines.push(`Compute: ${backend}, ${seconds.toFixed(2)} s`);
  for (const s of skipped) lines.push(`skipped: ${s.file} — ${s.reason}`);
  for (const s of info?.ignored ?? []) lines.push(`ignored: ${s.file} — ${s.reason}`);
  lines.push('', ...perClassTable(dataset, info?.classNames));
  return lines.join('\n') + '\n';
}

function cityscapesLine(figures: CityscapesSummary): string {
  const iIoU =
    figures.iIoUUnavailable === undefined
      ? `mean iIoU ${fixed(figures.meanIIoU)}, category iIoU ${fixed(figures.categoryIIoU)}`
      : `no iIoU: ${figures.iIoUUnavailable}`;
  return `Cityscapes: category IoU ${fixed(figures.categoryIoU)}, ${iIoU}`;
}

/**
 * The pooled figures of each class, as mmseg prints its per-class table: classes absent from both the
 * labels and the predictions (IoU undefined) are left out and counted.
 */
function perClassTable(dataset: DatasetSummary, names: readonly string[] | undefined): string[] {
  const header = ['class', 'IoU', 'Acc', 'Dice', 'BIoU', 'label px'];
  const classNames = classColumnNames(dataset.perClassIoU.length, names);
  const rows = dataset.perClassIoU.flatMap((iou, c) => {
    if (iou === null) return [];
    const labelPixels = dataset.confusion[c]!.reduce((sum, n) => sum + n, dataset.unknownPredictions[c] ?? 0);
    return [
      [
        classNames[c]!,
        fixed(iou),
        fixed(dataset.perClassAccuracy[c] ?? null),
        fixed(dataset.perClassDice[c] ?? null),
        fixed(dataset.perClassBoundaryIoU[c] ?? null),
        String(labelPixels),
      ],
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const absent = dataset.perClassIoU.length - rows.length;
  return [
    `Per class (pooled over ${dataset.images} images)${absent > 0 ? `; ${absent} of ${dataset.perClassIoU.length} classes absent from labels and predictions are left out` : ''}:`,
    pad(header, widths),
    ...rows.map((row) => pad(row, widths)),
  ];
}

function datasetLine(label: string, dataset: JsonReport['dataset'], backend: string): string {
  return (
    `${label}: ${dataset.images} images, pooled mIoU ${fixed(dataset.miou)}, mean per-image mIoU ${fixed(dataset.meanImageMiou)}, ` +
    `boundary mIoU ${fixed(dataset.boundaryMiou)}, pixel accuracy ${fixed(dataset.pixelAccuracy)}, mean CE ${fixed(dataset.meanCe)} (${backend})`
  );
}

/** `seglens compare`: worst regressions first, both datasets, per-class deltas, unmatched images. */
export function formatCompareTable(report: CompareReport, sortKey: DeltaKey, top: number, seconds: number): string {
  const header = ['image', ...DELTA_KEYS.map((key) => `Δ${metricDefinition(key).short}`)];
  const body = report.images
    .slice(0, top)
    .map((image) => [image.name, ...DELTA_KEYS.map((key) => signed(image.delta[key]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const lines = [
    `Largest ${metricDefinition(sortKey).short} regressions (B − A), ${body.length} of ${report.images.length} images in both:`,
    pad(header, widths),
    ...body.map((row) => pad(row, widths)),
    '',
    datasetLine('A', report.a.dataset, report.a.backend),
    datasetLine('B', report.b.dataset, report.b.backend),
    '',
  ];
  const deltas = perClassDeltas(report);
  const classHeader = ['class', 'IoU A', 'IoU B', 'ΔIoU', 'BIoU A', 'BIoU B', 'ΔBIoU'];
  const names = classColumnNames(
    report.a.dataset.perClassIoU.length,
    report.a.dataset.classNames ?? report.b.dataset.classNames,
  );
  const classRows = report.a.dataset.perClassIoU.flatMap((iouA, c) => {
    const iouB = report.b.dataset.perClassIoU[c] ?? null;
    if (iouA === null && iouB === null) return [];
    return [
      [
        names[c]!,
        fixed(iouA),
        fixed(iouB),
        signed(deltas.iou[c] ?? null),
        fixed(report.a.dataset.perClassBoundaryIoU[c] ?? null),
        fixed(report.b.dataset.perClassBoundaryIoU[c] ?? null),
        signed(deltas.boundaryIoU[c] ?? null),
      ],
    ];
  });
  const classWidths = classHeader.map((h, i) => Math.max(h.length, ...classRows.map((row) => row[i]!.length)));
  lines.push('Per class (pooled over the images of each run):', pad(classHeader, classWidths));
  lines.push(...classRows.map((row) => pad(row, classWidths)), '');
  if (report.onlyInA.length > 0) lines.push(`only in A: ${report.onlyInA.join(', ')}`);
  if (report.onlyInB.length > 0) lines.push(`only in B: ${report.onlyInB.join(', ')}`);
  for (const s of report.a.skipped) lines.push(`skipped in A: ${s.file} — ${s.reason}`);
  for (const s of report.b.skipped) lines.push(`skipped in B: ${s.file} — ${s.reason}`);
  lines.push(`Time: ${seconds.toFixed(2)} s`);
  return lines.join('\n') + '\n';
}
