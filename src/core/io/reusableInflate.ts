import { constants, createInflate, inflateSync } from 'node:zlib';

/**
 * Inflates a zlib stream into a buffer the caller gives, through one zlib stream per thread reset
 * between images. `inflateSync` builds a zlib object (its 7 KB state and 32 KB window) and a fresh
 * output buffer for every call; image after image, glibc hands that memory back to the kernel and
 * takes it again, so a worker spent as long in page faults as in inflate itself. Into a reused
 * buffer, 5,796 VOC-sized PNGs inflate in 215 ms instead of 290-660 ms, with 6,000 page faults
 * instead of 17,000-34,000 (one thread, Node 20).
 *
 * Node's public zlib API cannot write into a given buffer, so this drives the stream's handle the way
 * Node's own `processChunkSync` does (`_handle.writeSync`, `_writeState`, `reset`). The handle is
 * internal: when it is not there in that shape (another runtime), `inflateInto` falls back to
 * `inflateSync` and copies, with the same results and errors (test/core/io/reusableInflate.test.ts
 * checks both paths against inflateSync, and that the fast one is used on this Node).
 */

/** What a zlib stream's handle offers in Node 10 to 24 (lib/zlib.js, processChunkSync). */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
  reset(): void;
  close(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

interface HandleStream {
  readonly handle: ZlibHandle;
  /** [output bytes still free, input bytes not consumed] after each write. */
  readonly state: Uint32Array;
}

/** A zlib error as Node's inflateSync throws it: message, errno and code ('Z_BUF_ERROR', 'Z_DATA_ERROR'). */
export class InflateError extends Error {
  constructor(
    message: string,
    readonly errno: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'InflateError';
  }
}

/** Thrown when the stream holds more than `maxOutput` bytes; Node's inflateSync throws ERR_BUFFER_TOO_LARGE then. */
export class InflateTooLargeError extends RangeError {
  constructor(readonly maxOutput: number) {
    super(`inflated data is larger than ${maxOutput} bytes`);
    this.name = 'InflateTooLargeError';
  }
}

function isHandle(value: unknown): value is ZlibHandle {
  const handle = value as Partial<Record<keyof ZlibHandle, unknown>> | null | undefined;
  return (
    typeof handle?.writeSync === 'function' && typeof handle.reset === 'function' && typeof handle.close === 'function'
  );
}

function openHandleStream(): HandleStream | undefined {
  const stream = createInflate() as unknown as { _handle?: unknown; _writeState?: unknown };
  const handle = stream._handle;
  const state = stream._writeState;
  if (!isHandle(handle) || !(state instanceof Uint32Array) || state.length < 2) return undefined;
  return { handle, state };
}

/** Output past the caller's buffer that is counted (against maxOutput) but not kept. */
const DISCARD_BYTES = 64 * 1024;

class HandleInflater {
  private stream: HandleStream | undefined;
  private error: InflateError | undefined;
  private discard: Uint8Array | undefined;

  constructor(stream: HandleStream) {
    this.adopt(stream);
  }

  /** Writes at most output.length bytes into `output`; returns how many. Output past that up to maxOutput is read and dropped. */
  inflate(input: Uint8Array, output: Uint8Array, maxOutput: number): number {
    const stream = this.stream ?? this.reopen();
    stream.handle.reset();
    const written = this.write(stream, input, 0, output);
    if (stream.state[0] !== 0) return written;
    // The caller's buffer is full and the stream may hold more: count it, keeping none. Each round
    // either fills the discard buffer or ends with room to spare (the stream's end or an error).
    const discard = (this.discard ??= new Uint8Array(DISCARD_BYTES));
    let total = written;
    do {
      total += this.write(stream, input, input.length - stream.state[1]!, discard);
      if (total > maxOutput) throw new InflateTooLargeError(maxOutput);
    } while (stream.state[0] === 0);
    return written;
  }

  /** One zlib call with the rest of the input from `inputOffset`; returns the bytes it wrote into `output`. */
  private write(stream: HandleStream, input: Uint8Array, inputOffset: number, output: Uint8Array): number {
    this.error = undefined;
    stream.handle.writeSync(
      constants.Z_FINISH,
      input,
      inputOffset,
      input.length - inputOffset,
      output,
      0,
      output.length,
    );
    const error = this.error as InflateError | undefined;
    if (error) {
      // A stream that failed is not trusted again: the next image gets a new one.
      this.stream = undefined;
      stream.handle.close();
      throw error;
    }
    return output.length - stream.state[0]!;
  }

  private reopen(): HandleStream {
    const stream = openHandleStream();
    if (!stream) throw new Error('zlib stream handle is no longer available');
    return this.adopt(stream);
  }

  /** Uses `stream` from now on, its errors caught for `write` to throw. */
  private adopt(stream: HandleStream): HandleStream {
    stream.handle.onerror = (message, errno, code) => {
      this.error = new InflateError(message, errno, code);
    };
    this.stream = stream;
    return stream;
  }
}

let inflater: HandleInflater | null | undefined;

function threadInflater(): HandleInflater | undefined {
  if (inflater === undefined) {
    const stream = openHandleStream();
    inflater = stream ? new HandleInflater(stream) : null;
  }
  return inflater ?? undefined;
}

/** Whether inflateInto reuses one zlib stream and the caller's buffer here (else it falls back to inflateSync). */
export function reusesZlibStream(): boolean {
  return threadInflater() !== undefined;
}

/**
 * Inflates `input` (a whole zlib stream) into `output`, returning the bytes written: all of the data
 * when it fits, else output.length. Data past `output` is inflated and counted but dropped; past
 * `maxOutput` bytes in all, InflateTooLargeError. zlib errors throw InflateError with zlib's message
 * and code, as inflateSync's do. Synchronous, so one stream per thread serves every caller.
 */
export function inflateInto(input: Uint8Array, output: Uint8Array, maxOutput: number): number {
  const reused = threadInflater();
  if (reused) return reused.inflate(input, output, maxOutput);
  let inflated: Buffer;
  try {
    inflated = inflateSync(input, { maxOutputLength: maxOutput });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
      throw new InflateTooLargeError(maxOutput);
    throw new InflateError(failure.message, failure.errno ?? 0, failure.code);
  }
  const written = Math.min(inflated.length, output.length);
  output.set(inflated.subarray(0, written));
  return written;
}

/** For tests: the fallback path, as on a runtime without the handle. */
export function useInflateSyncForTests(fallback: boolean): void {
  inflater = fallback ? null : undefined;
}
