/**
 * The message contract between the extension host and the gallery (a grid of thumbnails over the
 * evaluated images). The host sorts and filters; the webview draws the visible rows and asks for
 * their thumbnails. Nothing the webview sends names a file: a query over metric keys and class
 * ids, or image names the host looks up among the evaluated images. See inspector.ts for the
 * trust model; every message is read with the readers of ../validation.
 */

import {
  type ParseResult,
  fail,
  readArrayUpTo,
  readInteger,
  readOneOf,
  readPlainObject,
  readRecord,
  readString,
  readTypedArray,
  toResult,
} from '../validation';
import { PROTOCOL_LIMITS, readConfusionPair, readImageName, type ConfusionPair } from './common';

export * from './common';

/** Images in one list; beyond this the list is refused (the gallery is built for 100,000). */
export const MAX_GALLERY_ITEMS = 1_000_000;
/** Thumbnails one request may ask for: a screenful of a large window with its overscan rows. */
export const MAX_THUMBNAIL_REQUEST = 400;
/** Thumbnails are JPEG (or PNG) data URIs well under this (160 px a side is about 6 kB as JPEG). */
export const MAX_THUMBNAIL_URI_LENGTH = 1_000_000;
/** Confusion cells offered as filters, largest first. */
export const MAX_CELL_FILTERS = 200;
/** Sort keys offered (the metrics table's one-number metrics plus the comparison's delta). */
export const MAX_SORT_KEYS = 64;

/** How the webview prints a sort key's value: losses with 4 decimals, scores in percent, deltas signed. */
export const VALUE_FORMATS = ['fixed', 'percent', 'count', 'signed'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

/** While comparing two prediction folders: all images, or only those where B's mIoU is lower/higher. */
export const DELTA_FILTERS = ['any', 'worse', 'better'] as const;
export type DeltaFilter = (typeof DELTA_FILTERS)[number];

/** What the user chose to see: the sort key (one the host offered) and the filters. */
export interface GalleryQuery {
  readonly sortKey: string;
  readonly classId: number | null;
  readonly cell: ConfusionPair | null;
  readonly delta: DeltaFilter;
}

export interface SortKeyOption {
  readonly key: string;
  readonly label: string;
  /** What the figure means and which end comes first ("highest first"). */
  readonly detail: string;
  readonly format: ValueFormat;
}

export interface ClassOption {
  readonly id: number;
  readonly name: string;
  /** Images whose label or prediction holds the class. */
  readonly images: number;
}

export interface CellOption extends ConfusionPair {
  readonly pixels: number;
}

/** Host → gallery: the images in the query's order, their sort values, and the choices for the menus. */
export interface GalleryItemsMessage {
  readonly type: 'galleryItems';
  /** What was evaluated (a folder name), for the heading. */
  readonly title: string;
  /** The query this list answers (the host may have corrected an unknown sort key). */
  readonly query: GalleryQuery;
  readonly sortKeys: readonly SortKeyOption[];
  readonly classNames: readonly string[];
  readonly classes: readonly ClassOption[];
  readonly cells: readonly CellOption[];
  readonly comparing: boolean;
  /** Images evaluated, before the filters. */
  readonly total: number;
  readonly names: readonly string[];
  /** The sort key's value of each image in `names`; NaN where it is undefined (no valid pixel). */
  readonly values: Float64Array;
}

/** One thumbnail, or why it could not be made. */
export type ThumbnailItem =
  { readonly name: string; readonly dataUri: string } | { readonly name: string; readonly error: string };

/** Host → gallery: thumbnails the webview asked for (sent as they are ready, a few at a time). */
export interface ThumbnailsMessage {
  readonly type: 'thumbnails';
  readonly items: readonly ThumbnailItem[];
}

export type HostToGalleryMessage = GalleryItemsMessage | ThumbnailsMessage;

/** Gallery → host. */
export type GalleryToHostMessage =
  | { readonly type: 'galleryReady'; readonly query: GalleryQuery | null }
  | { readonly type: 'setQuery'; readonly query: GalleryQuery }
  | { readonly type: 'requestThumbnails'; readonly names: readonly string[] }
  | { readonly type: 'openImage'; readonly name: string };

/** What the gallery keeps with setState: its query and the first image on screen. */
export interface PersistedGalleryState {
  readonly version: 1;
  readonly query: GalleryQuery;
  readonly firstVisible: number;
}

/** Raster images only: an SVG could carry script, so it is never accepted. */
const DATA_URI = /^data:image\/(?:jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$/;

function readSortKeyName(value: unknown, path: string): string {
  const key = readString(value, path, 64);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) fail(path, 'a metric key (letters, digits, _)');
  return key;
}

function readQuery(value: unknown, path: string, numClasses: number): GalleryQuery {
  const record = readRecord(value, path, ['sortKey', 'classId', 'cell', 'delta']);
  return {
    sortKey: readSortKeyName(record.sortKey, `${path}.sortKey`),
    classId: record.classId === null ? null : readInteger(record.classId, `${path}.classId`, 0, numClasses - 1),
    cell: record.cell === null ? null : readConfusionPair(record.cell, `${path}.cell`, numClasses),
    delta: readOneOf(record.delta, `${path}.delta`, DELTA_FILTERS),
  };
}

function readItemsMessage(record: Record<string, unknown>): GalleryItemsMessage {
  const path = 'galleryItems';
  readRecord(record, path, [
    'type',
    'title',
    'query',
    'sortKeys',
    'classNames',
    'classes',
    'cells',
    'comparing',
    'total',
    'names',
    'values',
  ]);
  const classNames = readArrayUpTo(record.classNames, `${path}.classNames`, PROTOCOL_LIMITS.maxClasses).map((name, c) =>
    readString(name, `${path}.classNames[${c}]`, PROTOCOL_LIMITS.maxClassNameLength),
  );
  const numClasses = Math.max(1, classNames.length);
  const names = readArrayUpTo(record.names, `${path}.names`, MAX_GALLERY_ITEMS).map((name, i) =>
    readImageName(name, `${path}.names[${i}]`),
  );
  if (typeof record.comparing !== 'boolean') fail(`${path}.comparing`, 'a boolean');
  return {
    type: 'galleryItems',
    title: readString(record.title, `${path}.title`, PROTOCOL_LIMITS.maxTextLength),
    query: readQuery(record.query, `${path}.query`, numClasses),
    sortKeys: readArrayUpTo(record.sortKeys, `${path}.sortKeys`, MAX_SORT_KEYS).map((entry, i) => {
      const item = readRecord(entry, `${path}.sortKeys[${i}]`, ['key', 'label', 'detail', 'format']);
      return {
        key: readSortKeyName(item.key, `${path}.sortKeys[${i}].key`),
        label: readString(item.label, `${path}.sortKeys[${i}].label`, 128),
        detail: readString(item.detail, `${path}.sortKeys[${i}].detail`, 512),
        format: readOneOf(item.format, `${path}.sortKeys[${i}].format`, VALUE_FORMATS),
      };
    }),
    classNames,
    classes: readArrayUpTo(record.classes, `${path}.classes`, PROTOCOL_LIMITS.maxClasses).map((entry, i) => {
      const item = readRecord(entry, `${path}.classes[${i}]`, ['id', 'name', 'images']);
      return {
        id: readInteger(item.id, `${path}.classes[${i}].id`, 0, numClasses - 1),
        name: readString(item.name, `${path}.classes[${i}].name`, PROTOCOL_LIMITS.maxClassNameLength),
        images: readInteger(item.images, `${path}.classes[${i}].images`, 0, MAX_GALLERY_ITEMS),
      };
    }),
    cells: readArrayUpTo(record.cells, `${path}.cells`, MAX_CELL_FILTERS).map((entry, i) => {
      const item = readRecord(entry, `${path}.cells[${i}]`, ['label', 'predicted', 'pixels']);
      const pair = readConfusionPair(
        { label: item.label, predicted: item.predicted },
        `${path}.cells[${i}]`,
        numClasses,
      );
      return { ...pair, pixels: readInteger(item.pixels, `${path}.cells[${i}].pixels`, 1, Number.MAX_SAFE_INTEGER) };
    }),
    comparing: record.comparing,
    total: readInteger(record.total, `${path}.total`, 0, MAX_GALLERY_ITEMS),
    names,
    values: readTypedArray(record.values, `${path}.values`, Float64Array, names.length),
  };
}

function readThumbnailItem(value: unknown, path: string): ThumbnailItem {
  const record = readPlainObject(value, path);
  if ('dataUri' in record) {
    readRecord(record, path, ['name', 'dataUri']);
    const dataUri = readString(record.dataUri, `${path}.dataUri`, MAX_THUMBNAIL_URI_LENGTH);
    if (!DATA_URI.test(dataUri)) fail(`${path}.dataUri`, 'a base64 JPEG or PNG data URI');
    return { name: readImageName(record.name, `${path}.name`), dataUri };
  }
  readRecord(record, path, ['name', 'error']);
  return {
    name: readImageName(record.name, `${path}.name`),
    error: readString(record.error, `${path}.error`, PROTOCOL_LIMITS.maxTextLength),
  };
}

/** Gallery side: a well-formed host message, or why not. */
export function parseHostToGalleryMessage(value: unknown): ParseResult<HostToGalleryMessage> {
  return toResult((): HostToGalleryMessage => {
    const record = readPlainObject(value, 'message');
    if (readOneOf(record.type, 'message.type', ['galleryItems', 'thumbnails'] as const) === 'galleryItems')
      return readItemsMessage(record);
    readRecord(record, 'thumbnails', ['type', 'items']);
    return {
      type: 'thumbnails',
      items: readArrayUpTo(record.items, 'thumbnails.items', MAX_THUMBNAIL_REQUEST).map((item, i) =>
        readThumbnailItem(item, `thumbnails.items[${i}]`),
      ),
    };
  });
}

/**
 * Host side: a well-formed gallery message, or why it was refused. Class ids and cells are checked
 * against the class count of the results; the sort key only for its shape (the host maps an
 * unknown one to its default).
 */
export function checkGalleryMessage(value: unknown, numClasses: number): ParseResult<GalleryToHostMessage> {
  return toResult((): GalleryToHostMessage => {
    const record = readPlainObject(value, 'message');
    const classes = Math.max(1, numClasses);
    switch (
      readOneOf(record.type, 'message.type', ['galleryReady', 'setQuery', 'requestThumbnails', 'openImage'] as const)
    ) {
      case 'galleryReady':
        readRecord(record, 'galleryReady', ['type', 'query']);
        return {
          type: 'galleryReady',
          query: record.query === null ? null : readQuery(record.query, 'galleryReady.query', classes),
        };
      case 'setQuery':
        readRecord(record, 'setQuery', ['type', 'query']);
        return { type: 'setQuery', query: readQuery(record.query, 'setQuery.query', classes) };
      case 'requestThumbnails':
        readRecord(record, 'requestThumbnails', ['type', 'names']);
        return {
          type: 'requestThumbnails',
          names: readArrayUpTo(record.names, 'requestThumbnails.names', MAX_THUMBNAIL_REQUEST).map((name, i) =>
            readImageName(name, `requestThumbnails.names[${i}]`),
          ),
        };
      case 'openImage':
        readRecord(record, 'openImage', ['type', 'name']);
        return { type: 'openImage', name: readImageName(record.name, 'openImage.name') };
    }
  });
}

/** Either side: the gallery's saved state if well formed, else undefined. */
export function parseGalleryState(value: unknown): PersistedGalleryState | undefined {
  const result = toResult((): PersistedGalleryState => {
    const record = readRecord(value, 'state', ['version', 'query', 'firstVisible']);
    readInteger(record.version, 'state.version', 1, 1);
    return {
      version: 1,
      query: readQuery(record.query, 'state.query', PROTOCOL_LIMITS.maxClasses),
      firstVisible: readInteger(record.firstVisible, 'state.firstVisible', 0, MAX_GALLERY_ITEMS),
    };
  });
  return result.ok ? result.value : undefined;
}
