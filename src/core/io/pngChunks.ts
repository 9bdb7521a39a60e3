import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: number;
  readonly interlaced: boolean;
}

export interface PngChunk {
  readonly type: string;
  /** Offset of the chunk's length field in the file. */
  readonly offset: number;
  readonly dataStart: number;
  readonly dataLength: number;
}

/** Why a buffer is not a decodable PNG; the reader turns it into an InputError naming the file. */
export class PngFormatError extends Error {
  override readonly name = 'PngFormatError';
  constructor(
    readonly code: 'not-png' | 'truncated' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

/** Lists chunks without decoding anything: lets the header be checked before any inflate. */
export function listChunks(buffer: Uint8Array): PngChunk[] {
  if (buffer.length < 8 || !PNG_SIGNATURE.equals(buffer.subarray(0, 8))) {
    throw new PngFormatError('not-png', 'not a PNG file (bad signature)');
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < buffer.length) {
    if (offset + 12 > buffer.length)
      throw new PngFormatError('truncated', `PNG truncated inside a chunk header at byte ${offset}`);
    const dataLength = view.getUint32(offset);
    const type = String.fromCharCode(
      buffer[offset + 4]!,
      buffer[offset + 5]!,
      buffer[offset + 6]!,
      buffer[offset + 7]!,
    );
    const dataStart = offset + 8;
    if (dataStart + dataLength + 4 > buffer.length) {
      throw new PngFormatError(
        'truncated',
        `PNG truncated: chunk ${JSON.stringify(type)} needs ${dataLength} bytes past byte ${dataStart}`,
      );
    }
    chunks.push({ type, offset, dataStart, dataLength });
    offset = dataStart + dataLength + 4;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR' || chunks[0].dataLength !== 13)
    throw new PngFormatError('corrupt', 'PNG does not start with a valid IHDR chunk');
  if (!chunks.some((c) => c.type === 'IDAT')) throw new PngFormatError('truncated', 'PNG has no image data (IDAT)');
  if (chunks[chunks.length - 1]!.type !== 'IEND') throw new PngFormatError('truncated', 'PNG truncated: no IEND chunk');
  return chunks;
}

export function readHeader(buffer: Uint8Array, chunks: readonly PngChunk[]): PngHeader {
  const ihdr = chunks[0]!;
  const view = new DataView(buffer.buffer, buffer.byteOffset + ihdr.dataStart, 13);
  const header: PngHeader = {
    width: view.getUint32(0),
    height: view.getUint32(4),
    bitDepth: view.getUint8(8),
    colorType: view.getUint8(9),
    interlaced: view.getUint8(12) === 1,
  };
  if (header.width === 0 || header.height === 0)
    throw new PngFormatError('corrupt', `PNG declares an empty ${header.width}x${header.height} image`);
  return header;
}

function chunkBytes(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Copy of a palette PNG whose palette maps index i to colour (i, 0, 0), so that any decoder's red
 * channel is the palette index itself. Label PNGs carry class ids in the indices, not the colours.
 */
export function withIndexPalette(buffer: Uint8Array, chunks: readonly PngChunk[]): Buffer {
  const parts: Uint8Array[] = [buffer.subarray(0, 8)];
  for (const chunk of chunks) {
    const whole = buffer.subarray(chunk.offset, chunk.dataStart + chunk.dataLength + 4);
    if (chunk.type === 'PLTE') {
      const entries = Math.floor(chunk.dataLength / 3);
      const identity = new Uint8Array(entries * 3);
      for (let i = 0; i < entries; i++) identity[i * 3] = i;
      parts.push(chunkBytes('PLTE', identity));
    } else if (chunk.type === 'tRNS') {
      continue; // transparency would only touch alpha, which is not read
    } else {
      parts.push(whole);
    }
  }
  return Buffer.concat(parts);
}

/** Minimal encoder for tests, fixtures and the sample generator: 8-bit palette or 8/16-bit gray, no filtering. */
export function encodeIndexPng(
  width: number,
  height: number,
  ids: ArrayLike<number>,
  format:
    { kind: 'palette'; palette: readonly (readonly [number, number, number])[] } | { kind: 'gray'; bitDepth: 8 | 16 },
): Buffer {
  const bytesPerPixel = format.kind === 'gray' && format.bitDepth === 16 ? 2 : 1;
  const stride = width * bytesPerPixel + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ids[y * width + x]!;
      const at = y * stride + 1 + x * bytesPerPixel;
      if (bytesPerPixel === 2) raw.writeUInt16BE(v, at);
      else raw[at] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = format.kind === 'gray' ? format.bitDepth : 8;
  ihdr[9] = format.kind === 'gray' ? 0 : 3;
  const parts = [PNG_SIGNATURE, chunkBytes('IHDR', ihdr)];
  if (format.kind === 'palette') {
    const plte = new Uint8Array(format.palette.length * 3);
    format.palette.forEach(([r, g, b], i) => plte.set([r, g, b], i * 3));
    parts.push(chunkBytes('PLTE', plte));
  }
  parts.push(chunkBytes('IDAT', deflateSync(raw, { level: 6 })), chunkBytes('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
