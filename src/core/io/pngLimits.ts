import { crc32 } from 'node:zlib';
import { errorText } from '../errors';
import { PngFormatError, type PngChunk, type PngHeader } from './pngChunks';
import { inflateInto, InflateTooLargeError } from './reusableInflate';
import type { ReusableBuffer } from './reusableBuffer';

/**
 * Size checks that run before pngjs sees a buffer. pngjs sizes its buffers from the declared
 * header (and inflates interlaced images with no output limit at all), so a few hostile bytes
 * could otherwise cost gigabytes.
 */

/** Deflate cannot do better than 1032:1 (258-byte matches in ~2 bits); real zlib tops out near 1028:1. */
const MAX_DEFLATE_RATIO = 1032;
/** zlib header, adler32 and block headers of a tiny stream. */
const DEFLATE_SLACK_BYTES = 1024;
/** Extra inflated bytes past a non-interlaced image that are ignored rather than refused. */
const TRAILING_SLACK_BYTES = 1 << 20;

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes as [xStart, yStart, xStep, yStep]. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
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

/** The compressed image data; a view, not a copy, when it sits in one IDAT chunk (the usual case). */
function idatBytes(buffer: Uint8Array, chunks: readonly PngChunk[]): Uint8Array {
  const parts = chunks
    .filter((c) => c.type === 'IDAT')
    .map((c) => buffer.subarray(c.dataStart, c.dataStart + c.dataLength));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Bit depths the PNG spec allows for each colour type. */
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * pngjs reports a bad CRC or header field as "unrecognised content at end of stream" (its sync
 * reader throws before the real error is rethrown), so these are checked here with clear words.
 */
function checkStructure(buffer: Uint8Array, chunks: readonly PngChunk[]): void {
  for (const c of chunks) {
    const stored = new DataView(buffer.buffer, buffer.byteOffset + c.dataStart + c.dataLength, 4).getUint32(0);
    if (crc32(buffer.subarray(c.offset + 4, c.dataStart + c.dataLength)) !== stored) {
      throw new PngFormatError(
        'corrupt',
        `PNG chunk ${JSON.stringify(c.type)} at byte ${c.offset} fails its CRC check (damaged file)`,
      );
    }
  }
  const at = chunks[0]!.dataStart;
  const [bitDepth, colorType, compression, filter, interlace] = [
    buffer[at + 8]!,
    buffer[at + 9]!,
    buffer[at + 10]!,
    buffer[at + 11]!,
    buffer[at + 12]!,
  ];
  if (!DEPTHS[colorType]?.includes(bitDepth))
    throw new PngFormatError('corrupt', `PNG header is invalid: bit depth ${bitDepth} with colour type ${colorType}`);
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw new PngFormatError(
      'corrupt',
      `PNG header is invalid: compression ${compression}, filter ${filter}, interlace ${interlace}`,
    );
  }
}

/**
 * Checks a PNG before pngjs decodes it: CRCs and header fields; compressed data that could not
 * possibly fill the declared size (a forged header: decoding would allocate the full image for
 * nothing); and the image data inflated with a bound, because pngjs inflates interlaced images
 * with no output limit, and its own bounded inflate swallows zlib errors on Node 20 (a damaged
 * stream decodes to a silent all-zero class map). Returns the inflated image data, exactly the
 * declared size: in `into` when given (valid until its next use, see ReusableBuffer), else in a new
 * buffer.
 */
export function checkDecodeBounds(
  buffer: Uint8Array,
  chunks: readonly PngChunk[],
  header: PngHeader,
  into?: ReusableBuffer,
): Buffer {
  checkStructure(buffer, chunks);
  const expected = inflatedSize(header);
  const compressed = chunks.reduce((sum, c) => sum + (c.type === 'IDAT' ? c.dataLength : 0), 0);
  if (expected > compressed * MAX_DEFLATE_RATIO + DEFLATE_SLACK_BYTES) {
    throw new PngFormatError(
      'corrupt',
      `PNG declares ${header.width}x${header.height} (${expected} bytes of pixel data) but holds only ${compressed} compressed bytes, too few to fill it`,
    );
  }
  const inflated = into ? into.take(expected) : Buffer.allocUnsafe(expected);
  let written: number;
  try {
    // Non-interlaced decoders ignore trailing bytes past the image, so a little is tolerated (inflated,
    // counted, dropped); interlaced gets none.
    written = inflateInto(
      idatBytes(buffer, chunks),
      inflated,
      expected + (header.interlaced ? 0 : TRAILING_SLACK_BYTES),
    );
  } catch (error) {
    if (error instanceof InflateTooLargeError) {
      throw new PngFormatError(
        'corrupt',
        `PNG image data inflates past its declared ${header.width}x${header.height} size`,
      );
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const message = errorText(error);
    const truncated = code === 'Z_BUF_ERROR' || /unexpected end/i.test(message);
    throw new PngFormatError(truncated ? 'truncated' : 'corrupt', `PNG image data cannot be inflated: ${message}`);
  }
  if (written < expected) {
    throw new PngFormatError(
      'truncated',
      `PNG image data ends early: ${written} of ${expected} bytes for ${header.width}x${header.height}`,
    );
  }
  // Returned so the common 8-bit class-map case is unfiltered from it directly (pngIndexDecode), not inflated twice.
  return inflated;
}
