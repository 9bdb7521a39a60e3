/**
 * Decodes the photo of an image (PNG or JPEG) to RGBA for a thumbnail. The size is checked against
 * the engine's pixel limit before the pixels are allocated, as for the label and prediction.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from '../errors';
import { listChunks, readHeader } from '../io/pngChunks';
import { checkDecodeBounds } from '../io/pngLimits';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA, 4 bytes a pixel. */
  readonly data: Uint8Array;
}

export function decodePhoto(file: string, maxMegapixels: number): RgbaImage {
  const bytes = readFileSync(file);
  const extension = extname(file).toLowerCase();
  if (extension === '.jpg' || extension === '.jpeg') {
    const image = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxMegapixels });
    return { width: image.width, height: image.height, data: image.data };
  }
  if (extension === '.png') {
    // The same checks as every PNG the engine reads: the declared size first, then a bounded inflate.
    const chunks = listChunks(bytes);
    const header = readHeader(bytes, chunks);
    if (header.width * header.height > maxMegapixels * 1e6)
      throw new InputError(file, 'too-large', `photo is ${header.width}×${header.height}, above the pixel limit`);
    checkDecodeBounds(bytes, chunks, header);
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
  }
  throw new InputError(file, 'unsupported-format', `photo type ${JSON.stringify(extension)} is not PNG or JPEG`);
}
