import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { AgreementRecord, AgreementSetup } from '../core/evaluate/agreeImage';
import { agreeImages } from '../core/evaluate/agreeImages';
import { agreementJobs } from '../core/evaluate/agreementJobs';
import type { SkippedFile } from '../core/io/pairing';
import { defaultMinAgree } from '../core/metrics/agreement';
import { csvCell } from '../core/report/csv';
import { formatPercent } from '../core/report/format';
import { labelIssueLines, toJsonLines } from '../core/report/labelIssues';
import type { AgreeCommand } from './args';
import { prepareFolder, type PreparedFolder } from './prepareFolder';

/** `seglens agree --json`: the images with most likely label errors first. */
export interface AgreeReport {
  readonly models: readonly string[];
  readonly minAgree: number;
  /** The dataset line of the first folder (all share the labels). */
  readonly detection: string;
  readonly images: readonly AgreementRecord[];
  readonly dataset: { readonly images: number; readonly validPixels: number; readonly likelyLabelErrorPixels: number };
  readonly skipped: readonly SkippedFile[];
}

/** Most likely label errors first; ties in name order. */
export function byLikelyLabelErrors(a: AgreementRecord, b: AgreementRecord): number {
  return b.likelyLabelErrorPixels - a.likelyLabelErrorPixels || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

async function prepareAll(command: AgreeCommand): Promise<PreparedFolder[]> {
  const folders: PreparedFolder[] = [];
  for (const dir of command.predictionDirs) folders.push(await prepareFolder(dir, command));
  const classes = folders[0]!.metric.numClasses;
  folders.forEach((folder, i) => {
    if (folder.metric.numClasses !== classes)
      throw new Error(
        `${command.predictionDirs[i]} has ${folder.metric.numClasses} classes and ${command.predictionDirs[0]} ${classes}: give --dataset or --classes`,
      );
  });
  return folders;
}

export async function agreeReport(command: AgreeCommand, signal?: AbortSignal): Promise<AgreeReport> {
  const folders = await prepareAll(command);
  const { jobs, skipped } = agreementJobs(folders.map((folder) => folder.prepared.pairing));
  const minAgree = command.minAgree ?? defaultMinAgree(folders.length);
  const setup: AgreementSetup = { models: folders.map((folder) => folder.options), minAgree };
  const images: AgreementRecord[] = [];
  const control = {
    inJobOrder: true, // skipped files listed in job order, as with --workers 0
    ...(command.workers !== undefined ? { workers: command.workers } : {}),
    ...(signal ? { signal } : {}),
  };
  for await (const outcome of agreeImages(jobs, setup, control)) {
    if (outcome.record) images.push(outcome.record);
    skipped.push(...outcome.skipped);
  }
  images.sort(byLikelyLabelErrors);
  return {
    models: command.predictionDirs,
    minAgree,
    detection: folders[0]!.info.detection,
    images,
    dataset: {
      images: images.length,
      validPixels: images.reduce((sum, r) => sum + r.validPixels, 0),
      likelyLabelErrorPixels: images.reduce((sum, r) => sum + r.likelyLabelErrorPixels, 0),
    },
    skipped,
  };
}

const CSV_HEADER = [
  'name',
  'label',
  'models',
  'valid_pixels',
  'likely_label_error_pixels',
  'likely_label_error_share',
  'region_label_class',
  'region_agreed_class',
  'region_pixels',
  'region_x',
  'region_y',
  'region_width',
  'region_height',
];

/** One row per image, with its largest region. */
export function agreeCsv(report: AgreeReport): string {
  const rows = report.images.map((r) => {
    const region = r.likelyLabelErrorRegions[0];
    return [
      r.name,
      r.labelFile,
      r.models,
      r.validPixels,
      r.likelyLabelErrorPixels,
      r.validPixels > 0 ? r.likelyLabelErrorPixels / r.validPixels : null,
      region?.labelClass ?? null,
      region?.suggestedClass ?? null,
      region?.pixels ?? null,
      region?.box.x ?? null,
      region?.box.y ?? null,
      region?.box.width ?? null,
      region?.box.height ?? null,
    ];
  });
  return [CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

function formatAgreeTable(report: AgreeReport, top: number, seconds: number): string {
  const header = ['image', 'models', 'likely errors', 'share', 'largest region (label → agreed, pixels at x,y)'];
  const body = report.images.slice(0, top).map((r) => {
    const region = r.likelyLabelErrorRegions[0];
    return [
      r.name,
      String(r.models),
      String(r.likelyLabelErrorPixels),
      formatPercent(r.validPixels > 0 ? r.likelyLabelErrorPixels / r.validPixels : null),
      region
        ? `${region.labelClass} → ${region.suggestedClass}, ${region.pixels} px at ${region.box.x},${region.box.y}`
        : '—',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const pad = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const { dataset } = report;
  const lines = [
    report.detection,
    `Likely label errors: a valid pixel where at least ${report.minAgree} of ${report.models.length} models predict the same other class.`,
    `Top ${body.length} of ${dataset.images} images:`,
    pad(header),
    ...body.map(pad),
    '',
    `Dataset: ${dataset.images} images, ${dataset.likelyLabelErrorPixels} likely label-error pixels of ${dataset.validPixels} valid (${formatPercent(
      dataset.validPixels > 0 ? dataset.likelyLabelErrorPixels / dataset.validPixels : null,
      2,
    )})`,
    `Time: ${seconds.toFixed(2)} s`,
    ...report.skipped.map((s) => `skipped: ${s.file} — ${s.reason}`),
  ];
  return lines.join('\n') + '\n';
}

export async function runAgree(command: AgreeCommand, signal?: AbortSignal): Promise<AgreeReport> {
  const started = performance.now();
  const report = await agreeReport(command, signal);
  const { output } = command;
  if (output.csv) await writeFile(output.csv, agreeCsv(report));
  if (output.labelIssues) {
    const sources = report.images.map((r) => ({
      image: r.name,
      labelFile: r.labelFile,
      predictionFiles: r.predictionFiles.filter((file): file is string => file !== null),
      regions: r.likelyLabelErrorRegions,
    }));
    await writeFile(output.labelIssues, toJsonLines(labelIssueLines(sources, 'agreement')));
  }
  process.stdout.write(
    output.json
      ? `${JSON.stringify(report)}\n`
      : formatAgreeTable(report, output.top, (performance.now() - started) / 1000),
  );
  return report;
}
