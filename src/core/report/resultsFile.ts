import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { IdMapping } from '../datasets/idMap';
import type { ImageRecord } from '../evaluate/record';
import { AtomicFile, AtomicFileError } from '../io/atomicFile';
import { IMAGE_METRICS, isOptionalMetric, type MetricDefinition } from '../metrics/metricTable';
import { packRgb, type ColorTable } from '../io/colorTable';
import type { SkippedFile } from '../types';
import type { EngineOptions } from '../io/readFiles';
import {
  OptionsError,
  optionsRecord,
  validateMetricOptions,
  type MetricOptions,
  type OptionsRecord,
  type ReadOptions,
} from '../options';
import {
  fail,
  readArrayUpTo,
  readFiniteOrNull,
  readInteger,
  readNullableNumberArray,
  readNumberArray,
  readOneOf,
  readPlainObject,
  readString,
  ValidationError,
} from '../validation';
import type { DatasetInfo } from './jsonReport';
import { lineBatches } from '../io/lineBatches';

/**
 * THE SegLens results file (`.jsonl`): what a shard writes as its part, what `seglens merge --out` and
 * `seglens eval --out` write, and what the extension's *Export Results…* writes and *Open Results…*
 * reads. JSON lines: one header, one line per image or skipped file, then an end line that counts
 * them, so a file cut short is told from a whole one. The header (version 3) carries everything needed
 * to show the results again: the options, the dataset's name, class names, colour table and id mapping,
 * the folders and where the photos are.
 */
export const RESULTS_VERSION = 3;

/** A colour table as the header stores it: `colorIds` is `[packed 0xRRGGBB, class id]`, void colours too. */
export interface StoredColorTable {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly classColors: readonly (readonly [number, number, number])[];
  readonly colorIds: readonly (readonly [number, number])[];
}

/** How to show the results (version 3): names, colours and photos, as the run that wrote them had them. */
export interface ResultsDisplay {
  readonly classNames: readonly string[];
  /** The table colour-coded files were read with (and the classes are drawn in); null: palette indices. */
  readonly colorTable: StoredColorTable | null;
  /** The dataset's id mapping (label ids → train ids), null when files hold train ids. */
  readonly ids: IdMapping | null;
  /** Folders searched for each image's photo, resolved. */
  readonly photosFolders: readonly string[];
  /** The dataset's own photo folder names (a dataset JSON's `imageFolders`), looked for near the labels. */
  readonly photoFolderNames: readonly string[];
}

export interface ResultsHeader {
  readonly type: 'header';
  /** 1: no run hash, no end line; 2: both; 3: also read options, compute and `display`. */
  readonly version: 1 | 2 | 3;
  /** `i/n`: this file is shard i of n (`0/1`: a whole run). */
  readonly shard: string;
  /** optionsIdentity of the options plus the two folders: parts of one run share it. */
  readonly run?: string;
  readonly backend: string;
  readonly metric: MetricOptions;
  readonly read?: ReadOptions;
  readonly compute?: 'exact' | 'tensor';
  /** The option table's record of every option that changes a number (version 3; for people and tools). */
  readonly options?: OptionsRecord;
  /** The folders evaluated, resolved, so results can be opened where they are. */
  readonly predictionsDir?: string;
  readonly labelsDir?: string;
  /** What the dataset detection found (the same in every part: it looks at whole folders). */
  readonly info?: DatasetInfo;
  readonly display?: ResultsDisplay;
}

export type ResultsLine =
  | ResultsHeader
  | { readonly type: 'image'; readonly record: ImageRecord }
  | { readonly type: 'skipped'; readonly skipped: SkippedFile }
  | { readonly type: 'end'; readonly images: number; readonly skipped: number };

/** A results file that cannot be read or is not whole; the message names the file and, when known, the line. */
export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

const MAX_TEXT = 1 << 16;
const MAX_CLASSES = 65535;
const MAX_LIST = 1 << 20;

// ---------------------------------------------------------------------------------------------------
// Colour tables

export function storeColorTable(table: ColorTable): StoredColorTable {
  return {
    name: table.name,
    classNames: table.classNames,
    classColors: table.classColors,
    colorIds: [...table.idOfColor].sort((a, b) => a[0] - b[0]),
  };
}

export function restoreColorTable(stored: StoredColorTable): ColorTable {
  return {
    name: stored.name,
    classNames: stored.classNames,
    classColors: stored.classColors,
    idOfColor: new Map(stored.colorIds.map(([rgb, id]) => [rgb, id])),
  };
}

// ---------------------------------------------------------------------------------------------------
// Validation: every line is checked before anything trusts it.

function readRgb(value: unknown, path: string): [number, number, number] {
  const rgb = readNumberArray(value, path, 3);
  rgb.forEach((channel, i) => readInteger(channel, `${path}[${i}]`, 0, 255));
  return [rgb[0]!, rgb[1]!, rgb[2]!];
}

function readStringList(value: unknown, path: string): readonly string[] {
  return readArrayUpTo(value, path, MAX_CLASSES).map((item, i) => readString(item, `${path}[${i}]`, MAX_TEXT));
}

function readStoredColorTable(value: unknown, path: string): StoredColorTable {
  const table = readPlainObject(value, path);
  const colorIds = readArrayUpTo(table['colorIds'], `${path}.colorIds`, 1 << 24).map((pair, i) => {
    const [rgb, id] = readNumberArray(pair, `${path}.colorIds[${i}]`, 2);
    readInteger(rgb, `${path}.colorIds[${i}][0]`, 0, packRgb(255, 255, 255));
    readInteger(id, `${path}.colorIds[${i}][1]`, 0, MAX_CLASSES);
    return [rgb!, id!] as const;
  });
  return {
    name: readString(table['name'], `${path}.name`, MAX_TEXT),
    classNames: readStringList(table['classNames'], `${path}.classNames`),
    classColors: readArrayUpTo(table['classColors'], `${path}.classColors`, MAX_CLASSES).map((rgb, i) =>
      readRgb(rgb, `${path}.classColors[${i}]`),
    ),
    colorIds,
  };
}

function readIdMapping(value: unknown, path: string): IdMapping {
  const ids = readPlainObject(value, path);
  const labelToTrain =
    ids['labelToTrain'] === undefined
      ? undefined
      : readNumberArray(ids['labelToTrain'], `${path}.labelToTrain`).map((id, i) =>
          readInteger(id, `${path}.labelToTrain[${i}]`, 0, MAX_CLASSES),
        );
  return {
    ...(labelToTrain !== undefined ? { labelToTrain } : {}),
    ignoreIndex: readInteger(ids['ignoreIndex'], `${path}.ignoreIndex`, 0, MAX_CLASSES),
    labelIds: readOneOf(ids['labelIds'], `${path}.labelIds`, ['train', 'label'] as const),
    predictionIds: readOneOf(ids['predictionIds'], `${path}.predictionIds`, ['train', 'label'] as const),
  };
}

function readSkipped(value: unknown, path: string): SkippedFile {
  const skipped = readPlainObject(value, path);
  return {
    file: readString(skipped['file'], `${path}.file`, MAX_TEXT),
    reason: readString(skipped['reason'], `${path}.reason`, MAX_TEXT),
  };
}

function readMetric(value: unknown, path: string): MetricOptions {
  const metric = readPlainObject(value, path) as unknown as MetricOptions;
  readInteger(metric.numClasses, `${path}.numClasses`, 2, MAX_CLASSES);
  readInteger(metric.ignoreIndex, `${path}.ignoreIndex`, 0, MAX_CLASSES);
  readNumberArray(metric.scales, `${path}.scales`);
  if (typeof metric.hardEpsilon !== 'number') fail(`${path}.hardEpsilon`, 'a number');
  try {
    return validateMetricOptions(metric);
  } catch (error) {
    if (error instanceof OptionsError) throw new ValidationError(`${path}: ${error.message}`);
    throw error;
  }
}

function readReadOptions(value: unknown, path: string): ReadOptions {
  const read = readPlainObject(value, path);
  const maxMegapixels = read['maxMegapixels'];
  if (typeof maxMegapixels !== 'number' || !(maxMegapixels > 0)) fail(`${path}.maxMegapixels`, 'a positive number');
  return {
    softValues: readOneOf(read['softValues'], `${path}.softValues`, ['auto', 'logits', 'probabilities'] as const),
    softLayout: readOneOf(read['softLayout'], `${path}.softLayout`, ['auto', 'hwc', 'chw'] as const),
    maxMegapixels,
  };
}

function readInfo(value: unknown, path: string): DatasetInfo {
  const info = readPlainObject(value, path);
  return {
    preset: info['preset'] === null ? null : readString(info['preset'], `${path}.preset`, MAX_TEXT),
    predictionIds: readOneOf(info['predictionIds'], `${path}.predictionIds`, ['train', 'label'] as const),
    detection: readString(info['detection'], `${path}.detection`, MAX_TEXT),
    ignored: readArrayUpTo(info['ignored'], `${path}.ignored`, MAX_LIST).map((s, i) =>
      readSkipped(s, `${path}.ignored[${i}]`),
    ),
    // Parts written before class names were kept have none.
    ...(info['classNames'] !== undefined
      ? { classNames: readStringList(info['classNames'], `${path}.classNames`) }
      : {}),
  };
}

function readDisplay(value: unknown, path: string): ResultsDisplay {
  const display = readPlainObject(value, path);
  return {
    classNames: readStringList(display['classNames'], `${path}.classNames`),
    colorTable:
      display['colorTable'] === null ? null : readStoredColorTable(display['colorTable'], `${path}.colorTable`),
    ids: display['ids'] === null ? null : readIdMapping(display['ids'], `${path}.ids`),
    photosFolders: readStringList(display['photosFolders'], `${path}.photosFolders`),
    photoFolderNames: readStringList(display['photoFolderNames'], `${path}.photoFolderNames`),
  };
}

const optional = <T>(value: unknown, read: (value: unknown) => T): T | undefined =>
  value === undefined ? undefined : read(value);

/** A header line: version 1 and 2 (earlier SegLens) are read as they are, version 3 in full. */
export function readResultsHeader(value: unknown, path: string): ResultsHeader {
  const line = readPlainObject(value, path);
  if (line['type'] !== 'header') fail(`${path}.type`, '"header" (a results file starts with its header line)');
  const version = readInteger(line['version'], `${path}.version`, 1, RESULTS_VERSION) as 1 | 2 | 3;
  const shard = readString(line['shard'], `${path}.shard`, 64);
  if (!/^\d+\/\d+$/.test(shard)) fail(`${path}.shard`, 'i/n');
  const run = version >= 2 ? readString(line['run'], `${path}.run`, 256) : undefined;
  const header: ResultsHeader = {
    type: 'header',
    version,
    shard,
    ...(run !== undefined ? { run } : {}),
    backend: line['backend'] === undefined ? 'unknown' : readString(line['backend'], `${path}.backend`, MAX_TEXT),
    metric: readMetric(line['metric'], `${path}.metric`),
  };
  const read = optional(line['read'], (v) => readReadOptions(v, `${path}.read`));
  const compute = optional(line['compute'], (v) => readOneOf(v, `${path}.compute`, ['exact', 'tensor'] as const));
  // The record is derived from metric, read and compute (which are checked); it is kept as written.
  const options = optional(line['options'], (v) => readPlainObject(v, `${path}.options`) as unknown as OptionsRecord);
  const predictionsDir = optional(line['predictionsDir'], (v) => readString(v, `${path}.predictionsDir`, MAX_TEXT));
  const labelsDir = optional(line['labelsDir'], (v) => readString(v, `${path}.labelsDir`, MAX_TEXT));
  const info = optional(line['info'], (v) => readInfo(v, `${path}.info`));
  const display = optional(line['display'], (v) => readDisplay(v, `${path}.display`));
  if (version === 3 && (read === undefined || display === undefined)) fail(path, 'read and display (version 3)');
  return {
    ...header,
    ...(read !== undefined ? { read } : {}),
    ...(compute !== undefined ? { compute } : {}),
    ...(options !== undefined ? { options } : {}),
    ...(predictionsDir !== undefined ? { predictionsDir } : {}),
    ...(labelsDir !== undefined ? { labelsDir } : {}),
    ...(info !== undefined ? { info } : {}),
    ...(display !== undefined ? { display } : {}),
  };
}

function readHotSpot(value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  const spot = readPlainObject(value, path);
  for (const key of ['scale', 'classId', 'effect', 'share', 'pixels', 'windows'])
    readFiniteOrNull(spot[key] ?? 'missing', `${path}.${key}`);
  const box = readPlainObject(spot['box'], `${path}.box`);
  for (const key of ['x', 'y', 'width', 'height']) readFiniteOrNull(box[key] ?? 'missing', `${path}.box.${key}`);
}

/** One figure of the metric table in the table's shape (an optional one may be absent). */
function readMetricValue(
  record: Record<string, unknown>,
  metric: MetricDefinition,
  path: string,
  numClasses: number | undefined,
): void {
  const value = record[metric.key];
  const where = `${path}.${metric.key}`;
  if (value === undefined && isOptionalMetric(metric)) return;
  if (metric.shape === 'value') readFiniteOrNull(value, where);
  else if (metric.shape === 'perClass') readNullableNumberArray(value, where, numClasses);
  else for (const [k, loss] of Object.entries(readPlainObject(value, where))) readFiniteOrNull(loss, `${where}.${k}`);
}

/**
 * One image record as SegLens wrote it: every figure of the right type, and, when `numClasses` is
 * given, a C×C confusion matrix and C-long per-class lists (what the dataset figures are summed from).
 * Fields beyond these are kept as they are (a later SegLens may add figures). The result cache reads
 * its records with this too.
 */
export function readImageRecord(value: unknown, path: string, numClasses?: number): ImageRecord {
  const record = readPlainObject(value, path);
  readString(record['name'], `${path}.name`, MAX_TEXT);
  readString(record['predictionFile'], `${path}.predictionFile`, MAX_TEXT);
  readString(record['labelFile'], `${path}.labelFile`, MAX_TEXT);
  for (const key of ['width', 'height', 'validPixels'])
    readInteger(record[key], `${path}.${key}`, 0, Number.MAX_SAFE_INTEGER);
  for (const metric of IMAGE_METRICS) readMetricValue(record, metric, path, numClasses);
  readNumberArray(record['classesPresent'], `${path}.classesPresent`);
  readArrayUpTo(record['warnings'], `${path}.warnings`, MAX_LIST).forEach((w, i) =>
    readString(w, `${path}.warnings[${i}]`, MAX_TEXT),
  );
  readHotSpot(record['largestHotSpot'], `${path}.largestHotSpot`);
  const confusion = readPlainObject(record['confusion'], `${path}.confusion`);
  readNumberArray(confusion['counts'], `${path}.confusion.counts`, numClasses && numClasses * numClasses);
  readNumberArray(confusion['unknown'], `${path}.confusion.unknown`, numClasses);
  const boundary = readPlainObject(record['boundary'], `${path}.boundary`);
  readNumberArray(boundary['intersection'], `${path}.boundary.intersection`, numClasses);
  readNumberArray(boundary['union'], `${path}.boundary.union`, numClasses);
  return record as unknown as ImageRecord;
}

/** True when `value` is a whole image record (any class count). */
export function isImageRecord(value: unknown): value is ImageRecord {
  try {
    readImageRecord(value, 'record');
    return true;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
}

/** One line after the header, checked against it. */
export function readBodyLine(value: unknown, path: string, header: ResultsHeader): ResultsLine {
  const line = readPlainObject(value, path);
  switch (line['type']) {
    case 'image':
      return { type: 'image', record: readImageRecord(line['record'], `${path}.record`, header.metric.numClasses) };
    case 'skipped':
      return { type: 'skipped', skipped: readSkipped(line['skipped'], `${path}.skipped`) };
    case 'end':
      return {
        type: 'end',
        images: readInteger(line['images'], `${path}.images`, 0, Number.MAX_SAFE_INTEGER),
        skipped: readInteger(line['skipped'], `${path}.skipped`, 0, Number.MAX_SAFE_INTEGER),
      };
    case 'header':
      throw new ValidationError(`${path}: a second header line`);
    default:
      return fail(`${path}.type`, 'header, image, skipped or end (not a SegLens results line)');
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** What a reader is handed, line by line, in file order; any of them may throw to stop the read. */
export interface ResultsVisitor {
  header?(header: ResultsHeader): void;
  /** `text` is the line as the file holds it (checked), for copying it unchanged. */
  image?(record: ImageRecord, where: string, text: string): void | Promise<void>;
  skipped?(skipped: SkippedFile, where: string): void | Promise<void>;
}

export interface ResultsCounts {
  readonly header: ResultsHeader;
  readonly images: number;
  readonly skipped: number;
}

export function refuse(file: string, lineNumber: number | undefined, message: string): never {
  throw new ResultsFileError(`${file}${lineNumber !== undefined ? `:${lineNumber}` : ''}: ${message}`);
}

export const NOT_A_JSON_LINE = 'not a JSON line (not a SegLens results file, or one cut short or damaged)';
export const AFTER_THE_END = 'lines after the end line';

function parseJsonLine(text: string, file: string, lineNumber: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return refuse(file, lineNumber, NOT_A_JSON_LINE);
  }
}

/** Any error of a read as a ResultsFileError naming the file (and the line, for what is wrong in it). */
export function asResultsError(error: unknown, file: string, lineNumber?: number): never {
  if (error instanceof ResultsFileError) throw error;
  if (error instanceof ValidationError) refuse(file, lineNumber, error.message);
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') refuse(file, undefined, `cannot read (${code})`);
  throw error;
}

/**
 * Streams a results file through `visit` in bounded memory, checking every line: a line that is not
 * JSON or not a SegLens line, a second header, lines after the end line, a version 2/3 file without
 * its end line (cut short) or whose end line miscounts are refused, naming the file and the line.
 */
export async function readResultsFile(file: string, visit: ResultsVisitor = {}): Promise<ResultsCounts> {
  let header: ResultsHeader | undefined;
  let ended: EndLine | undefined;
  let images = 0;
  let skipped = 0;
  let lineNumber = 0;
  try {
    for await (const batch of lineBatches(file))
      for (const text of batch) {
        lineNumber++;
        if (text.trim() === '') continue;
        if (ended !== undefined) refuse(file, lineNumber, AFTER_THE_END);
        const value = parseJsonLine(text, file, lineNumber);
        if (header === undefined) {
          header = readResultsHeader(value, 'header');
          visit.header?.(header);
          continue;
        }
        const line = readBodyLine(value, 'line', header);
        if (line.type === 'image') {
          images++;
          await visit.image?.(line.record, `${file}:${lineNumber}`, text);
        } else if (line.type === 'skipped') {
          skipped++;
          await visit.skipped?.(line.skipped, `${file}:${lineNumber}`);
        } else if (line.type === 'end') ended = { images: line.images, skipped: line.skipped, line: lineNumber };
      }
  } catch (error) {
    asResultsError(error, file, lineNumber);
  }
  checkWholeFile(file, header, ended, images, skipped);
  return { header, images, skipped };
}

/** Where a file's end line is and what it counts. */
export interface EndLine {
  readonly images: number;
  readonly skipped: number;
  readonly line: number;
}

/**
 * The checks of a file read to its end: it had a header, a version 2/3 file has its end line (else it
 * was cut short), and the end line counts what the file holds.
 */
export function checkWholeFile(
  file: string,
  header: ResultsHeader | undefined,
  ended: EndLine | undefined,
  images: number,
  skipped: number,
): asserts header is ResultsHeader {
  if (header === undefined) refuse(file, undefined, 'empty, or not a SegLens results file');
  if (header.version >= 2 && ended === undefined)
    refuse(
      file,
      undefined,
      `cut short (no end line); ${header.shard === '0/1' ? 'write it' : `run shard ${header.shard}`} again`,
    );
  if (ended !== undefined && (ended.images !== images || ended.skipped !== skipped))
    refuse(
      file,
      ended.line,
      `the end line counts ${ended.images} images and ${ended.skipped} skipped, the file holds ${images} and ${skipped}`,
    );
}

/** The header line alone (the first line), without reading the rest: what merge plans with. */
export async function readHeaderOf(file: string): Promise<ResultsHeader> {
  const lines = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      return readResultsHeader(parseJsonLine(text, file, lineNumber), 'header');
    }
  } catch (error) {
    asResultsError(error, file, lineNumber);
  } finally {
    lines.close();
  }
  return refuse(file, undefined, 'empty, or not a SegLens results file');
}

/** A whole results file in memory (what Open Results shows). */
export interface ResultsContents {
  readonly header: ResultsHeader;
  readonly records: ImageRecord[];
  readonly skipped: SkippedFile[];
}

/** Reads a results file whole; an image listed twice is refused. */
export async function loadResultsFile(file: string): Promise<ResultsContents> {
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  const names = new Set<string>();
  const { header } = await readResultsFile(file, {
    image(record, where) {
      if (names.has(record.name)) throw new ResultsFileError(`${where}: image ${record.name} is listed twice`);
      names.add(record.name);
      records.push(record);
    },
    skipped(entry) {
      skipped.push(entry);
    },
  });
  return { header, records, skipped };
}

// ---------------------------------------------------------------------------------------------------
// Writing

/** The header of a run's results, built from the options it ran with (the one place a header is made). */
export function resultsHeader(fields: {
  readonly shard: string;
  readonly run: string;
  readonly backend: string;
  readonly engine: EngineOptions;
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly info?: DatasetInfo;
  readonly classNames: readonly string[];
  readonly photosFolders?: readonly string[];
  readonly photoFolderNames?: readonly string[];
}): ResultsHeader {
  const { engine } = fields;
  return {
    type: 'header',
    version: RESULTS_VERSION,
    shard: fields.shard,
    run: fields.run,
    backend: fields.backend,
    metric: engine.metric,
    read: engine.read,
    compute: engine.compute ?? 'exact',
    options: optionsRecord(engine),
    predictionsDir: resolve(fields.predictionsDir),
    labelsDir: resolve(fields.labelsDir),
    ...(fields.info !== undefined ? { info: fields.info } : {}),
    display: {
      classNames: fields.classNames,
      colorTable: engine.colorTable !== undefined ? storeColorTable(engine.colorTable) : null,
      ids: engine.ids ?? null,
      photosFolders: (fields.photosFolders ?? []).map((folder) => resolve(folder)),
      photoFolderNames: fields.photoFolderNames ?? [],
    },
  };
}

export function resultsLine(line: ResultsLine): string {
  return `${JSON.stringify(line)}\n`;
}

/**
 * Writes a results file through a temporary file renamed into place by `commit` after the end line
 * (AtomicFile): a file is replaced whole, and a run that fails, is cancelled or is killed leaves none.
 */
export class ResultsWriter {
  private images = 0;
  private skippedCount = 0;

  private constructor(private readonly out: AtomicFile) {}

  get file(): string {
    return this.out.file;
  }

  static open(file: string, header: ResultsHeader): ResultsWriter {
    const writer = new ResultsWriter(AtomicFile.open(file));
    void writer.out.write(resultsLine(header));
    return writer;
  }

  async addImage(record: ImageRecord): Promise<void> {
    this.images++;
    await this.out.write(resultsLine({ type: 'image', record }));
  }

  /**
   * Lines already read, checked and written out (a merge's worker threads hand them over as bytes):
   * `images` image lines and `skipped` skipped lines.
   */
  async addCheckedLines(bytes: Uint8Array, images: number, skipped: number): Promise<void> {
    this.images += images;
    this.skippedCount += skipped;
    await this.out.write(bytes);
  }

  async addSkipped(skipped: SkippedFile): Promise<void> {
    this.skippedCount++;
    await this.out.write(resultsLine({ type: 'skipped', skipped }));
  }

  async commit(): Promise<void> {
    await this.out.write(resultsLine({ type: 'end', images: this.images, skipped: this.skippedCount }));
    try {
      await this.out.commit();
    } catch (error) {
      if (error instanceof AtomicFileError) throw new ResultsFileError(error.message);
      throw error;
    }
  }

  async discard(): Promise<void> {
    await this.out.discard();
  }
}
