import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { InputError, type InputErrorCode } from '../../src/core/errors';
import { vocColormap, vocColorTable } from '../../src/core/io/colorTable';
import { encodeNpy, readNpy } from '../../src/core/io/npy';
import { encodeIndexPng, PNG_SIGNATURE } from '../../src/core/io/pngChunks';
import { readPngClassMap } from '../../src/core/io/pngClassMap';
import { readLabel, readPrediction, type EngineOptions } from '../../src/core/io/readFiles';
import { classMapFromNpy, predictionFromNpy } from '../../src/core/io/softScores';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../src/core/options';
import { seededRandom } from '../../src/core/synthetic/scenes';
import type { ClassMap, Prediction } from '../../src/core/types';
import {
  chunkSpans,
  fixCrc,
  flipBits,
  hugeChunkLength,
  int,
  mutateChunkData,
  mutateNpyHeader,
  npyWithHeader,
  overwriteBytes,
  pick,
  reshuffleChunks,
  rewriteIhdr,
  truncate,
  type Random,
} from './mutations';

/**
 * Fuzz of the PNG and .npy readers with mutated real files. The contract under test: every input
 * ends in a value or a typed InputError with a known code and a one-line reason. Anything else
 * (TypeError, RangeError from an allocation, a non-Error throw, a map larger than the limit) fails
 * and prints the case number, seed file and mutation so it can be replayed with the same PRNG seed.
 */

const ROOT = resolve(__dirname, '../../..');
const SAMPLES = join(ROOT, 'samples/voc-mini');
const NUM_CLASSES = DEFAULT_METRIC_OPTIONS.numClasses;
const MAX_MEGAPIXELS = DEFAULT_READ_OPTIONS.maxMegapixels;
const MAX_PIXELS = MAX_MEGAPIXELS * 1e6;
const MAX_VALUES = MAX_PIXELS * NUM_CLASSES;
const COLOR_TABLE = vocColorTable();

// A Record over the union makes the compiler complain when a code is added to errors.ts and not here.
const CODES: Record<InputErrorCode, true> = {
  unreadable: true,
  'not-png': true,
  truncated: true,
  corrupt: true,
  'too-large': true,
  'unsupported-format': true,
  'bad-npy-header': true,
  'size-mismatch': true,
  'class-count-mismatch': true,
  'invalid-values': true,
  'unknown-colour': true,
  unpaired: true,
};

interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
}

// ---------- seeds: real sample files, cropped re-encodes of them, and hand-made formats ----------

function cropRgba(png: PNG, width: number, height: number): PNG {
  const out = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    png.data.copy(out.data, y * width * 4, y * png.width * 4, (y * png.width + width) * 4);
  return out;
}

/** Palette (VOC colours) re-encode of the top-left corner of a real label, so mutations stay cheap. */
function croppedIds(file: string, width: number, height: number): Uint16Array {
  const map = readPngClassMap(file, readFileSync(file), { maxMegapixels: MAX_MEGAPIXELS });
  const ids = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ids[y * width + x] = map.ids[y * map.width + x]!;
  return ids;
}

/** The same ids drawn in VOC colours as an RGB PNG: a colour-coded label that reads through the colour table. */
function colourCodedPng(ids: Uint16Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  const colors = vocColormap();
  ids.forEach((id, p) => png.data.set([...colors[id]!, 255], p * 4));
  return PNG.sync.write(png, { colorType: 2 });
}

/** An Adam7-interlaced 8-bit gray PNG (pngjs cannot write one): exercises the interlaced inflate path. */
function interlacedGrayPng(width: number, height: number, value: (x: number, y: number) => number): Buffer {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < height; y += dy) {
      if (x0 >= width) break;
      rows.push(0);
      for (let x = x0; x < width; x += dx) rows.push(value(x, y));
    }
  }
  const plain = encodeIndexPng(width, height, new Uint8Array(width * height), { kind: 'gray', bitDepth: 8 });
  const spans = chunkSpans(plain);
  const ihdr = Buffer.from(plain.subarray(spans[0]!.offset, spans[0]!.dataStart + 17));
  ihdr[8 + 12] = 1;
  fixCrc(ihdr, { ...spans[0]!, offset: 0, dataStart: 8 });
  const idatData = deflateSync(Buffer.from(rows));
  const idat = Buffer.alloc(12 + idatData.length);
  idat.writeUInt32BE(idatData.length, 0);
  idat.write('IDAT', 4, 'latin1');
  idatData.copy(idat, 8);
  fixCrc(idat, { type: 'IDAT', offset: 0, dataStart: 8, dataLength: idatData.length });
  const iend = plain.subarray(spans[spans.length - 1]!.offset);
  return Buffer.concat([PNG_SIGNATURE, ihdr, idat, iend]);
}

function pngSeeds(): Seed[] {
  const realLabel = join(SAMPLES, 'SegmentationClass/2007_000100.png');
  const rgb = PNG.sync.read(readFileSync(join(SAMPLES, 'JPEGImages/2007_000100.png')));
  const ids = Uint16Array.from({ length: 24 * 16 }, (_, i) => (i * 7) % 23);
  const labelIds = croppedIds(realLabel, 32, 24);
  return [
    { name: 'real-palette-label', bytes: readFileSync(join(SAMPLES, 'soft-labels/soft_000.png')) },
    { name: 'real-palette-prediction', bytes: readFileSync(join(SAMPLES, 'predictions/2007_000107.png')) },
    {
      name: 'cropped-palette-label',
      bytes: encodeIndexPng(32, 24, labelIds, { kind: 'palette', palette: vocColormap() }),
    },
    { name: 'colour-coded-label', bytes: colourCodedPng(labelIds, 32, 24) },
    { name: 'cropped-rgb-image', bytes: PNG.sync.write(cropRgba(rgb, 24, 16)) },
    { name: 'gray8', bytes: encodeIndexPng(24, 16, ids, { kind: 'gray', bitDepth: 8 }) },
    {
      name: 'gray16',
      bytes: encodeIndexPng(
        24,
        16,
        ids.map((v) => v * 1000),
        { kind: 'gray', bitDepth: 16 },
      ),
    },
    { name: 'interlaced-gray8', bytes: interlacedGrayPng(19, 13, (x, y) => (x + y) % NUM_CLASSES) },
  ];
}

function npySeeds(): Seed[] {
  const random = seededRandom(7);
  const [c, h, w] = [NUM_CLASSES, 6, 8];
  const logits = Float32Array.from({ length: c * h * w }, () => random() * 8 - 4);
  const probabilities = new Float64Array(h * w * c);
  for (let p = 0; p < h * w; p++)
    for (let k = 0; k < c; k++) probabilities[p * c + k] = k === p % c ? 0.8 : 0.2 / (c - 1);
  const realText = "{'descr': '<f4', 'fortran_order': False, 'shape': (21, 6, 8), }";
  return [
    { name: 'real-soft-prediction', bytes: readFileSync(join(SAMPLES, 'soft-predictions/soft_000.npy')) },
    { name: 'chw-f4-logits', bytes: encodeNpy([c, h, w], logits) },
    { name: 'hwc-f8-probabilities', bytes: encodeNpy([h, w, c], probabilities) },
    {
      name: 'u1-class-map',
      bytes: encodeNpy(
        [h, w],
        Uint8Array.from({ length: h * w }, (_, i) => i % c),
      ),
    },
    {
      name: 'v2-header-batch',
      bytes: npyWithHeader(
        2,
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 21, 6, 8), }\n",
        Buffer.from(logits.buffer),
      ),
    },
    {
      name: 'big-endian-f4',
      bytes: npyWithHeader(1, realText.replace('<f4', '>f4') + '\n', Buffer.from(logits.buffer.slice(0)).swap32()),
    },
    {
      name: 'f2-scores',
      bytes: npyWithHeader(1, realText.replace('<f4', '<f2') + '\n', Buffer.alloc(c * h * w * 2, 0x3c)),
    },
  ];
}

// ---------- oracle ----------

function checkClassMap(map: ClassMap, where: string): void {
  assert.ok(map.width > 0 && map.height > 0, `${where}: empty map ${map.width}x${map.height}`);
  assert.ok(map.width * map.height <= MAX_PIXELS, `${where}: ${map.width}x${map.height} is above the pixel limit`);
  assert.equal(map.ids.length, map.width * map.height, `${where}: ids do not match the size`);
}

function checkPrediction(prediction: Prediction, where: string): void {
  if (prediction.type === 'hard') return checkClassMap(prediction.map, where);
  const { width, height, channels, values } = prediction.scores;
  assert.ok(width * height <= MAX_PIXELS, `${where}: soft ${width}x${height} is above the pixel limit`);
  assert.equal(channels, NUM_CLASSES, `${where}: ${channels} channels`);
  assert.equal(values.length, width * height * channels, `${where}: values do not match the shape`);
  for (const v of values) assert.ok(Number.isFinite(v), `${where}: non-finite score`);
}

/** Runs one case; returns the error code (or 'ok') so the suite can check that mutations reach every kind of failure. */
function expectValueOrInputError(run: () => void, where: string): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    if (!(error instanceof InputError)) {
      const kind =
        error instanceof Error ? `${error.name}: ${error.message}` : `non-Error ${typeof error}: ${String(error)}`;
      assert.fail(`${where}: escaped ${kind}`);
    }
    assert.ok(Object.hasOwn(CODES, error.code), `${where}: unknown code ${error.code}`);
    assert.ok(
      error.reason.length > 0 && !/[\r\n]/.test(error.reason),
      `${where}: reason must be one line: ${JSON.stringify(error.reason)}`,
    );
    return error.code;
  }
}

type Mutation = (random: Random, bytes: Buffer) => Buffer;

const PNG_MUTATIONS: Record<string, Mutation> = {
  flipBits: (r, b) => flipBits(r, b),
  flipBitsPastSignature: (r, b) => flipBits(r, b, 8),
  overwriteBytes: (r, b) => overwriteBytes(r, b, 8),
  truncate,
  mutateChunkDataWithCrc: mutateChunkData,
  hugeChunkLength,
  rewriteIhdrWithCrc: rewriteIhdr,
  reshuffleChunks,
};

const NPY_MUTATIONS: Record<string, Mutation> = {
  flipBits: (r, b) => flipBits(r, b),
  overwriteHeaderBytes: (r, b) => Buffer.concat([overwriteBytes(r, Buffer.from(b.subarray(0, 128))), b.subarray(128)]),
  overwriteDataBytes: (r, b) => overwriteBytes(r, b, 128),
  truncate,
  mutateNpyHeader,
};

function mutate(random: Random, seed: Seed, mutations: Record<string, Mutation>): { name: string; bytes: Buffer } {
  const names = Object.keys(mutations);
  // Stack one to three mutations: single ones mostly die at the first check, stacks get deeper.
  let bytes = seed.bytes;
  const applied: string[] = [];
  for (let n = 1 + (random() < 0.25 ? int(random, 3) : 0); n > 0 && bytes.length > 8; n--) {
    const name = pick(random, names);
    bytes = mutations[name]!(random, bytes);
    applied.push(name);
  }
  return { name: applied.join('+'), bytes };
}

function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

const PNG_CASES = 5600;
const NPY_CASES = 4100;
const FILE_CASES = 300;

test(`PNG reader: ${PNG_CASES} mutated real and hand-made PNGs end in a class map or an InputError`, () => {
  const seeds = pngSeeds();
  for (const seed of seeds) {
    // The unmutated seeds must read (the photo only as far as its colours): otherwise the fuzz would only test the error path.
    const read = (): ClassMap =>
      readPngClassMap(seed.name, seed.bytes, { maxMegapixels: MAX_MEGAPIXELS, colorTable: COLOR_TABLE });
    if (seed.name === 'cropped-rgb-image')
      assert.throws(read, (e: unknown) => e instanceof InputError && e.code === 'unknown-colour');
    else checkClassMap(read(), seed.name);
  }
  const random = seededRandom(20240501);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < PNG_CASES; i++) {
    const seed = seeds[i % seeds.length]!;
    const { name, bytes } = mutate(random, seed, PNG_MUTATIONS);
    const where = `png case ${i} (${seed.name}, ${name})`;
    const withTable = random() < 0.5;
    tally(
      outcomes,
      expectValueOrInputError(() => {
        checkClassMap(
          readPngClassMap(where, bytes, {
            maxMegapixels: MAX_MEGAPIXELS,
            colorTable: withTable ? COLOR_TABLE : undefined,
          }),
          where,
        );
      }, where),
    );
  }
  // The mutations must reach past the cheap checks: decoding failures, the size limit and successes all occur.
  for (const code of ['ok', 'truncated', 'corrupt', 'too-large', 'not-png']) {
    assert.ok((outcomes.get(code) ?? 0) > 0, `no PNG case ended in ${code}: ${JSON.stringify([...outcomes])}`);
  }
});

test(`.npy reader: ${NPY_CASES} mutated soft predictions and class maps end in a prediction or an InputError`, () => {
  const seeds = npySeeds();
  const readOptions = { softValues: 'auto', softLayout: 'auto' } as const;
  for (const seed of seeds) {
    const array = readNpy(seed.name, seed.bytes, MAX_VALUES);
    checkPrediction(predictionFromNpy(seed.name, array, NUM_CLASSES, readOptions), seed.name);
  }
  const random = seededRandom(1234567);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < NPY_CASES; i++) {
    const seed = seeds[i % seeds.length]!;
    const { name, bytes } = mutate(random, seed, NPY_MUTATIONS);
    const where = `npy case ${i} (${seed.name}, ${name})`;
    const asLabel = random() < 0.2;
    tally(
      outcomes,
      expectValueOrInputError(() => {
        if (asLabel) {
          checkClassMap(classMapFromNpy(where, readNpy(where, bytes, MAX_PIXELS)), where);
        } else {
          const options = {
            softValues: pick(random, ['auto', 'logits', 'probabilities'] as const),
            softLayout: pick(random, ['auto', 'hwc', 'chw'] as const),
          };
          checkPrediction(predictionFromNpy(where, readNpy(where, bytes, MAX_VALUES), NUM_CLASSES, options), where);
        }
      }, where),
    );
  }
  for (const code of ['ok', 'bad-npy-header', 'truncated', 'too-large', 'unsupported-format', 'class-count-mismatch']) {
    assert.ok((outcomes.get(code) ?? 0) > 0, `no .npy case ended in ${code}: ${JSON.stringify([...outcomes])}`);
  }
});

test(`file readers: ${FILE_CASES} mutated files read from disk through readLabel and readPrediction`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-fuzz-'));
  const options: EngineOptions = {
    metric: DEFAULT_METRIC_OPTIONS,
    read: DEFAULT_READ_OPTIONS,
    colorTable: COLOR_TABLE,
  };
  const seeds = [
    ...pngSeeds().map((s) => ({ ...s, extension: '.png' })),
    ...npySeeds().map((s) => ({ ...s, extension: '.npy' })),
  ];
  const random = seededRandom(99);
  try {
    for (let i = 0; i < FILE_CASES; i++) {
      const seed = seeds[i % seeds.length]!;
      const { name, bytes } = mutate(random, seed, seed.extension === '.png' ? PNG_MUTATIONS : NPY_MUTATIONS);
      const file = join(dir, `case${i}${seed.extension}`);
      writeFileSync(file, bytes);
      const where = `file case ${i} (${seed.name}, ${name})`;
      for (const read of [readLabel, readPrediction] as const) {
        try {
          const value = await read(file, options);
          if ('ids' in value) checkClassMap(value, where);
          else checkPrediction(value, where);
        } catch (error) {
          expectValueOrInputError(() => {
            throw error;
          }, where);
          assert.equal((error as InputError).file, file, `${where}: the error must name the file`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
