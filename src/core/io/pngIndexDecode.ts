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
  return unfilterToIds(inflated, width, height, colorType === 3 ? paletteEntries : 256);
}

/** PNG row filters for 1 byte per pixel; undefined on an unknown filter type or an index >= `limit`. */
function unfilterToIds(raw: Uint8Array, width: number, height: number, limit: number): Uint16Array | undefined {
  const stride = width + 1;
  const ids = new Uint16Array(width * height);
  let previous = new Uint8Array(width); // the row above the first is zeros
  let current = new Uint8Array(width);
  let largest = 0;
  for (let y = 0; y < height; y++) {
    const start = y * stride + 1;
    const filter = raw[start - 1]!;
    switch (filter) {
      case 0:
        for (let x = 0; x < width; x++) current[x] = raw[start + x]!;
        break;
      case 1:
        current[0] = raw[start]!;
        for (let x = 1; x < width; x++) current[x] = raw[start + x]! + current[x - 1]!;
        break;
      case 2:
        for (let x = 0; x < width; x++) current[x] = raw[start + x]! + previous[x]!;
        break;
      case 3:
        current[0] = raw[start]! + (previous[0]! >> 1);
        for (let x = 1; x < width; x++) current[x] = raw[start + x]! + ((current[x - 1]! + previous[x]!) >> 1);
        break;
      case 4:
        current[0] = raw[start]! + previous[0]!; // Paeth with a = c = 0 picks b
        for (let x = 1; x < width; x++)
          current[x] = raw[start + x]! + paeth(current[x - 1]!, previous[x]!, previous[x - 1]!);
        break;
      default:
        return undefined;
    }
    const rowStart = y * width;
    for (let x = 0; x < width; x++) {
      const v = current[x]!;
      ids[rowStart + x] = v;
      if (v > largest) largest = v;
    }
    [previous, current] = [current, previous];
  }
  return largest < limit ? ids : undefined;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
