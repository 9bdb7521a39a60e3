/**
 * The gallery's list: the evaluated images filtered (class, confusion cell, comparison delta) and
 * sorted by any metric, and the message that carries it. Pure, so it is unit-tested; the gallery
 * panel keeps the last answer as `currentOrder()`, the order the inspector steps through for an
 * image opened from the gallery.
 */
import type { DatasetSummary, ImageRecord } from '../../core';
import type {
  CellOption,
  ClassOption,
  DeltaFilter,
  GalleryItemsMessage,
  GalleryQuery,
  SortKeyOption,
  ValueFormat,
} from '../../shared/protocol/gallery';
import { MAX_CELL_FILTERS } from '../../shared/protocol/gallery';
import { metricDefinition } from '../../core/metrics/metricTable';
import { imageDeltas } from '../../core/report/compare';
import { byCodePoint, type RecordColumns } from './recordColumns';
import { isSortKey, SORT_KEYS, type SortKey } from './sortKeys';

/** The comparison's own sort key: B − A of the image's mIoU, largest drop first. */
export const DELTA_SORT_KEY = 'miouDelta';

export interface GalleryContext {
  readonly numClasses: number;
  /** B's records by image name, while comparing. */
  readonly comparison?: ReadonlyMap<string, ImageRecord>;
}

export interface GalleryEntry {
  /** The image's row in the results' columns. */
  readonly slot: number;
  readonly name: string;
  /** The sort key's value; null where undefined (no valid pixel, or B lacks the image). */
  readonly value: number | null;
}

/** The sort keys the gallery offers: every metric, and the mIoU delta while comparing. */
export function gallerySortKeys(comparing: boolean): SortKeyOption[] {
  const keys: SortKeyOption[] = (Object.keys(SORT_KEYS) as SortKey[]).map((key) => ({
    key,
    label: SORT_KEYS[key].label,
    detail: SORT_KEYS[key].detail,
    // The metric table's number format: losses with 4 decimals, scores in percent.
    format: metricDefinition(key).format satisfies ValueFormat,
  }));
  if (comparing)
    keys.unshift({
      key: DELTA_SORT_KEY,
      label: 'mIoU change (B − A)',
      detail: "B's mIoU minus A's, largest drop first",
      format: 'signed',
    });
  return keys;
}

/** A query the list can answer: an unknown sort key becomes the first offered, a delta filter needs B. */
export function normalizeQuery(query: GalleryQuery, context: GalleryContext): GalleryQuery {
  const comparing = context.comparison !== undefined;
  const known = gallerySortKeys(comparing).some((option) => option.key === query.sortKey);
  const inRange = (id: number): boolean => id >= 0 && id < context.numClasses;
  return {
    sortKey: known ? query.sortKey : (gallerySortKeys(comparing)[0]?.key ?? 'adaptive'),
    classId: query.classId !== null && inRange(query.classId) ? query.classId : null,
    cell: query.cell !== null && inRange(query.cell.label) && inRange(query.cell.predicted) ? query.cell : null,
    delta: comparing ? query.delta : 'any',
  };
}

function miouDelta(
  columns: RecordColumns,
  slot: number,
  comparison: ReadonlyMap<string, ImageRecord> | undefined,
): number | null {
  const b = comparison?.get(columns.name(slot));
  return b === undefined ? null : imageDeltas({ miou: columns.value('miou', slot) }, b).miou;
}

function passesDelta(delta: number | null, filter: DeltaFilter): boolean {
  if (filter === 'any') return true;
  if (delta === null) return false;
  return filter === 'worse' ? delta < 0 : delta > 0;
}

/** Undefined values last, then by name in code-point order (the engine's tie rule). */
function byDeltaWorstFirst(a: GalleryEntry, b: GalleryEntry): number {
  if (a.value === null || b.value === null) {
    if (a.value !== b.value) return a.value === null ? 1 : -1;
  } else if (a.value !== b.value) return a.value - b.value;
  return byCodePoint(a.name, b.name);
}

/** The images the query selects, in its order, each with the value it is sorted by. */
export function galleryOrder(columns: RecordColumns, query: GalleryQuery, context: GalleryContext): GalleryEntry[] {
  const q = normalizeQuery(query, context);
  let selected = columns.withClass(columns.slots(), q.classId ?? undefined);
  const cell = q.cell;
  if (cell !== null) selected = selected.filter((slot) => columns.cellCount(slot, cell) > 0);
  const delta = (slot: number): number | null => miouDelta(columns, slot, context.comparison);
  if (q.delta !== 'any') selected = selected.filter((slot) => passesDelta(delta(slot), q.delta));
  if (q.sortKey === DELTA_SORT_KEY)
    return selected.map((slot) => ({ slot, name: columns.name(slot), value: delta(slot) })).sort(byDeltaWorstFirst);
  const key: SortKey = isSortKey(q.sortKey) ? q.sortKey : 'adaptive';
  return columns
    .rank(selected, key)
    .map((slot) => ({ slot, name: columns.name(slot), value: columns.value(key, slot) }));
}

/** Classes present in at least one image, with how many images hold them. */
export function classOptions(columns: RecordColumns, classNames: readonly string[], numClasses: number) {
  const counts = columns.classImageCounts(numClasses);
  const options: ClassOption[] = [];
  counts.forEach((images, id) => {
    if (images > 0) options.push({ id, name: classNames[id] ?? `class ${id}`, images });
  });
  return options;
}

/** The largest off-diagonal cells of the pooled confusion matrix (label ≠ prediction), most pixels first. */
export function cellOptions(summary: DatasetSummary | undefined, limit = MAX_CELL_FILTERS): CellOption[] {
  if (summary === undefined) return [];
  return summary.confusion
    .flatMap((row, label) => row.map((pixels, predicted) => ({ label, predicted, pixels })))
    .filter((cell) => cell.pixels > 0 && cell.label !== cell.predicted)
    .sort((a, b) => b.pixels - a.pixels || a.label - b.label || a.predicted - b.predicted)
    .slice(0, limit);
}

export interface GalleryMessageInput {
  readonly title: string;
  readonly columns: RecordColumns;
  readonly entries: readonly GalleryEntry[];
  readonly query: GalleryQuery;
  readonly context: GalleryContext;
  readonly classNames: readonly string[];
  readonly summary: DatasetSummary | undefined;
}

/** The `galleryItems` message; values travel as one Float64Array (NaN for undefined), not 100,000 numbers in JSON. */
export function galleryItemsMessage(input: GalleryMessageInput): GalleryItemsMessage {
  const { context } = input;
  const numClasses = context.numClasses;
  const classNames = Array.from({ length: numClasses }, (_, c) => (input.classNames[c] ?? `class ${c}`).slice(0, 256));
  return {
    type: 'galleryItems',
    title: input.title,
    query: normalizeQuery(input.query, context),
    sortKeys: gallerySortKeys(context.comparison !== undefined),
    classNames,
    classes: classOptions(input.columns, classNames, numClasses),
    cells: cellOptions(input.summary),
    comparing: context.comparison !== undefined,
    total: input.columns.size,
    names: input.entries.map((entry) => entry.name),
    values: Float64Array.from(input.entries, (entry) => entry.value ?? Number.NaN),
  };
}
