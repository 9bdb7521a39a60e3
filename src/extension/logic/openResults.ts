import * as path from 'node:path';
import type { ImageRecord, MetricOptions, SkippedFile } from '../../core';
import { isImageRecord } from './resultCache';

/** Results read from a file: a merged cluster run (`seglens merge --out`), one part, or a JSON export. */
export interface OpenedResults {
  readonly metric: MetricOptions;
  readonly backend: string;
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
}

/** Larger files are refused unread (a merged JSON lines file of 100,000 VOC images is about 250 MB). */
export const MAX_RESULTS_FILE_BYTES = 1 << 30;

export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isMetric(value: unknown): value is MetricOptions {
  return (
    isObject(value) &&
    Number.isInteger(value['numClasses']) &&
    (value['numClasses'] as number) >= 2 &&
    (value['numClasses'] as number) <= 65535 &&
    Number.isInteger(value['ignoreIndex']) &&
    Array.isArray(value['scales']) &&
    value['scales'].every((k) => Number.isInteger(k)) &&
    typeof value['hardEpsilon'] === 'number'
  );
}

function isSkipped(value: unknown): value is SkippedFile {
  return isObject(value) && typeof value['file'] === 'string' && typeof value['reason'] === 'string';
}

/** A record whose confusion matrix is C×C: the store sums them into the dataset summary. */
function checkRecord(value: unknown, numClasses: number, where: string): ImageRecord {
  if (!isImageRecord(value)) throw new ResultsFileError(`${where}: not a SegLens image record`);
  if (value.confusion.counts.length !== numClasses * numClasses || value.confusion.unknown.length !== numClasses)
    throw new ResultsFileError(`${where}: ${value.name}'s confusion matrix is not ${numClasses}×${numClasses}`);
  return value;
}

/** The folder of the first record, for files that do not name their folders. */
function folderOf(records: readonly ImageRecord[], key: 'predictionFile' | 'labelFile', fallback: string): string {
  const first = records[0];
  return first !== undefined ? path.dirname(first[key]) : fallback;
}

function parseJsonLines(text: string, file: string): OpenedResults {
  let header: Record<string, unknown> | undefined;
  let ended = false;
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  const names = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where = `${path.basename(file)}:${i + 1}`;
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      throw new ResultsFileError(`${where}: not a JSON line`);
    }
    if (!isObject(line)) throw new ResultsFileError(`${where}: not a SegLens result line`);
    if (ended) throw new ResultsFileError(`${where}: lines after the end line`);
    if (header === undefined) {
      if (line['type'] !== 'header' || !isMetric(line['metric']))
        throw new ResultsFileError(`${where}: a SegLens results file starts with its header line`);
      header = line;
    } else if (line['type'] === 'image') {
      const record = checkRecord(line['record'], (header['metric'] as MetricOptions).numClasses, where);
      if (names.has(record.name)) throw new ResultsFileError(`${where}: image ${record.name} is listed twice`);
      names.add(record.name);
      records.push(record);
    } else if (line['type'] === 'skipped' && isSkipped(line['skipped'])) skipped.push(line['skipped']);
    else if (line['type'] === 'end') ended = true;
    else throw new ResultsFileError(`${where}: not a SegLens result line`);
  }
  if (header === undefined) throw new ResultsFileError(`${path.basename(file)}: empty`);
  if (header['version'] === 2 && !ended) throw new ResultsFileError(`${path.basename(file)}: cut short (no end line)`);
  const folder = (key: 'predictionsDir' | 'labelsDir', recordKey: 'predictionFile' | 'labelFile'): string =>
    typeof header[key] === 'string' ? header[key] : folderOf(records, recordKey, path.dirname(file));
  return {
    metric: header['metric'] as MetricOptions,
    backend: typeof header['backend'] === 'string' ? header['backend'] : 'unknown',
    predictionsDir: folder('predictionsDir', 'predictionFile'),
    labelsDir: folder('labelsDir', 'labelFile'),
    records,
    skipped,
  };
}

/** The extension's own JSON export: `{predictionsDir, labelsDir, options: {metric, …}, summary, images, skipped}`. */
function parseExport(value: Record<string, unknown>, file: string): OpenedResults {
  const name = path.basename(file);
  const options = value['options'];
  const metric = isObject(options) ? options['metric'] : undefined;
  if (!isMetric(metric) || !Array.isArray(value['images']))
    throw new ResultsFileError(`${name}: not a SegLens export (no options.metric or images)`);
  const records = value['images'].map((record, i) => checkRecord(record, metric.numClasses, `${name}: images[${i}]`));
  const skipped = Array.isArray(value['skipped']) ? value['skipped'].filter(isSkipped) : [];
  return {
    metric,
    backend: 'exported results',
    predictionsDir:
      typeof value['predictionsDir'] === 'string'
        ? value['predictionsDir']
        : folderOf(records, 'predictionFile', path.dirname(file)),
    labelsDir:
      typeof value['labelsDir'] === 'string' ? value['labelsDir'] : folderOf(records, 'labelFile', path.dirname(file)),
    records,
    skipped,
  };
}

/**
 * Reads a results file for the Hard examples view: JSON lines as `seglens merge --out` or
 * `seglens eval --out` write them (header, image and skipped lines, end line), or the JSON that
 * *Export Results…* writes. The CLI's `--json` report is refused with a pointer to the records file,
 * since it keeps no per-image confusion matrices and the view's dataset figures are summed from them.
 */
export function parseResultsFile(text: string, file: string): OpenedResults {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{"type"')) return parseJsonLines(text, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ResultsFileError(`${path.basename(file)}: neither SegLens JSON lines nor a SegLens JSON export`);
  }
  if (!isObject(value)) throw new ResultsFileError(`${path.basename(file)}: not a SegLens results file`);
  if ('dataset' in value && 'backend' in value && Array.isArray(value['images']))
    throw new ResultsFileError(
      `${path.basename(file)} is a seglens --json report, which has no per-image confusion matrices: ` +
        'open the records file instead (merged.jsonl next to it, or seglens eval/merge --out FILE.jsonl)',
    );
  return parseExport(value, file);
}
