import { PNG } from 'pngjs';
import { InputError } from '../errors';
import type { ClassMap } from '../types';
import type { ColorTable } from './colorTable';
import { packRgb } from './colorTable';
import { decodeIndexPng } from './pngIndexDecode';
import { checkDecodeBounds } from './pngLimits';
import type { ReusableBuffer } from './reusableBuffer';
import { listChunks, PngFormatError, readHeader, withIndexPalette, type PngHeader } from './pngChunks';

export interface PngReadOptions {
  readonly maxMegapixels: number;
  /** Needed only for colour-coded (RGB) PNGs. */
  readonly colorTable?: ColorTable;
}

/** Decoded RGBA or 16-bit channels as pngjs returns them with skipRescale. */
type DecodedPixels = Uint8Array | Uint16Array;

/** pngjs can throw non-Error values (or TypeErrors from half-parsed state); never let them escape raw. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return 'unknown decoder failure';
  }
}

function decode(file: string, buffer: Buffer, header: PngHeader): DecodedPixels {
  let pixels: DecodedPixels;
  try {
    const png = PNG.sync.read(buffer, { skipRescale: true, checkCRC: true });
    pixels = png.data;
  } catch (error) {
    const message = describe(error);
    // Only a stream that ends early is "truncated"; bad zlib data (invalid distance, header check) is corruption.
    const truncated = /unexpected end|ran out of data|truncated|not enough|waitng on finished stream/i.test(message);
    throw new InputError(
      file,
      truncated ? 'truncated' : 'corrupt',
      `PNG ${header.width}x${header.height} could not be decoded: ${message}`,
    );
  }
  // pngjs returns fewer pixels than declared for some damaged streams instead of throwing.
  if (!pixels || pixels.length < header.width * header.height * 4) {
    throw new InputError(file, 'truncated', `PNG ${header.width}x${header.height} decoded to too few pixels`);
  }
  return pixels;
}

/**
 * Reads a label or hard-prediction PNG as class ids: palette indices (VOC style), gray levels
 * (8 or 16 bit, or fewer bits as raw values), or RGB colours through a colour table. With
 * `inflateInto`, the image data is inflated into that buffer, and an 8-bit map's ids view it: they
 * are valid until its next use (see ReusableBuffer).
 */
export function readPngClassMap(
  file: string,
  buffer: Buffer,
  options: PngReadOptions,
  inflateInto?: ReusableBuffer,
): ClassMap {
  let header: PngHeader;
  let chunks;
  try {
    chunks = listChunks(buffer);
    header = readHeader(buffer, chunks);
  } catch (error) {
    if (error instanceof PngFormatError) throw new InputError(file, error.code, error.message);
    throw error;
  }
  const { width, height, colorType, bitDepth } = header;
  if (width * height > options.maxMegapixels * 1e6) {
    throw new InputError(
      file,
      'too-large',
      `PNG declares ${width}x${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, above the ${options.maxMegapixels} MP limit (not decoded)`,
    );
  }
  if ((colorType === 2 || colorType === 6) && bitDepth === 16) {
    throw new InputError(file, 'unsupported-format', '16-bit colour PNGs are not supported as class maps');
  }
  let inflated: Buffer;
  try {
    inflated = checkDecodeBounds(buffer, chunks, header, inflateInto);
  } catch (error) {
    if (error instanceof PngFormatError) throw new InputError(file, error.code, error.message);
    throw error;
  }
  const fast = decodeIndexPng(inflated, chunks, header);
  if (fast) return { width, height, ids: fast };
  const isPalette = colorType === 3;
  const pixels = decode(file, isPalette ? withIndexPalette(buffer, chunks) : buffer, header);
  const count = width * height;
  const ids = new Uint16Array(count);
  if (colorType === 0 || colorType === 3 || colorType === 4) {
    for (let p = 0; p < count; p++) ids[p] = pixels[p * 4]!;
    return { width, height, ids };
  }
  const table = options.colorTable;
  if (!table) {
    throw new InputError(
      file,
      'unsupported-format',
      'colour-coded PNG but no colour table is set (e.g. voc, cityscapes or a JSON file)',
    );
  }
  for (let p = 0; p < count; p++) {
    const at = p * 4;
    const color = packRgb(pixels[at]!, pixels[at + 1]!, pixels[at + 2]!);
    const id = table.idOfColor.get(color);
    if (id === undefined) {
      const x = p % width;
      const y = Math.floor(p / width);
      throw new InputError(
        file,
        'unknown-colour',
        `colour rgb(${pixels[at]}, ${pixels[at + 1]}, ${pixels[at + 2]}) at (${x}, ${y}) is not in the ${table.name} colour table`,
      );
    }
    ids[p] = id;
  }
  return { width, height, ids, fromColors: true };
}
