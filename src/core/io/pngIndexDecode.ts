import type { PngChunk, PngHeader } from './pngChunks';

/**
 * Fast path for the common class-map PNG: 8-bit palette (VOC) or 8-bit gray, not interlaced.
 * Undoes the row filters of the already inflated image data straight into class ids, skipping pngjs's
 * second inflate and its expansion to RGBA (4 bytes per pixel, then a palette lookup per pixel) of
 * which readPngClassMap reads one byte. Profiling showed that expansion to be most of the decode time.
 *
 * `inflated` is the image data as checkDecodeBounds returns it: CRCs and header fields verified, at
 * least the declared number of bytes (bytes past them are ignored, as pngjs does). It is overwritten:
 * the ids returned are its first width × height bytes.
 * Returns undefined for anything it does not fully vouch for (unknown critical chunk, palette missing
 * or after the image data, an index outside the palette, gray with tRNS, an unknown row filter): the
 * caller then decodes with pngjs as before, so accepted files give the ids pngjs gives and broken
 * files the same errors as without this path.
 */
export function decodeIndexPng(
  inflated: Uint8Array,
  chunks: readonly PngChunk[],
  header: PngHeader,
): Uint8Array | undefined {
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
  return unfilterToIds(inflated, width, height, colorType === 3 ? paletteEntries : 256);
}

/**
 * PNG row filters for 1 byte per pixel, undone in place: row y moves left by y + 1 bytes (its filter
 * byte and the ones before), over bytes already read, so the inflated data becomes the class-id array
 * itself, one byte a pixel, with no second buffer. The row above is read back from where it now lies.
 * Unfiltered rows (filter 0, what most label writers emit) are one memmove.
 * Undefined on an unknown filter type or an index >= `limit` (checked only when the palette has fewer
 * than 256 entries: a byte cannot reach 256).
 */
function unfilterToIds(raw: Uint8Array, width: number, height: number, limit: number): Uint8Array | undefined {
  const stride = width + 1;
  // A plain Uint8Array: a Buffer's subarray and copyWithin build Buffers.
  const ids = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  for (let y = 0; y < height; y++) {
    const start = y * stride + 1;
    const row = y * width;
    const above = row - width; // the row above the first is zeros
    const filter = ids[start - 1]!;
    // Each pixel's source byte (start + x) is read before its destination (row + x < start + x) is
    // written, and a destination only ever covers source bytes already read.
    if (filter === 0 || (filter === 2 && y === 0)) {
      ids.copyWithin(row, start, start + width);
    } else if (filter === 1) {
      let left = 0;
      for (let x = 0; x < width; x++) ids[row + x] = left = (ids[start + x]! + left) & 255;
    } else if (filter === 2) {
      for (let x = 0; x < width; x++) ids[row + x] = (ids[start + x]! + ids[above + x]!) & 255;
    } else if (filter === 3 || filter === 4) {
      unfilterAveragePaeth(ids, start, row, y === 0 ? -1 : above, width, filter);
    } else {
      return undefined;
    }
  }
  const map = ids.subarray(0, width * height);
  return limit >= 256 || largestBelow(map, limit) ? map : undefined;
}

/** Average (3) and Paeth (4) rows, in place as unfilterToIds does; `above` is -1 on the first row (zeros above). */
function unfilterAveragePaeth(
  ids: Uint8Array,
  start: number,
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
    left = (ids[start + x]! + predictor) & 255;
    ids[row + x] = left;
    upperLeft = up;
  }
}

function largestBelow(ids: Uint8Array, limit: number): boolean {
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
