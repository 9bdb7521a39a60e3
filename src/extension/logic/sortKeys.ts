import { hardestFirst, type RankingKey } from '../../core/report/ranking';
import type { ImageRecord } from '../../core';
import { formatFixed, formatPercent } from '../../core/report/format';

export type SortKey = RankingKey;

export interface SortKeyInfo {
  readonly label: string;
  /** What the figure means for the user, shown in the quick pick. */
  readonly detail: string;
  readonly value: (record: ImageRecord) => number | null;
  /** Short form for the tree item description. */
  readonly format: (value: number) => string;
}

const fixed = (digits: number) => (value: number) => formatFixed(value, digits);
const percent = (value: number) => formatPercent(value);

export const SORT_KEYS: Readonly<Record<SortKey, SortKeyInfo>> = {
  adaptive: {
    label: 'Adaptive loss',
    detail: 'locally adaptive loss (Guo et al.), highest first',
    value: (r) => r.adaptive,
    format: fixed(4),
  },
  ce: {
    label: 'Cross-entropy',
    detail: 'pixel-wise cross-entropy, highest first',
    value: (r) => r.ce,
    format: fixed(4),
  },
  mergeEffect: {
    label: 'Merge effect',
    detail: 'CE minus adaptive loss: isolated errors, highest first',
    value: (r) => r.mergeEffect,
    format: fixed(4),
  },
  miou: { label: 'mIoU', detail: 'mean IoU of the image, lowest first', value: (r) => r.miou, format: percent },
  pixelAccuracy: {
    label: 'Pixel accuracy',
    detail: 'share of valid pixels right, lowest first',
    value: (r) => r.pixelAccuracy,
    format: percent,
  },
  boundaryMiou: {
    label: 'Boundary mIoU',
    detail: 'Boundary IoU (Cheng et al.): how right the outlines are, lowest first',
    value: (r) => r.boundaryMiou,
    format: percent,
  },
};

export function isSortKey(value: unknown): value is SortKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SORT_KEYS, value);
}

/** Hardest first by `key`, in the engine's order (the CLI lists the same order). */
export function rankRecords(records: readonly ImageRecord[], key: SortKey): ImageRecord[] {
  return [...records].sort(hardestFirst(key));
}

/**
 * Images where `classId` appears in the label or in the prediction. That is exactly the images whose
 * IoU for the class is defined (its union is non-empty), which is what a per-class review wants.
 */
export function filterByClass(records: readonly ImageRecord[], classId: number | undefined): ImageRecord[] {
  if (classId === undefined) return [...records];
  return records.filter((record) => record.classesPresent.includes(classId));
}

export function describeRecord(record: ImageRecord, key: SortKey): string {
  const info = SORT_KEYS[key];
  const value = info.value(record);
  return value === null ? 'no valid pixel' : `${info.label} ${info.format(value)}`;
}
