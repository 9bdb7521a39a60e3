import type { DatasetSummary, ImageRecord } from '../../core';
import { imageDeltas, worstRegressionFirst, type Deltas } from '../../core/report/compare';
import { formatSigned } from '../../core/report/format';

/** The second prediction folder evaluated against the same labels with the same settings. */
export interface Comparison {
  readonly predictionsDir: string;
  /** B's records by image name. */
  readonly records: ReadonlyMap<string, ImageRecord>;
  readonly summary: DatasetSummary;
}

export function deltasOf(a: ImageRecord, b: ImageRecord): Deltas {
  return imageDeltas(a, b);
}

/**
 * A's images in order of B's largest mIoU regression (B − A most negative first, as `seglens compare`
 * lists them); images B lacks come last, by name.
 */
export function rankByRegression(
  records: readonly ImageRecord[],
  other: ReadonlyMap<string, ImageRecord>,
): ImageRecord[] {
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const order = worstRegressionFirst('miou');
  const both = records
    .flatMap((record) => {
      const b = other.get(record.name);
      return b === undefined ? [] : [{ name: record.name, record, delta: deltasOf(record, b) }];
    })
    .sort(order)
    .map((entry) => entry.record);
  const onlyA = records.filter((record) => !other.has(record.name)).sort(byName);
  return [...both, ...onlyA];
}

/** The view's description of an image under comparison, e.g. "−0.12 mIoU". */
export function describeDelta(a: ImageRecord, b: ImageRecord | undefined): string {
  if (b === undefined) return 'not in B';
  const delta = deltasOf(a, b).miou;
  return delta === null ? 'mIoU undefined' : `${formatSigned(delta, 2)} mIoU`;
}

/** Per class B − A of this image's IoU; null where either is undefined. */
export function perClassIoUDelta(a: ImageRecord, b: ImageRecord): (number | null)[] {
  return a.perClassIoU.map((x, c) => {
    const y = b.perClassIoU[c] ?? null;
    return x === null || y === null ? null : y - x;
  });
}
