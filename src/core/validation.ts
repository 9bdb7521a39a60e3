/**
 * Small readers for untrusted values (webview messages, persisted state, results files): each returns
 * the value with its type or throws a ValidationError naming the path and what was expected.
 */

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** What a reader throws; `toResult` turns it into a ParseResult. */
export class ValidationError extends Error {}

export function fail(path: string, expected: string): never {
  throw new ValidationError(`${path}: expected ${expected}`);
}

/** A plain object (JSON-like or structured-clone result), before its keys are checked. */
export function readPlainObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    fail(path, 'an object');
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    fail(path, 'a plain object');
  }
  return value as Record<string, unknown>;
}

/** A plain object whose keys are exactly the required ones plus, perhaps, some optional ones. */
export function readRecord(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  const record = readPlainObject(value, path);
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(`${path}.${key}`, 'no such field');
    }
  }
  for (const key of required) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) {
      fail(`${path}.${key}`, 'a value (field is missing)');
    }
  }
  return record;
}

export function readString(value: unknown, path: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length > maxLength) {
    fail(path, `a string of at most ${maxLength} characters`);
  }
  return value;
}

export function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `an integer in ${min}..${max}`);
  }
  return value;
}

export function readFiniteOrNull(value: unknown, path: string): number | null {
  if (value === null) {
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(path, 'a finite number or null');
  }
  return value;
}

/** An array of finite numbers, of exactly `length` items when given. */
export function readNumberArray(value: unknown, path: string, length?: number): readonly number[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    fail(path, length === undefined ? 'an array of numbers' : `an array of ${length} numbers`);
  }
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'number' || !Number.isFinite(item)) fail(`${path}[${i}]`, 'a finite number');
  }
  return value as readonly number[];
}

/** An array of finite numbers or nulls (an undefined metric), of exactly `length` items when given. */
export function readNullableNumberArray(value: unknown, path: string, length?: number): readonly (number | null)[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    fail(path, length === undefined ? 'an array of numbers or nulls' : `an array of ${length} numbers or nulls`);
  }
  for (let i = 0; i < value.length; i++) readFiniteOrNull(value[i], `${path}[${i}]`);
  return value as readonly (number | null)[];
}

export function readOneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(path, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function readArray(value: unknown, path: string, length: number): readonly unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    fail(path, `an array of length ${length}`);
  }
  return value;
}

export function readArrayUpTo(value: unknown, path: string, maxLength: number): readonly unknown[] {
  if (!Array.isArray(value) || value.length > maxLength) {
    fail(path, `an array of at most ${maxLength} items`);
  }
  return value;
}

/**
 * A typed array of exactly the expected kind and length. A bare ArrayBuffer is accepted as well
 * because a transport may hand over the buffer rather than the view.
 */
export function readTypedArray<T extends Int32Array | Float32Array | Float64Array | Uint8Array>(
  value: unknown,
  path: string,
  kind: { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number; readonly name: string },
  length: number,
): T {
  let array: unknown = value;
  if (value instanceof ArrayBuffer) {
    if (value.byteLength % kind.BYTES_PER_ELEMENT !== 0) {
      fail(path, `a buffer holding ${kind.name} data`);
    }
    array = new kind(value);
  }
  if (!(array instanceof kind) || array.length !== length) {
    fail(path, `an ${kind.name} of length ${length}`);
  }
  return array;
}

export function toResult<T>(read: () => T): ParseResult<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { ok: false, error: error.message };
    }
    throw error;
  }
}
