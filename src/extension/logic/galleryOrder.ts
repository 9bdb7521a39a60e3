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
import { deltasOf } from './comparison';
import { cellCount } from './confusionImages';
import { filterByClass, isSortKey, rankRecords, SORT_KEYS, type SortKey } from './sortKeys';

/** The comparison's own sort key: B − A of the image's mIoU, largest drop first. */
export const DELTA_SORT_KEY = 'miouDelta';

export interface GalleryContext {
  readonly numClasses: number;
  /** B's records by image name, while comparing. */
  readonly comparison?: ReadonlyMap<string, ImageRecord>;
}

export interface GalleryEntry {
  readonly record: ImageRecord;
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

function miouDelta(record: ImageRecord, comparison: ReadonlyMap<string, ImageRecord> | undefined): number | null {
  const b = comparison?.get(record.name);
  return b === undefined ? null : deltasOf(record, b).miou;
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
  return a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0;
}

/** The images the query selects, in its order, each with the value it is sorted by. */
export function galleryOrder(
  records: readonly ImageRecord[],
  query: GalleryQuery,
  context: GalleryContext,
): GalleryEntry[] {
  const q = normalizeQuery(query, context);
  let selected = filterByClass(records, q.classId ?? undefined);
  const cell = q.cell;
  if (cell !== null) selected = selected.filter((record) => cellCount(record, context.numClasses, cell) > 0);
  if (q.delta !== 'any')
    selected = selected.filter((record) => passesDelta(miouDelta(record, context.comparison), q.delta));
  if (q.sortKey === DELTA_SORT_KEY)
    return selected.map((record) => ({ record, value: miouDelta(record, context.comparison) })).sort(byDeltaWorstFirst);
  const key: SortKey = isSortKey(q.sortKey) ? q.sortKey : 'adaptive';
  return rankRecords(selected, key).map((record) => ({ record, value: SORT_KEYS[key].value(record) }));
}

/** Classes present in at least one image, with how many images hold them. */
export function classOptions(records: readonly ImageRecord[], classNames: readonly string[], numClasses: number) {
  const counts = new Array<number>(numClasses).fill(0);
  for (const record of records)
    for (const id of record.classesPresent) if (id < numClasses) counts[id] = (counts[id] ?? 0) + 1;
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
  readonly records: readonly ImageRecord[];
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
    classes: classOptions(input.records, classNames, numClasses),
    cells: cellOptions(input.summary),
    comparing: context.comparison !== undefined,
    total: input.records.length,
    names: input.entries.map((entry) => entry.record.name),
    values: Float64Array.from(input.entries, (entry) => entry.value ?? Number.NaN),
  };
}
