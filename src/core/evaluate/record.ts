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

export function serializeConfusion(matrix: ConfusionMatrix): ImageRecord['confusion'] {
  return { counts: Array.from(matrix.counts), unknown: Array.from(matrix.unknown) };
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

export function toRecord(pair: FilePair, metrics: ImageMetrics, warnings: readonly string[]): ImageRecord {
  const { confusion, boundary, ...figures } = metrics;
  return {
    name: pair.name,
    predictionFile: pair.predictionFile,
    labelFile: pair.labelFile,
    ...figures,
    classesPresent: classesPresent(confusion),
    warnings,
    confusion: serializeConfusion(confusion),
    boundary: { intersection: Array.from(boundary.intersection), union: Array.from(boundary.union) },
  };
}

/** A record without its pooled counts: what lists, tables and exports keep once the dataset has them. */
export type ImageRow = Omit<ImageRecord, 'confusion' | 'boundary'>;

export function withoutConfusion(record: ImageRecord): ImageRow {
  const { confusion: _confusion, boundary: _boundary, ...row } = record;
  return row;
}
