import { InputError } from '../errors';

export type NpyDtype = 'f2' | 'f4' | 'f8' | 'u1' | 'u2' | 'i1' | 'i2' | 'i4' | 'i8' | 'u4';

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Floats as float32/float64, integers as float64 (exact up to 2^53). */
  readonly values: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_SIZE: Record<NpyDtype, number> = { f2: 2, f4: 4, f8: 8, u1: 1, u2: 2, u4: 4, i1: 1, i2: 2, i4: 4, i8: 8 };
const MAX_HEADER_BYTES = 65536;

function bad(file: string, reason: string): InputError {
  return new InputError(file, 'bad-npy-header', reason);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

interface ParsedHeader {
  dtype: NpyDtype;
  littleEndian: boolean;
  shape: number[];
  dataOffset: number;
}

/** Parses the header dict without eval: only the three keys numpy writes are accepted. */
function parseHeader(file: string, buffer: Uint8Array): ParsedHeader {
  if (buffer.length < 10 || MAGIC.some((b, i) => buffer[i] !== b)) throw bad(file, 'not a .npy file (bad magic)');
  const major = buffer[6]!;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buffer.length < 12) throw bad(file, '.npy truncated inside its header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw bad(file, `unsupported .npy format version ${major}`);
  }
  if (headerLength > MAX_HEADER_BYTES) throw bad(file, `.npy header claims ${headerLength} bytes`);
  if (headerStart + headerLength > buffer.length) throw bad(file, '.npy truncated inside its header');
  const text = Buffer.from(buffer.subarray(headerStart, headerStart + headerLength)).toString('latin1');
  const descrText = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descrText || !fortran || !shapeMatch)
    throw bad(file, `.npy header is not a numpy header dict: ${JSON.stringify(text.trim().slice(0, 80))}`);
  // Structured, string and object dtypes ('<U10', '|O', "[('a', '<f4')]") are named in the reason rather than called a broken header.
  const descr = /^([<>|=])([a-z])(\d+)$/.exec(descrText[1]!);
  const dtype = (descr ? `${descr[2]}${descr[3]}` : '') as NpyDtype;
  if (!descr || !Object.hasOwn(ITEM_SIZE, dtype)) {
    throw new InputError(
      file,
      'unsupported-format',
      `.npy dtype ${JSON.stringify(descrText[1]!.slice(0, 40))} is not supported (float16/32/64 or integers)`,
    );
  }
  if (fortran[1] === 'True') throw bad(file, '.npy is in Fortran order; save it C-contiguous (np.ascontiguousarray)');
  const dims = shapeMatch[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = dims.map((d) => {
    if (!/^\d{1,10}$/.test(d)) throw bad(file, `.npy shape has a bad dimension ${JSON.stringify(d)}`);
    return Number(d);
  });
  // A zero-sized array has no pixels to score, and its other dimensions could be anything.
  if (shape.some((d) => d === 0))
    throw new InputError(file, 'unsupported-format', `.npy shape (${shape.join(', ')}) is empty`);
  return { dtype, littleEndian: descr[1] !== '>', shape, dataOffset: headerStart + headerLength };
}

/**
 * Reads a C-order .npy array; `maxElements` bounds allocation before anything is read. Aligned
 * little-endian floats are a view of `buffer` (not a copy): the caller hands the buffer over.
 */
export function readNpy(file: string, buffer: Uint8Array, maxElements: number): NpyArray {
  const { dtype, littleEndian, shape, dataOffset } = parseHeader(file, buffer);
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > maxElements)
      throw new InputError(
        file,
        'too-large',
        `.npy shape (${shape.join(', ')}) holds more than the ${maxElements} values allowed`,
      );
  }
  const itemSize = ITEM_SIZE[dtype];
  const available = buffer.length - dataOffset;
  if (available < count * itemSize) {
    throw new InputError(
      file,
      'truncated',
      `.npy truncated: shape (${shape.join(', ')}) needs ${count * itemSize} data bytes, file has ${available}`,
    );
  }
  const le = littleEndian;
  const dataStart = buffer.byteOffset + dataOffset;
  // Little-endian floats at an aligned offset (numpy pads the header to 64 bytes) are viewed in place:
  // a soft prediction is megabytes, and the copy cost as much as the finite check that follows it.
  if (le && (dtype === 'f4' || dtype === 'f8') && dataStart % itemSize === 0) {
    const values =
      dtype === 'f4'
        ? new Float32Array(buffer.buffer, dataStart, count)
        : new Float64Array(buffer.buffer, dataStart, count);
    return { dtype, shape, values };
  }
  const view = new DataView(buffer.buffer, dataStart, count * itemSize);
  let values: Float32Array | Float64Array;
  try {
    values = dtype === 'f4' || dtype === 'f2' ? new Float32Array(count) : new Float64Array(count);
  } catch (error) {
    // Within the limits but beyond this machine's memory: a skipped file, not a crashed run.
    if (error instanceof RangeError)
      throw new InputError(file, 'too-large', `.npy shape (${shape.join(', ')}) needs more memory than is available`);
    throw error;
  }
  if (le && (dtype === 'f4' || dtype === 'f8')) {
    new Uint8Array(values.buffer).set(buffer.subarray(dataOffset, dataOffset + count * itemSize));
    return { dtype, shape, values };
  }
  switch (dtype) {
    case 'f4':
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, le);
      break;
    case 'f8':
      for (let i = 0; i < count; i++) values[i] = view.getFloat64(i * 8, le);
      break;
    case 'f2':
      for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(i * 2, le));
      break;
    case 'u1':
      for (let i = 0; i < count; i++) values[i] = view.getUint8(i);
      break;
    case 'i1':
      for (let i = 0; i < count; i++) values[i] = view.getInt8(i);
      break;
    case 'u2':
      for (let i = 0; i < count; i++) values[i] = view.getUint16(i * 2, le);
      break;
    case 'i2':
      for (let i = 0; i < count; i++) values[i] = view.getInt16(i * 2, le);
      break;
    case 'u4':
      for (let i = 0; i < count; i++) values[i] = view.getUint32(i * 4, le);
      break;
    case 'i4':
      for (let i = 0; i < count; i++) values[i] = view.getInt32(i * 4, le);
      break;
    case 'i8':
      for (let i = 0; i < count; i++) values[i] = Number(view.getBigInt64(i * 8, le));
      break;
  }
  return { dtype, shape, values };
}

/** Writes a little-endian C-order .npy (tests, fixtures, sample data). */
export function encodeNpy(shape: readonly number[], values: Float32Array | Float64Array | Uint8Array): Buffer {
  const descr = values instanceof Float32Array ? '<f4' : values instanceof Float64Array ? '<f8' : '|u1';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from(MAGIC).copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, 'latin1'),
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  ]);
}
