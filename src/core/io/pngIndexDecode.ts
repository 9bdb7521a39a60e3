import type { ReusableIds } from './reusableBuffer';
import type { PngChunk, PngHeader } from './pngChunks';

/**
 * Fast path for the common class-map PNG: 8-bit palette (VOC) or 8-bit gray, not interlaced.
 * Undoes the row filters of the already inflated image data straight into class ids, skipping pngjs's
 * second inflate and its expansion to RGBA (4 bytes per pixel, then a palette lookup per pixel) of
 * which readPngClassMap reads one byte. Profiling showed that expansion to be most of the decode time.
 *
 * `inflated` is the image data as checkDecodeBounds returns it: CRCs and header fields verified, at
 * least the declared number of bytes (bytes past them are ignored, as pngjs does).
 * Returns undefined for anything it does not fully vouch for (unknown critical chunk, palette missing
 * or after the image data, an index outside the palette, gray with tRNS, an unknown row filter): the
 * caller then decodes with pngjs as before, so accepted files give the ids pngjs gives and broken
 * files the same errors as without this path.
 */
export function decodeIndexPng(
  inflated: Uint8Array,
  chunks: readonly PngChunk[],
  header: PngHeader,
  into?: ReusableIds,
): Uint16Array | undefined {
  const { width, height, colorType, bitDepth, interlaced } = header;
  if (bitDepth !== 8 || interlaced || (colorType !== 0 && colorType !== 3)) return undefined;
  let paletteEntries = 0;
  let sawImageData = false;
  for (const chunk of chunks) {
    switch (chunk.type) {
      case 'IHDR':
      case 'IEND':
        break;
      case 'PLTE':
        paletteEntries = Math.floor(chunk.dataLength / 3);
        break;
      case 'IDAT':
        // pngjs wants the palette before the image data.
        if (colorType === 3 && !sawImageData && paletteEntries === 0) return undefined;
        sawImageData = true;
        break;
      case 'tRNS':
        // pngjs zeroes gray pixels equal to the transparent level; leave that to it.
        if (colorType === 0) return undefined;
        break;
      default:
        // Critical chunks pngjs does not know are errors there; ancillary ones are ignored by both.
        if (chunk.type.charCodeAt(0) < 97) return undefined;
    }
  }
  if (inflated.length < (width + 1) * height) return undefined;
  return unfilterToIds(inflated, width, height, colorType === 3 ? paletteEntries : 256, into);
}

/**
 * PNG row filters for 1 byte per pixel, undone straight into the class-id array: the row above is read
 * back from the ids already written (each id is the byte itself), so there is no row buffer and no
 * second copy. Unfiltered rows (filter 0, what most label writers emit) are one widening copy.
 * Undefined on an unknown filter type or an index >= `limit` (checked only when the palette has fewer
 * than 256 entries: a byte cannot reach 256).
 */
function unfilterToIds(
  raw: Uint8Array,
  width: number,
  height: number,
  limit: number,
  into: ReusableIds | undefined,
): Uint16Array | undefined {
  const stride = width + 1;
  // Every id is written below, so reused memory needs no clearing.
  const ids = into ? into.take(width * height) : new Uint16Array(width * height);
  // Rows are copied from views of a plain Uint8Array: a Buffer's subarray builds a Buffer each time.
  raw = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  for (let y = 0; y < height; y++) {
    const start = y * stride + 1;
    const row = y * width;
    const above = row - width; // the row above the first is zeros
    const filter = raw[start - 1]!;
    if (filter === 0 || (filter === 2 && y === 0)) {
      ids.set(raw.subarray(start, start + width), row);
    } else if (filter === 1) {
      let left = 0;
      for (let x = 0; x < width; x++) ids[row + x] = left = (raw[start + x]! + left) & 255;
    } else if (filter === 2) {
      for (let x = 0; x < width; x++) ids[row + x] = (raw[start + x]! + ids[above + x]!) & 255;
    } else if (filter === 3 || filter === 4) {
      unfilterAveragePaeth(raw, start, ids, row, y === 0 ? -1 : above, width, filter);
    } else {
      return undefined;
    }
  }
  return limit >= 256 || largestBelow(ids, limit) ? ids : undefined;
}

/** Average (3) and Paeth (4) rows; `above` is -1 on the first row (zeros above). */
function unfilterAveragePaeth(
  raw: Uint8Array,
  start: number,
  ids: Uint16Array,
  row: number,
  above: number,
  width: number,
  filter: 3 | 4,
): void {
  let left = 0;
  let upperLeft = 0;
  for (let x = 0; x < width; x++) {
    const up = above < 0 ? 0 : ids[above + x]!;
    const predictor = filter === 3 ? (left + up) >> 1 : paeth(left, up, upperLeft);
    left = (raw[start + x]! + predictor) & 255;
    ids[row + x] = left;
    upperLeft = up;
  }
}

function largestBelow(ids: Uint16Array, limit: number): boolean {
  for (let p = 0; p < ids.length; p++) if (ids[p]! >= limit) return false;
  return true;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
