import type { FilePair } from '../io/pairing';
import { classesPresent, denseCounts, sparseConfusion, type SparseConfusion } from '../metrics/sparseConfusion';
import type { CityscapesInstanceCounts } from '../metrics/cityscapesScores';
import type { ImageMetrics } from '../types';

/** One evaluated image as it is stored, streamed and exported: plain JSON. */
export interface ImageRecord extends Omit<ImageMetrics, 'confusion' | 'boundary'> {
  readonly name: string;
  readonly predictionFile: string;
  readonly labelFile: string;
  /** Class ids present in the label or the prediction (for filtering by class). */
  readonly classesPresent: readonly number[];
  /** Things that are legal under the spec but usually mean a wrong setting. */
  readonly warnings: readonly string[];
  readonly confusion: { readonly counts: readonly number[]; readonly unknown: readonly number[] };
  /** Per-class Boundary IoU band intersections and unions (what the dataset pools). */
  readonly boundary: { readonly intersection: readonly number[]; readonly union: readonly number[] };
  /**
   * Cityscapes runs only: the image's size-weighted instance counts for iIoU, null when its label has
   * no `_gtFine_instanceIds` file (or it could not be read: see the warnings).
   */
  readonly cityscapesInstances?: CityscapesInstanceCounts | null;
}

/** Plain arrays for JSON and structured clone; a loop, because Array.from(Float64Array) is ~3x slower. */
function plainArray(values: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) out.push(values[i]!);
  return out;
}

/**
 * A record as a worker posts it: the confusion matrix as its non-zero cells (sparseConfusion.ts) and the
 * boundary counts in typed arrays, which structured clone copies in one piece. The C x C plain numbers a
 * record exposes cost a conversion and a per-element clone (a fifth of a worker's time at 150 classes,
 * when they were sent dense), so the receiving thread builds them only when read.
 */
export interface WireRecord extends Omit<ImageRecord, 'confusion' | 'boundary'> {
  readonly confusion: SparseConfusion;
  readonly boundary: { readonly intersection: Float64Array; readonly union: Float64Array };
}

export function toWireRecord(
  pair: FilePair,
  metrics: ImageMetrics,
  warnings: readonly string[],
  cityscapesInstances?: CityscapesInstanceCounts | null,
): WireRecord {
  const { confusion, boundary, ...figures } = metrics;
  const sparse = sparseConfusion(confusion);
  return {
    name: pair.name,
    predictionFile: pair.predictionFile,
    labelFile: pair.labelFile,
    ...figures,
    classesPresent: classesPresent(sparse),
    warnings,
    confusion: sparse,
    boundary: { intersection: boundary.intersection, union: boundary.union },
    ...(cityscapesInstances !== undefined ? { cityscapesInstances } : {}),
  };
}

/** Where a lazy confusion keeps its sparse form and, once read, its dense counts: non-enumerable, so unseen. */
const SPARSE = Symbol('sparse confusion');
const DENSE = Symbol('dense counts');

interface LazyConfusion {
  readonly counts: readonly number[];
  readonly unknown: readonly number[];
  readonly [SPARSE]?: SparseConfusion;
  [DENSE]?: number[];
}

/** One getter for every lazy confusion's `counts`: the dense matrix, built on first read and kept. */
const countsProperty: PropertyDescriptor = {
  get(this: LazyConfusion): number[] {
    return (this[DENSE] ??= denseCounts(this[SPARSE]!));
  },
  enumerable: true,
  configurable: true,
};

/**
 * The record's confusion with its dense counts built on first read. A folder run reads them never: the
 * dataset sums take the sparse form, and the CLI's rows drop the matrix; the extension reads a few cells
 * of some images. `counts` is an own enumerable getter, so JSON, spread and structured clone see the
 * same plain array as before; the sparse form and the built counts are non-enumerable symbol
 * properties, which they leave out.
 *
 * Neither a getter written in the object literal (a new function for each record) nor a WeakMap from
 * confusion to sparse form (as before): in Node 24's V8 records made either way outlived the young
 * generation's collections, which grew the extension host's young generation to its maximum (8 to 32
 * MB for 100,000 records with the literal getter, to 128 MB with the WeakMap as well; 4 MB this way,
 * plain Node 24) and promoted them into the old one until the next full collection.
 */
function lazyConfusion(sparse: SparseConfusion): ImageRecord['confusion'] {
  const confusion = {} as LazyConfusion;
  Object.defineProperty(confusion, 'counts', countsProperty);
  (confusion as { unknown: readonly number[] }).unknown = plainArray(sparse.unknown);
  Object.defineProperty(confusion, SPARSE, { value: sparse });
  Object.defineProperty(confusion, DENSE, { value: undefined, writable: true });
  return confusion;
}

/** The non-zero cells of a record's confusion when it came from a worker (records read from files have none). */
export function sparseConfusionOf(record: ImageRecord): SparseConfusion | undefined {
  return (record.confusion as LazyConfusion)[SPARSE];
}

export function fromWireRecord(wire: WireRecord): ImageRecord {
  return {
    ...wire,
    confusion: lazyConfusion(wire.confusion),
    boundary: { intersection: plainArray(wire.boundary.intersection), union: plainArray(wire.boundary.union) },
  };
}

/** A record without its pooled counts: what lists, tables and exports keep once the dataset has them. */
export type ImageRow = Omit<ImageRecord, 'confusion' | 'boundary' | 'cityscapesInstances' | 'calibration'>;

export function withoutConfusion(record: ImageRecord): ImageRow {
  const {
    confusion: _confusion,
    boundary: _boundary,
    cityscapesInstances: _instances,
    calibration: _calibration,
    ...row
  } = record;
  return row;
}

export function toRecord(pair: FilePair, metrics: ImageMetrics, warnings: readonly string[]): ImageRecord {
  return fromWireRecord(toWireRecord(pair, metrics, warnings));
}
