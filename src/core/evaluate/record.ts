import type { FilePair } from '../io/pairing';
import type { ConfusionMatrix, ImageMetrics } from '../types';

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
}

/** Plain arrays for JSON and structured clone; a loop, because Array.from(Float64Array) is ~3x slower (C x C values). */
function plainArray(values: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) out.push(values[i]!);
  return out;
}

export function serializeConfusion(matrix: ConfusionMatrix): ImageRecord['confusion'] {
  return { counts: plainArray(matrix.counts), unknown: plainArray(matrix.unknown) };
}

export function classesPresent(matrix: ConfusionMatrix): number[] {
  const n = matrix.numClasses;
  const present: number[] = [];
  for (let c = 0; c < n; c++) {
    let total = matrix.unknown[c]!;
    for (let j = 0; j < n; j++) total += matrix.counts[c * n + j]! + matrix.counts[j * n + c]!;
    if (total > 0) present.push(c);
  }
  return present;
}

/**
 * A record as a worker posts it: the confusion matrix (and the boundary counts) still in typed arrays,
 * which structured clone copies in one piece, where C x C plain numbers cost the worker a conversion and
 * a per-element clone (a fifth of its time at 150 classes). The receiving thread turns it into an
 * ImageRecord.
 */
export interface WireRecord extends Omit<ImageRecord, 'confusion' | 'boundary'> {
  readonly confusion: { readonly counts: Float64Array; readonly unknown: Float64Array };
  readonly boundary: { readonly intersection: Float64Array; readonly union: Float64Array };
}

export function toWireRecord(pair: FilePair, metrics: ImageMetrics, warnings: readonly string[]): WireRecord {
  const { confusion, boundary, ...figures } = metrics;
  return {
    name: pair.name,
    predictionFile: pair.predictionFile,
    labelFile: pair.labelFile,
    ...figures,
    classesPresent: classesPresent(confusion),
    warnings,
    confusion: { counts: confusion.counts, unknown: confusion.unknown },
    boundary: { intersection: boundary.intersection, union: boundary.union },
  };
}

export function fromWireRecord(wire: WireRecord): ImageRecord {
  return {
    ...wire,
    confusion: { counts: plainArray(wire.confusion.counts), unknown: plainArray(wire.confusion.unknown) },
    boundary: { intersection: plainArray(wire.boundary.intersection), union: plainArray(wire.boundary.union) },
  };
}

/** A record without its pooled counts: what lists, tables and exports keep once the dataset has them. */
export type ImageRow = Omit<ImageRecord, 'confusion' | 'boundary'>;

export function withoutConfusion(record: ImageRecord): ImageRow {
  const { confusion: _confusion, boundary: _boundary, ...row } = record;
  return row;
}

export function toRecord(pair: FilePair, metrics: ImageMetrics, warnings: readonly string[]): ImageRecord {
  return fromWireRecord(toWireRecord(pair, metrics, warnings));
}
