/** The message contract between the extension host and the dataset panel (confusion matrix, class table). */

import {
  type ParseResult,
  fail,
  readPlainObject,
  readRecord,
  readString,
  readInteger,
  readFiniteOrNull,
  readOneOf,
  readArray,
  readArrayUpTo,
  readTypedArray,
  toResult,
} from '../validation';
import { PROTOCOL_LIMITS, readColor, readConfusionPair, readImageName, type ConfusionPair, type Rgb } from './common';

export * from './common';

// ---------------------------------------------------------------------------------------------
// Dataset panel (confusion matrix, per-class table): its own messages, checked the same way.

/** The dataset panel draws one cell per class pair; beyond this the matrix is refused, not drawn. */
export const MAX_MATRIX_CLASSES = 1024;
/** Images listed for one matrix cell (the host ranks them and sends the top ones). */
export const MAX_CELL_IMAGES = 500;

/**
 * The per-class figures the panel can show, one column of its class table each, in this order. The
 * host copies every one the dataset summary has (nested ones flattened: `cityscapes.perClassIIoU`,
 * `calibration.perClassEce`), so a new per-class figure of the engine is one row here. Every value
 * is a fraction in 0..1 or null (undefined for that class).
 */
export const DATASET_CLASS_FIGURES = [
  { key: 'perClassIoU', title: 'IoU', description: 'intersection over union: TP / (TP + FP + FN)' },
  { key: 'perClassAccuracy', title: 'Acc', description: 'accuracy as mmseg prints it: TP / label pixels (recall)' },
  { key: 'perClassPrecision', title: 'Precision', description: 'TP / pixels predicted as the class' },
  { key: 'perClassDice', title: 'Dice', description: 'Dice: 2 TP / (predicted + label pixels)' },
  { key: 'perClassFscore', title: 'F-score', description: 'F1 score of precision and recall (mmseg, β = 1)' },
  {
    key: 'perClassBoundaryIoU',
    title: 'Boundary IoU',
    description: 'IoU of the thin bands along the outlines (Cheng et al. 2021)',
  },
  {
    key: 'perClassIIoU',
    title: 'iIoU',
    description: 'instance-level IoU, as the Cityscapes evaluation script computes it',
  },
  {
    key: 'perClassEce',
    title: 'ECE',
    description: 'expected calibration error of the pixels predicted as the class (soft predictions, 15 bins)',
  },
] as const;

export type DatasetClassFigureKey = (typeof DATASET_CLASS_FIGURES)[number]['key'];

/** The dataset-wide figures of the panel's summary, in this order; one row each, like the columns above. */
export const DATASET_FIGURES = [
  { key: 'miou', title: 'mIoU (pooled)', description: 'mean over classes of the IoU of the summed confusion matrix' },
  { key: 'meanImageMiou', title: 'mIoU (mean per image)', description: 'mean over images of each image’s mIoU' },
  { key: 'pixelAccuracy', title: 'pixel accuracy (aAcc)', description: 'share of valid pixels predicted right' },
  { key: 'meanAccuracy', title: 'mAcc', description: 'mean over classes of the accuracy (mmseg)' },
  { key: 'meanPrecision', title: 'mPrecision', description: 'mean over classes of the precision (mmseg)' },
  { key: 'meanDice', title: 'mDice', description: 'mean over classes of the Dice score (mmseg)' },
  { key: 'meanFscore', title: 'mFscore', description: 'mean over classes of the F-score (mmseg)' },
  { key: 'fwIoU', title: 'fwIoU', description: 'IoU weighted by each class’s share of label pixels' },
  { key: 'boundaryMiou', title: 'Boundary mIoU (pooled)', description: 'mean over classes of the pooled Boundary IoU' },
  { key: 'categoryIoU', title: 'category IoU', description: 'Cityscapes: mean IoU of the 7 categories' },
  { key: 'meanIIoU', title: 'iIoU', description: 'Cityscapes: mean instance-level IoU of the 8 instance classes' },
  { key: 'categoryIIoU', title: 'category iIoU', description: 'Cityscapes: instance-level IoU of the categories' },
  { key: 'ece', title: 'ECE', description: 'expected calibration error (soft predictions, 15 confidence bins)' },
] as const;

export type DatasetFigureKey = (typeof DATASET_FIGURES)[number]['key'];

/** One bin of the reliability diagram (`dataset.calibration.bins` of the JSON report). */
export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  /** Pixels whose top-1 confidence falls in (lo, hi]. */
  readonly count: number;
  /** Their mean top-1 confidence; null when the bin is empty. */
  readonly confidence: number | null;
  /** The share of them whose top-1 class is the label; null when the bin is empty. */
  readonly accuracy: number | null;
}

/** Bins of a reliability diagram; Guo et al. use 15. */
export const MAX_RELIABILITY_BINS = 100;

/** Host → dataset panel: the pooled figures of the evaluated folder. */
export interface DatasetMessage {
  readonly type: 'dataset';
  /** What was evaluated, for the heading (a folder name). */
  readonly title: string;
  readonly images: number;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly classColors: readonly Rgb[];
  /** C×C pixel counts, row-major, rows = label, columns = prediction. */
  readonly confusion: Float64Array;
  /** Label pixels of each class whose predicted id is outside 0..C-1 (counted as misses, not in the matrix). */
  readonly unknownPredictions: Float64Array;
  /** The per-class figures the summary has; perClassIoU always. */
  readonly classFigures: Partial<Record<DatasetClassFigureKey, readonly (number | null)[]>>;
  /** The dataset-wide figures the summary has (null: undefined for this data). */
  readonly figures: Partial<Record<DatasetFigureKey, number | null>>;
  /** Soft predictions: the reliability diagram's bins; null for hard predictions (class maps). */
  readonly reliability: readonly ReliabilityBin[] | null;
}

/** Host → dataset panel: the images holding pixels of one cell, most such pixels first. */
export interface CellImagesMessage {
  readonly type: 'cellImages';
  readonly pair: ConfusionPair;
  readonly images: readonly { readonly name: string; readonly count: number }[];
  /** Images with at least one such pixel (the list may be cut at MAX_CELL_IMAGES). */
  readonly total: number;
}

export type HostToDatasetMessage = DatasetMessage | CellImagesMessage;

/** Dataset panel → host. None names a file: a cell, or an image name the host looks up. */
export type DatasetToHostMessage =
  | { readonly type: 'datasetReady' }
  | { readonly type: 'selectCell'; readonly pair: ConfusionPair }
  | { readonly type: 'openCellImage'; readonly pair: ConfusionPair; readonly imageName: string };

/** How the matrix orders its classes: by id, by IoU (worst first), or most confused first. */
export const MATRIX_ORDERS = ['id', 'iou', 'confusion'] as const;
export type MatrixOrder = (typeof MATRIX_ORDERS)[number];

/** The class table's sort keys: the name, a figure column, or the pixel counts. */
export const CLASS_TABLE_KEYS = [
  'id',
  'name',
  ...DATASET_CLASS_FIGURES.map((figure) => figure.key),
  'labelPixels',
  'predictedPixels',
] as const;
export type ClassTableKey = 'id' | 'name' | DatasetClassFigureKey | 'labelPixels' | 'predictedPixels';

/** What the dataset panel keeps with setState: the selected cell, the matrix's zoom and order, the table's sort. */
export interface PersistedDatasetState {
  readonly version: 1;
  readonly selected: ConfusionPair | null;
  /** Side of one matrix cell in CSS pixels; null: fitted to the panel. */
  readonly cellSize: number | null;
  readonly order: MatrixOrder;
  /** Also show the classes with no label and no predicted pixel (hidden by default). */
  readonly showEmptyClasses: boolean;
  readonly tableSort: { readonly key: ClassTableKey; readonly descending: boolean };
}

export const DEFAULT_DATASET_STATE: PersistedDatasetState = {
  version: 1,
  selected: null,
  cellSize: null,
  order: 'id',
  showEmptyClasses: false,
  tableSort: { key: 'id', descending: false },
};

export const CELL_SIZE_RANGE = { min: 2, max: 64 } as const;

function readRatioList(value: unknown, path: string, length: number): (number | null)[] {
  return readArray(value, path, length).map((entry, c) => {
    const parsed = readFiniteOrNull(entry, `${path}[${c}]`);
    if (parsed !== null && (parsed < 0 || parsed > 1)) fail(`${path}[${c}]`, 'a number in 0..1 or null');
    return parsed;
  });
}

function readRatio(value: unknown, path: string): number | null {
  return readRatioList([value], path, 1)[0] ?? null;
}

/** An object whose keys are some of `keys`, each read by `read`. */
function readSomeOf<K extends string, T>(
  value: unknown,
  path: string,
  keys: readonly K[],
  read: (entry: unknown, path: string) => T,
): Partial<Record<K, T>> {
  const record = readRecord(value, path, [], keys);
  const result: Partial<Record<K, T>> = {};
  for (const key of keys) if (key in record) result[key] = read(record[key], `${path}.${key}`);
  return result;
}

function readReliability(value: unknown, path: string): ReliabilityBin[] | null {
  if (value === null) return null;
  return readArrayUpTo(value, path, MAX_RELIABILITY_BINS).map((entry, i) => {
    const at = `${path}[${i}]`;
    const bin = readRecord(entry, at, ['lo', 'hi', 'count', 'confidence', 'accuracy']);
    const lo = readRatio(bin.lo, `${at}.lo`);
    const hi = readRatio(bin.hi, `${at}.hi`);
    if (lo === null || hi === null || !(lo < hi)) fail(`${at}`, 'lo < hi, both in 0..1');
    const count = readInteger(bin.count, `${at}.count`, 0, Number.MAX_SAFE_INTEGER);
    const confidence = readRatio(bin.confidence, `${at}.confidence`);
    const accuracy = readRatio(bin.accuracy, `${at}.accuracy`);
    if ((count === 0) !== (confidence === null) || (count === 0) !== (accuracy === null))
      fail(at, 'confidence and accuracy null exactly when the bin is empty');
    return { lo, hi, count, confidence, accuracy };
  });
}

function readCounts(value: unknown, path: string, length: number): Float64Array {
  const counts = readTypedArray(value, path, Float64Array, length);
  // A plain loop: 171 classes are 29,241 counts, checked before the panel's first frame.
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (!(count >= 0) || count === Number.POSITIVE_INFINITY) fail(path, 'counts >= 0');
  }
  return counts;
}

function readDatasetMessage(record: Record<string, unknown>): DatasetMessage {
  const path = 'dataset';
  readRecord(record, path, [
    'type',
    'title',
    'images',
    'numClasses',
    'classNames',
    'classColors',
    'confusion',
    'unknownPredictions',
    'classFigures',
    'figures',
    'reliability',
  ]);
  const numClasses = readInteger(record.numClasses, `${path}.numClasses`, 1, MAX_MATRIX_CLASSES);
  const classFigures = readSomeOf(
    record.classFigures,
    `${path}.classFigures`,
    DATASET_CLASS_FIGURES.map((figure) => figure.key),
    (entry, at) => readRatioList(entry, at, numClasses),
  );
  if (classFigures.perClassIoU === undefined) fail(`${path}.classFigures.perClassIoU`, 'the per-class IoU');
  return {
    type: 'dataset',
    title: readString(record.title, `${path}.title`, PROTOCOL_LIMITS.maxTextLength),
    images: readInteger(record.images, `${path}.images`, 0, Number.MAX_SAFE_INTEGER),
    numClasses,
    classNames: readArray(record.classNames, `${path}.classNames`, numClasses).map((name, c) =>
      readString(name, `${path}.classNames[${c}]`, PROTOCOL_LIMITS.maxClassNameLength),
    ),
    classColors: readArray(record.classColors, `${path}.classColors`, numClasses).map((color, c) =>
      readColor(color, `${path}.classColors[${c}]`),
    ),
    confusion: readCounts(record.confusion, `${path}.confusion`, numClasses * numClasses),
    unknownPredictions: readCounts(record.unknownPredictions, `${path}.unknownPredictions`, numClasses),
    classFigures,
    figures: readSomeOf(
      record.figures,
      `${path}.figures`,
      DATASET_FIGURES.map((figure) => figure.key),
      readRatio,
    ),
    reliability: readReliability(record.reliability, `${path}.reliability`),
  };
}

function readCellImagesMessage(record: Record<string, unknown>): CellImagesMessage {
  const path = 'cellImages';
  readRecord(record, path, ['type', 'pair', 'images', 'total']);
  const images = record.images;
  if (!Array.isArray(images) || images.length > MAX_CELL_IMAGES) fail(`${path}.images`, `at most ${MAX_CELL_IMAGES}`);
  return {
    type: 'cellImages',
    pair: readConfusionPair(record.pair, `${path}.pair`, MAX_MATRIX_CLASSES),
    images: images.map((entry: unknown, i) => {
      const item = readRecord(entry, `${path}.images[${i}]`, ['name', 'count']);
      return {
        name: readImageName(item.name, `${path}.images[${i}].name`),
        count: readInteger(item.count, `${path}.images[${i}].count`, 1, Number.MAX_SAFE_INTEGER),
      };
    }),
    total: readInteger(record.total, `${path}.total`, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Dataset panel side: a well-formed host message, or why not. */
export function parseHostToDatasetMessage(value: unknown): ParseResult<HostToDatasetMessage> {
  return toResult(() => {
    const record = readPlainObject(value, 'message');
    return readOneOf(record.type, 'message.type', ['dataset', 'cellImages'] as const) === 'dataset'
      ? readDatasetMessage(record)
      : readCellImagesMessage(record);
  });
}

/**
 * Host side: the dataset as JSON text, for the page's HTML (webviewHtml's embeddedJson), so a new panel
 * draws the matrix as soon as its script runs instead of after a round trip to the extension host.
 * JSON has no typed arrays: the counts go as number lists (doubles round-trip through JSON exactly).
 */
export function embeddedDatasetJson(message: DatasetMessage): string {
  return JSON.stringify({
    ...message,
    confusion: Array.from(message.confusion),
    unknownPredictions: Array.from(message.unknownPredictions),
  });
}

/**
 * Dataset panel side: the dataset written into the page (embeddedDatasetJson), checked exactly as a
 * posted one is, after its count lists are made typed arrays again.
 */
export function parseEmbeddedDataset(text: string): ParseResult<DatasetMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `embedded dataset: not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const typed = (list: unknown): unknown =>
    Array.isArray(list) && list.every((entry) => typeof entry === 'number') ? Float64Array.from(list) : list;
  const record = toResult(() => readPlainObject(value, 'embedded dataset'));
  if (!record.ok) return record;
  if (record.value.type !== 'dataset') return { ok: false, error: 'embedded dataset: expected the "dataset" message' };
  const parsed = parseHostToDatasetMessage({
    ...record.value,
    confusion: typed(record.value.confusion),
    unknownPredictions: typed(record.value.unknownPredictions),
  });
  if (!parsed.ok) return parsed;
  return parsed.value.type === 'dataset'
    ? { ok: true, value: parsed.value }
    : { ok: false, error: 'embedded dataset: expected the "dataset" message' };
}

/**
 * Host side: a well-formed dataset-panel message, or why it was refused. Class ids are checked
 * against the class count the host evaluated with.
 */
export function checkDatasetMessage(value: unknown, numClasses: number): ParseResult<DatasetToHostMessage> {
  return toResult((): DatasetToHostMessage => {
    const record = readPlainObject(value, 'message');
    switch (readOneOf(record.type, 'message.type', ['datasetReady', 'selectCell', 'openCellImage'] as const)) {
      case 'datasetReady':
        readRecord(record, 'datasetReady', ['type']);
        return { type: 'datasetReady' };
      case 'selectCell':
        readRecord(record, 'selectCell', ['type', 'pair']);
        return { type: 'selectCell', pair: readConfusionPair(record.pair, 'selectCell.pair', numClasses) };
      case 'openCellImage':
        readRecord(record, 'openCellImage', ['type', 'pair', 'imageName']);
        return {
          type: 'openCellImage',
          pair: readConfusionPair(record.pair, 'openCellImage.pair', numClasses),
          imageName: readImageName(record.imageName, 'openCellImage.imageName'),
        };
    }
  });
}

/** Either side: the dataset panel's saved state if well formed, else undefined (fields added later default). */
export function parseDatasetState(value: unknown): PersistedDatasetState | undefined {
  const result = toResult((): PersistedDatasetState => {
    const record = readRecord(
      value,
      'state',
      ['version', 'selected', 'cellSize'],
      ['order', 'showEmptyClasses', 'tableSort'],
    );
    readInteger(record.version, 'state.version', 1, 1);
    const defaults = DEFAULT_DATASET_STATE;
    let tableSort = defaults.tableSort;
    if (record.tableSort !== undefined) {
      const sort = readRecord(record.tableSort, 'state.tableSort', ['key', 'descending']);
      if (typeof sort.descending !== 'boolean') fail('state.tableSort.descending', 'true or false');
      tableSort = { key: readOneOf(sort.key, 'state.tableSort.key', CLASS_TABLE_KEYS), descending: sort.descending };
    }
    if (record.showEmptyClasses !== undefined && typeof record.showEmptyClasses !== 'boolean')
      fail('state.showEmptyClasses', 'true or false');
    return {
      version: 1,
      selected:
        record.selected === null ? null : readConfusionPair(record.selected, 'state.selected', MAX_MATRIX_CLASSES),
      cellSize:
        record.cellSize === null
          ? null
          : readInteger(record.cellSize, 'state.cellSize', CELL_SIZE_RANGE.min, CELL_SIZE_RANGE.max),
      order: record.order === undefined ? defaults.order : readOneOf(record.order, 'state.order', MATRIX_ORDERS),
      showEmptyClasses: record.showEmptyClasses ?? defaults.showEmptyClasses,
      tableSort,
    };
  });
  return result.ok ? result.value : undefined;
}
