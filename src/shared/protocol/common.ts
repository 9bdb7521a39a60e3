/**
 * What the host <-> webview contracts (inspector.ts, dataset.ts, gallery.ts) share: limits, colours,
 * confusion cells and the readers for image names. No `vscode` and no DOM imports, so node tests and
 * the webview bundles can use it. Each contract validates what crosses the boundary with these
 * readers; see inspector.ts for the trust model.
 */

import { fail, readRecord, readInteger, readArray } from '../validation';

export type { ParseResult } from '../validation';

import type { Rgb } from '../../core/colors';

export type { HotSpot, HotSpotRegion } from '../../core/types';
/** Reading a hot spot's windows: the webview traces outlines with these. */
export { cellGrid, coversPixel, hasCell } from '../../core/metrics/hotSpotCells';
export type { Rgb } from '../../core/colors';
export { pascalVocColor, defaultClassColors } from '../../core/colors';

/**
 * The element of a page's HTML holding data written in by the host (webviewHtml's embeddedJson): a
 * JSON data block the page reads at start-up.
 */
export const EMBEDDED_DATA_ELEMENT_ID = 'embedded-data';

/** One cell of the confusion matrix: pixels labelled `label` and predicted `predicted`. */
export interface ConfusionPair {
  readonly label: number;
  readonly predicted: number;
}

/** Upper bounds that keep a malformed message from allocating absurd amounts of memory. */
export const PROTOCOL_LIMITS = {
  maxSide: 16384,
  maxPixels: 16384 * 16384,
  maxClasses: 65536,
  maxNameLength: 1024,
  maxClassNameLength: 256,
  maxUriLength: 8192,
  maxTextLength: 10000,
  maxHotSpots: 32,
  maxLossVariantLength: 64,
  maxDatasetNameLength: 256,
  maxOptionsLength: 2048,
} as const;

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * An image name as the host reports it (a path relative to the evaluated folder, without
 * extension). Rejects anything that looks like an attempt to escape that folder; the host still
 * has to find the name among the images it evaluated.
 */
export function isSafeImageName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > PROTOCOL_LIMITS.maxNameLength) {
    return false;
  }
  if (CONTROL_CHARACTERS.test(value) || value.includes('\\') || value.startsWith('/') || /^[A-Za-z]:/.test(value)) {
    return false;
  }
  return value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export function readImageName(value: unknown, path: string): string {
  if (!isSafeImageName(value)) {
    fail(path, 'an image name (relative, no "..", no control characters)');
  }
  return value;
}

export function readColor(value: unknown, path: string): Rgb {
  const channels = readArray(value, path, 3);
  return [
    readInteger(channels[0], `${path}[0]`, 0, 255),
    readInteger(channels[1], `${path}[1]`, 0, 255),
    readInteger(channels[2], `${path}[2]`, 0, 255),
  ];
}

export function readConfusionPair(value: unknown, path: string, numClasses: number): ConfusionPair {
  const record = readRecord(value, path, ['label', 'predicted']);
  return {
    label: readInteger(record.label, `${path}.label`, 0, numClasses - 1),
    predicted: readInteger(record.predicted, `${path}.predicted`, 0, numClasses - 1),
  };
}
