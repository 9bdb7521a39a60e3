/**
 * The list an inspector image was opened from, and stepping through it: Next/Previous walk that list
 * (a confusion cell's images, the hard-example order under its sort, filter or comparison, or a list a
 * view hands over, such as the gallery's sorted and filtered order), never silently another one.
 *
 * Lists are of image names (unique within one set of results). The hard-example order and a cell's
 * images are read afresh on every step, so a re-sort or a finished run is followed; a handed-over list
 * is kept as it was given.
 */
import type { ConfusionPair } from '../../shared/protocol/common';
import type { RecordColumns } from './recordColumns';

/** Where an image was opened from. */
export type OpenedFrom =
  /** The Hard examples view: the store's current order (sort key, class and cell filters, comparison). */
  | { readonly kind: 'hardExamples' }
  /** A confusion-matrix cell: the images with pixels labelled `pair.label` and predicted `pair.predicted`, most first. */
  | { readonly kind: 'confusionCell'; readonly pair: ConfusionPair }
  /** Any other ordered list a view hands over (e.g. the gallery), under a short title for the header. */
  | { readonly kind: 'list'; readonly title: string; readonly names: readonly string[] };

/** What resolving a list needs from the results: their current order and the columns of all of them. */
export interface NavigationSources {
  /** The hard-example order as the view shows it (asked for only when that is the list). */
  readonly orderedNames: () => readonly string[];
  readonly columns: RecordColumns;
}

/** Where an image sits in its list: 0-based index and the list's length. */
export interface ListPosition {
  readonly index: number;
  readonly total: number;
}

/** The names of the list, in order. */
export function navigationNames(from: OpenedFrom, sources: NavigationSources): readonly string[] {
  switch (from.kind) {
    case 'hardExamples':
      return sources.orderedNames();
    case 'confusionCell':
      // The dataset panel's order, without its display cut, so stepping reaches every image of the cell.
      return sources.columns.cellImages(from.pair).map((entry) => entry.name);
    case 'list':
      return from.names;
  }
}

/** Where `name` sits in `names`, or undefined when it is not there. */
export function positionIn(names: readonly string[], name: string): ListPosition | undefined {
  const index = names.indexOf(name);
  return index < 0 ? undefined : { index, total: names.length };
}

/**
 * The image `step` places from `name` in `names`, wrapping at the ends; the first (or last, going back)
 * when `name` has left the list (a re-filter); undefined for an empty list.
 */
export function stepIn(
  names: readonly string[],
  name: string,
  step: 1 | -1,
): { readonly name: string; readonly position: ListPosition } | undefined {
  const total = names.length;
  if (total === 0) return undefined;
  const at = names.indexOf(name);
  const index = at < 0 ? (step === 1 ? 0 : total - 1) : (at + step + total) % total;
  return { name: names[index]!, position: { index, total } };
}

/** The list in a few words, for the inspector's header ("hard examples", "cell car → road", the given title). */
export function describeOpenedFrom(from: OpenedFrom, classNames: readonly string[]): string {
  const name = (id: number): string => classNames[id] ?? `class ${id}`;
  switch (from.kind) {
    case 'hardExamples':
      return 'hard examples';
    case 'confusionCell':
      return `cell ${name(from.pair.label)} → ${name(from.pair.predicted)}`;
    case 'list':
      return from.title;
  }
}
