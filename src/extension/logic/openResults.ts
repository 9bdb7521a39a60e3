import { open } from 'node:fs/promises';
import * as path from 'node:path';
// The results-file module directly, not the core index: opening a file needs no image readers or TensorFlow.js.
import type { ImageRecord } from '../../core/evaluate/record';
import type { ColorTable } from '../../core/io/colorTable';
import type { SkippedFile } from '../../core/types';
import type { EngineOptions } from '../../core/io/readFiles';
import type { MetricOptions } from '../../core/options';
import {
  loadResultsFile,
  restoreColorTable,
  ResultsFileError,
  type ResultsDisplay,
  type ResultsHeader,
} from '../../core/report/resultsFile';

export { ResultsFileError };

/** Results read from a file (`seglens merge --out`, `seglens eval --out`, one part, or an export), ready to show. */
export interface OpenedResults {
  readonly header: ResultsHeader;
  readonly metric: MetricOptions;
  readonly backend: string;
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
  /** What the file says about showing them (version 3); undefined for files of earlier SegLens versions. */
  readonly display: ResultsDisplay | undefined;
  /** The engine options the numbers were computed with, as far as the file says (version 3: all of them). */
  readonly engine: Pick<EngineOptions, 'metric'> & Partial<EngineOptions>;
  readonly colorTable: ColorTable | undefined;
}

/** Larger files are refused unread (a merged JSON lines file of 100,000 VOC images is about 250 MB). */
export const MAX_RESULTS_FILE_BYTES = 1 << 30;

/** The folder of the first record, for files that do not name their folders (version 1). */
function folderOf(records: readonly ImageRecord[], key: 'predictionFile' | 'labelFile', fallback: string): string {
  const first = records[0];
  return first !== undefined ? path.dirname(first[key]) : fallback;
}

/** The first bytes, to tell a file that is not results from a damaged one. */
async function opening(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').trimStart();
  } finally {
    await handle.close();
  }
}

/** Why a file that is no results file was given, when it is one of the other files SegLens writes. */
function notResults(file: string, start: string): string | undefined {
  const name = path.basename(file);
  if (/\.csv$/i.test(file) || start.startsWith('name,prediction,'))
    return `${name} is a CSV export, for spreadsheets: open the .jsonl results file (Export Results… as JSON lines, or seglens eval/merge --out)`;
  if (start.startsWith('{"backend"'))
    return (
      `${name} is a seglens --json report, which has no per-image confusion matrices: ` +
      'open the records file instead (merged.jsonl next to it, or seglens eval/merge --out FILE.jsonl)'
    );
  if (/^\{\s*"predictionsDir"/.test(start))
    return `${name} is a JSON export of an earlier SegLens: export the results again (as .jsonl) to open them`;
  return undefined;
}

/**
 * Reads a results file for the Hard examples view: the one JSON lines format (header, image and
 * skipped lines, end line), whole and checked line by line. The folders, options, names, colours and
 * photo folders come from its header; files of earlier versions fall back to the records' folders.
 */
export async function openResultsFile(file: string): Promise<OpenedResults> {
  const start = await opening(file).catch(() => '');
  const other = notResults(file, start);
  if (other !== undefined) throw new ResultsFileError(other);
  const { header, records, skipped } = await loadResultsFile(file);
  const display = header.display;
  const colorTable = display?.colorTable ? restoreColorTable(display.colorTable) : undefined;
  return {
    header,
    metric: header.metric,
    backend: header.backend,
    predictionsDir: header.predictionsDir ?? folderOf(records, 'predictionFile', path.dirname(file)),
    labelsDir: header.labelsDir ?? folderOf(records, 'labelFile', path.dirname(file)),
    records,
    skipped,
    display,
    engine: {
      metric: header.metric,
      ...(header.read !== undefined ? { read: header.read } : {}),
      ...(header.compute !== undefined ? { compute: header.compute } : {}),
      ...(colorTable !== undefined ? { colorTable } : {}),
      ...(display?.ids ? { ids: display.ids } : {}),
    },
    colorTable,
  };
}
