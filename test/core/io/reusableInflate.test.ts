import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  inflateInto,
  InflateError,
  InflateTooLargeError,
  reusesZlibStream,
  useInflateSyncForTests,
} from '../../../src/core/io/reusableInflate';

/** Deterministic bytes with runs, so that deflate finds matches as it does in class maps. */
function sampleBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    if ((state >>> 0) % 16 === 0) value = (state >>> 8) & 255;
    bytes[i] = value;
  }
  return bytes;
}

type Outcome = { readonly bytes: Uint8Array } | { readonly error: string };

/** What Node's own inflateSync makes of a stream, bounded as the PNG reader bounds it: the oracle. */
function byInflateSync(input: Uint8Array, maxOutput: number): Outcome {
  try {
    return { bytes: new Uint8Array(inflateSync(input, { maxOutputLength: maxOutput })) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError ? 'too-large' : String(code) };
  }
}

function byInflateInto(input: Uint8Array, outputLength: number, maxOutput: number): Outcome {
  const output = new Uint8Array(outputLength).fill(0xa5);
  try {
    const written = inflateInto(input, output, maxOutput);
    return { bytes: output.slice(0, written) };
  } catch (error) {
    if (error instanceof InflateTooLargeError) return { error: 'too-large' };
    assert.ok(error instanceof InflateError, String(error));
    return { error: String(error.code) };
  }
}

interface Case {
  readonly name: string;
  readonly input: Uint8Array;
  /** The caller's buffer: the image's declared size. */
  readonly outputLength: number;
  readonly maxOutput: number;
}

function cases(): Case[] {
  const list: Case[] = [];
  for (const [length, level] of [
    [1, 6],
    [4_000, 1],
    [70_000, 9],
    [188_250, 6],
  ] as const) {
    const data = sampleBytes(length, length + level);
    const stream = deflateSync(data, { level });
    const name = `${length} bytes, level ${level}`;
    list.push({ name: `${name}, exact size`, input: stream, outputLength: length, maxOutput: length });
    list.push({ name: `${name}, slack allowed`, input: stream, outputLength: length, maxOutput: length + 1024 });
    list.push({ name: `${name}, buffer larger`, input: stream, outputLength: length + 10, maxOutput: length + 10 });
    if (length > 1) {
      // More data than declared: kept up to the buffer, counted up to the bound.
      list.push({ name: `${name}, longer than declared`, input: stream, outputLength: length >> 1, maxOutput: length });
      list.push({ name: `${name}, past the bound`, input: stream, outputLength: length >> 1, maxOutput: length - 1 });
    }
    list.push({
      name: `${name}, bytes after the stream's end`,
      input: Buffer.concat([stream, Buffer.from([1, 2, 3, 4, 5])]),
      outputLength: length,
      maxOutput: length,
    });
    for (const cut of [2, 3, Math.floor(stream.length / 2), stream.length - 4, stream.length - 1]) {
      if (cut > 0 && cut < stream.length)
        list.push({
          name: `${name}, cut at ${cut}`,
          input: stream.subarray(0, cut),
          outputLength: length,
          maxOutput: length,
        });
    }
    for (const at of [0, 1, Math.floor(stream.length / 3), stream.length - 2]) {
      const damaged = Buffer.from(stream);
      damaged[at] = damaged[at]! ^ 0x5a;
      list.push({ name: `${name}, byte ${at} flipped`, input: damaged, outputLength: length, maxOutput: length });
    }
  }
  return list;
}

function expectedOf(c: Case): Outcome {
  const oracle = byInflateSync(c.input, c.maxOutput);
  return 'bytes' in oracle ? { bytes: oracle.bytes.slice(0, c.outputLength) } : oracle;
}

function checkEveryCase(): void {
  for (const c of cases()) assert.deepEqual(byInflateInto(c.input, c.outputLength, c.maxOutput), expectedOf(c), c.name);
}

test('on this Node, inflateInto reuses one zlib stream and the caller buffer (the fast path is not silently lost)', () => {
  assert.equal(reusesZlibStream(), true);
});

test('inflateInto gives what inflateSync gives: the bytes, the zlib error code, or too large past the bound', () => {
  checkEveryCase();
  // Twice through the same stream: nothing of one image or one failure leaks into the next.
  checkEveryCase();
});

test('inflateInto without the zlib handle (the fallback through inflateSync) gives the same', () => {
  useInflateSyncForTests(true);
  try {
    assert.equal(reusesZlibStream(), false);
    checkEveryCase();
  } finally {
    useInflateSyncForTests(false);
  }
  assert.equal(reusesZlibStream(), true);
});

test('a stream that failed leaves the next one whole', () => {
  const good = sampleBytes(50_000, 7);
  const stream = deflateSync(good);
  const damaged = Buffer.from(stream);
  damaged[1] = damaged[1]! ^ 0xff;
  for (let round = 0; round < 3; round++) {
    assert.throws(() => inflateInto(damaged, new Uint8Array(good.length), good.length), InflateError);
    assert.throws(() => inflateInto(stream.subarray(0, 100), new Uint8Array(good.length), good.length), {
      code: 'Z_BUF_ERROR',
    });
    const output = new Uint8Array(good.length);
    assert.equal(inflateInto(stream, output, good.length), good.length);
    assert.deepEqual(output, good);
  }
});
