import { crc32 } from 'node:zlib';

/** Byte-level mutations for the reader fuzz tests; every one is driven by the caller's seeded PRNG. */

export type Random = () => number;

export const int = (random: Random, below: number): number => Math.floor(random() * below);
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

/** Values that tend to reach edge cases: zero, sign bits, all ones. */
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
/** 32-bit values for length/size fields: just past limits, sign bit, all ones. */
export const HUGE_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x00ffffff, 65536, 8001];

export function flipBits(random: Random, input: Buffer, from = 0): Buffer {
  const out = Buffer.from(input);
  const span = out.length - from;
  if (span <= 0) return out;
  for (let n = 1 + int(random, 8); n > 0; n--) out[from + int(random, span)]! ^= 1 << int(random, 8);
  return out;
}

export function overwriteBytes(random: Random, input: Buffer, from = 0): Buffer {
  const out = Buffer.from(input);
  const span = out.length - from;
  if (span <= 0) return out;
  for (let n = 1 + int(random, 8); n > 0; n--) {
    out[from + int(random, span)] = random() < 0.5 ? pick(random, INTERESTING_BYTES) : int(random, 256);
  }
  return out;
}

export function truncate(random: Random, input: Buffer): Buffer {
  return Buffer.from(input.subarray(0, int(random, input.length)));
}

interface ChunkSpan {
  readonly type: string;
  readonly offset: number;
  readonly dataStart: number;
  readonly dataLength: number;
}

/** Chunks of a well-formed PNG (the seeds are well formed, so no validation here). */
export function chunkSpans(png: Buffer): ChunkSpan[] {
  const spans: ChunkSpan[] = [];
  for (let offset = 8; offset + 12 <= png.length;) {
    const dataLength = png.readUInt32BE(offset);
    spans.push({ type: png.toString('latin1', offset + 4, offset + 8), offset, dataStart: offset + 8, dataLength });
    offset += 12 + dataLength;
  }
  return spans;
}

/** Recomputes a chunk's CRC so the mutation inside it gets past the CRC check and reaches the decoder. */
export function fixCrc(png: Buffer, chunk: ChunkSpan): void {
  const end = chunk.dataStart + chunk.dataLength;
  if (end + 4 > png.length) return;
  png.writeUInt32BE(crc32(png.subarray(chunk.offset + 4, end)), end);
}

/** Mutates the data of one chunk (IHDR, PLTE, IDAT, ...) and fixes its CRC. */
export function mutateChunkData(random: Random, input: Buffer): Buffer {
  const out = Buffer.from(input);
  const chunks = chunkSpans(out).filter((c) => c.dataLength > 0 && c.dataStart + c.dataLength + 4 <= out.length);
  if (chunks.length === 0) return flipBits(random, out); // an earlier mutation already broke the chunk layout
  const chunk = pick(random, chunks);
  for (let n = 1 + int(random, 4); n > 0; n--) {
    const at = chunk.dataStart + int(random, chunk.dataLength);
    if (random() < 0.5) out[at]! ^= 1 << int(random, 8);
    else out[at] = int(random, 256);
  }
  fixCrc(out, chunk);
  return out;
}

export function hugeChunkLength(random: Random, input: Buffer): Buffer {
  const out = Buffer.from(input);
  const chunks = chunkSpans(out);
  if (chunks.length === 0) return flipBits(random, out);
  const chunk = pick(random, chunks);
  out.writeUInt32BE(random() < 0.7 ? pick(random, HUGE_U32) : int(random, 0x100000000), chunk.offset);
  return out;
}

/**
 * Rewrites IHDR width/height/depth/colour type/interlace with a valid CRC: sizes far past the limit,
 * sizes just inside it (the data cannot fill them), and field combinations pngjs has to reject.
 */
export function rewriteIhdr(random: Random, input: Buffer): Buffer {
  const out = Buffer.from(input);
  const ihdr = chunkSpans(out)[0];
  if (!ihdr || ihdr.dataLength < 13 || ihdr.dataStart + 17 > out.length) return flipBits(random, out);
  const at = ihdr.dataStart;
  const dimension = (): number =>
    pick(random, [() => pick(random, HUGE_U32), () => 1 + int(random, 9000), () => 1 + int(random, 64), () => 0])();
  switch (int(random, 5)) {
    case 0:
      out.writeUInt32BE(dimension(), at);
      break;
    case 1:
      out.writeUInt32BE(dimension(), at + 4);
      break;
    case 2:
      out.writeUInt32BE(dimension(), at);
      out.writeUInt32BE(dimension(), at + 4);
      break;
    case 3:
      out[at + 8] = pick(random, [1, 2, 4, 8, 16, 3, 32, 0]);
      out[at + 9] = pick(random, [0, 2, 3, 4, 6, 1, 7]);
      break;
    default:
      out[at + 12] = pick(random, [0, 1, 2]);
      out[at + 10] = random() < 0.8 ? 0 : 1;
      out[at + 11] = random() < 0.8 ? 0 : 1;
  }
  fixCrc(out, ihdr);
  return out;
}

/** Drops or duplicates one chunk (a missing PLTE, two IHDRs, an IDAT sequence with a hole). */
export function reshuffleChunks(random: Random, input: Buffer): Buffer {
  const spans = chunkSpans(input).filter((c) => c.dataStart + c.dataLength + 4 <= input.length);
  if (spans.length === 0) return flipBits(random, input);
  const parts: Buffer[] = [input.subarray(0, 8)];
  const target = int(random, spans.length);
  const drop = random() < 0.5;
  spans.forEach((c, i) => {
    const bytes = input.subarray(c.offset, c.dataStart + c.dataLength + 4);
    if (i === target && drop) return;
    parts.push(bytes);
    if (i === target) parts.push(bytes);
  });
  return Buffer.concat(parts);
}

/** Splits the header of a well-formed .npy into its preamble, header text and data. */
function npyParts(npy: Buffer): { version: number; text: string; data: Buffer } {
  const version = npy[6]!;
  const headerStart = version === 1 ? 10 : 12;
  const length = version === 1 ? npy.readUInt16LE(8) : npy.readUInt32LE(8);
  return {
    version,
    text: npy.toString('latin1', headerStart, headerStart + length),
    data: npy.subarray(headerStart + length),
  };
}

export function npyWithHeader(version: number, text: string, data: Buffer, lengthOverride?: number): Buffer {
  const headerStart = version === 1 ? 10 : 12;
  const head = Buffer.alloc(headerStart);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const length = lengthOverride ?? Buffer.byteLength(text, 'latin1');
  if (version === 1) head.writeUInt16LE(length & 0xffff, 8);
  else head.writeUInt32LE(length >>> 0, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1'), data]);
}

const SHAPE_TEXTS = [
  '(99999999999, 3)',
  '(4294967296, 4294967296)',
  '(9999999999, 9999999999, 21)',
  '(0, 5)',
  '(-1, 8)',
  '(2.5, 4)',
  '((2, 3), 4)',
  '()',
  '(3,)',
  '(1, 1, 1, 1, 1, 21, 2, 2)',
  '(21, 0, 9999999999)',
  '(2L, 3L)',
  '(1e9, 21)',
  '(0x10, 4)',
  '(21, 6, 8, )',
  '(6,8,21)',
  '(21, 60, 80)',
  '(65536, 65536)',
];
const DESCRS = [
  '<f4',
  '>f4',
  '<f2',
  '<f8',
  '|u1',
  '<u2',
  '<i8',
  '<u8',
  '|b1',
  '<U10',
  '|O',
  '<c8',
  '<f16',
  "[('a', '<f4')]",
  '',
  '<f',
];

/** Rewrites the header dict the way hostile or foreign files do: shapes, dtypes, order, keys, length field. */
export function mutateNpyHeader(random: Random, input: Buffer): Buffer {
  if (input.length < 12) return flipBits(random, input); // an earlier truncation left no header to edit
  const { version, text, data } = npyParts(input);
  switch (int(random, 9)) {
    case 0:
      return npyWithHeader(
        version,
        text.replace(/'shape'\s*:\s*\([^)]*\)/, `'shape': ${pick(random, SHAPE_TEXTS)}`),
        data,
      );
    case 1:
      return npyWithHeader(version, text.replace(/'descr'\s*:\s*'[^']*'/, `'descr': '${pick(random, DESCRS)}'`), data);
    case 2:
      return npyWithHeader(version, text.replace('False', 'True'), data);
    case 3:
      return npyWithHeader(version, text, data, pick(random, HUGE_U32));
    case 4:
      return npyWithHeader(
        version,
        text.replace(pick(random, ["'descr'", "'shape'", "'fortran_order'"]), "'other'"),
        data,
      );
    case 5:
      return npyWithHeader(random() < 0.5 ? 2 : 3, text, data);
    case 6:
      return npyWithHeader(version, text, data.subarray(0, int(random, data.length)));
    case 7:
      return npyWithHeader(version, text.slice(0, int(random, text.length)), data);
    default: {
      const bytes = Buffer.from(text, 'latin1');
      bytes[int(random, bytes.length)] = pick(random, [0x28, 0x29, 0x2c, 0x27, 0x3a, 0x00, 0x0a, 0x39, 0x2d]); // ( ) , ' : NUL LF 9 -
      return npyWithHeader(version, bytes.toString('latin1'), data);
    }
  }
}
