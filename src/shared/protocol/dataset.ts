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
  readonly perClassIoU: readonly (number | null)[];
  readonly perClassBoundaryIoU: readonly (number | null)[];
  /** Pooled mIoU (summed confusion matrix). */
  readonly miou: number | null;
  /** Mean of per-image mIoU. */
  readonly meanImageMiou: number | null;
  readonly boundaryMiou: number | null;
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

/** What the dataset panel keeps with setState: the selected cell and the zoom of the matrix. */
export interface PersistedDatasetState {
  readonly version: 1;
  readonly selected: ConfusionPair | null;
  /** Side of one matrix cell in CSS pixels. */
  readonly cellSize: number;
}

export const CELL_SIZE_RANGE = { min: 2, max: 64 } as const;

function readRatioList(value: unknown, path: string, length: number): (number | null)[] {
  return readArray(value, path, length).map((entry, c) => {
    const parsed = readFiniteOrNull(entry, `${path}[${c}]`);
    if (parsed !== null && (parsed < 0 || parsed > 1)) fail(`${path}[${c}]`, 'a number in 0..1 or null');
    return parsed;
  });
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
    'perClassIoU',
    'perClassBoundaryIoU',
    'miou',
    'meanImageMiou',
    'boundaryMiou',
  ]);
  const numClasses = readInteger(record.numClasses, `${path}.numClasses`, 1, MAX_MATRIX_CLASSES);
  const confusion = readTypedArray(record.confusion, `${path}.confusion`, Float64Array, numClasses * numClasses);
  if (confusion.some((count) => !(count >= 0) || !Number.isFinite(count))) fail(`${path}.confusion`, 'counts >= 0');
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
    confusion,
    perClassIoU: readRatioList(record.perClassIoU, `${path}.perClassIoU`, numClasses),
    perClassBoundaryIoU: readRatioList(record.perClassBoundaryIoU, `${path}.perClassBoundaryIoU`, numClasses),
    miou: readRatioList([record.miou], `${path}.miou`, 1)[0] ?? null,
    meanImageMiou: readRatioList([record.meanImageMiou], `${path}.meanImageMiou`, 1)[0] ?? null,
    boundaryMiou: readRatioList([record.boundaryMiou], `${path}.boundaryMiou`, 1)[0] ?? null,
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

/** Either side: the dataset panel's saved state if well formed, else undefined. */
export function parseDatasetState(value: unknown): PersistedDatasetState | undefined {
  const result = toResult((): PersistedDatasetState => {
    const record = readRecord(value, 'state', ['version', 'selected', 'cellSize']);
    readInteger(record.version, 'state.version', 1, 1);
    return {
      version: 1,
      selected:
        record.selected === null ? null : readConfusionPair(record.selected, 'state.selected', MAX_MATRIX_CLASSES),
      cellSize: readInteger(record.cellSize, 'state.cellSize', CELL_SIZE_RANGE.min, CELL_SIZE_RANGE.max),
    };
  });
  return result.ok ? result.value : undefined;
}
