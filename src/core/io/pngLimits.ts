import { inflateSync } from 'node:zlib';
import { PngFormatError, type PngChunk, type PngHeader } from './pngChunks';

/**
 * Size checks that run before pngjs sees a buffer. pngjs sizes its buffers from the declared
 * header (and inflates interlaced images with no output limit at all), so a few hostile bytes
 * could otherwise cost gigabytes.
 */

/** Deflate cannot do better than 1032:1 (258-byte matches in ~2 bits); real zlib tops out near 1028:1. */
const MAX_DEFLATE_RATIO = 1032;
/** zlib header, adler32 and block headers of a tiny stream. */
const DEFLATE_SLACK_BYTES = 1024;

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes as [xStart, yStart, xStep, yStep]. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
];

function filteredSize(width: number, height: number, bitsPerPixel: number): number {
  if (width <= 0 || height <= 0) return 0;
  return (Math.ceil((width * bitsPerPixel) / 8) + 1) * height;
}

/** Exact byte count of the filtered (inflated) image data the header promises. */
export function inflatedSize(header: PngHeader): number {
  const bitsPerPixel = (CHANNELS[header.colorType] ?? 4) * header.bitDepth;
  if (!header.interlaced) return filteredSize(header.width, header.height, bitsPerPixel);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    total += filteredSize(Math.ceil((header.width - x0) / dx), Math.ceil((header.height - y0) / dy), bitsPerPixel);
  }
  return total;
}

function idatBytes(buffer: Uint8Array, chunks: readonly PngChunk[]): Buffer {
  return Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => buffer.subarray(c.dataStart, c.dataStart + c.dataLength)));
}

/**
 * Refuses a PNG whose compressed data could not possibly fill its declared size (a forged or
 * damaged header: decoding it would allocate the full image for nothing), and bounds the
 * inflated size of interlaced images, which pngjs inflates without a limit.
 */
export function checkDecodeBounds(buffer: Uint8Array, chunks: readonly PngChunk[], header: PngHeader): void {
  const expected = inflatedSize(header);
  const compressed = chunks.reduce((sum, c) => sum + (c.type === 'IDAT' ? c.dataLength : 0), 0);
  if (expected > compressed * MAX_DEFLATE_RATIO + DEFLATE_SLACK_BYTES) {
    throw new PngFormatError(
      'corrupt',
      `PNG declares ${header.width}x${header.height} (${expected} bytes of pixel data) but holds only ${compressed} compressed bytes, too few to fill it`,
    );
  }
  if (!header.interlaced) return;
  try {
    inflateSync(idatBytes(buffer, chunks), { maxOutputLength: Math.max(expected, 1) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new PngFormatError('corrupt', `interlaced PNG image data inflates past its declared ${header.width}x${header.height} size`);
    }
    // Other zlib failures are left to the decoder, which reports them with its own words.
  }
}
