/**
 * The WebAssembly kernels behind idRuns, bandOfIds and boundaryCountsOfRuns (wasm/boundaryKernels.ts)
 * against pixel-by-pixel oracles, at the widths where their vector loops have tails (not multiples of 16,
 * 8 or 4 ids, nor of 32 or 128 bits), with every id width they read, and across calls that reuse and grow
 * their memory. test/core/metrics/boundaryBands.test.ts covers random blocky maps.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BOUNDARY_KERNELS_WASM } from '../../../src/core/metrics/boundaryKernelsBinary';
import { kernelsWith } from '../../../src/core/metrics/boundaryWasm';
import {
  bandOfIds,
  boundaryCounts,
  boundaryCountsOfRuns,
  boundaryDistance,
} from '../../../src/core/metrics/boundaryIoU';
import { idRuns, mapRuns, type IdRuns } from '../../../src/core/metrics/idRuns';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { PixelTerms } from '../../../src/core/types';
import { oracleBoundary } from '../../helpers/oracle';

const ODD_WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 501];

/** Runs as the naive reading defines them: a run starts at x = 0 and wherever an id differs from its left neighbour. */
function naiveRuns(ids: ArrayLike<number>, width: number, height: number) {
  const rowStart = [0];
  const start: number[] = [];
  const id: number[] = [];
  const repeatsAbove: number[] = [];
  for (let y = 0; y < height; y++) {
    let sameAsAbove = y > 0 && width > 0;
    for (let x = 0; x < width; x++) {
      const value = ids[y * width + x]!;
      if (y > 0 && value !== ids[(y - 1) * width + x]) sameAsAbove = false;
      if (x === 0 || value !== ids[y * width + x - 1]) {
        start.push(x);
        id.push(value);
      }
    }
    repeatsAbove.push(sameAsAbove ? 1 : 0);
    rowStart.push(start.length);
  }
  return { rowStart, start, id, repeatsAbove };
}

function plainRuns(runs: IdRuns) {
  const count = runs.rowStart[runs.height]!;
  return {
    rowStart: Array.from(runs.rowStart),
    start: Array.from(runs.start.subarray(0, count)),
    id: Array.from(runs.id.subarray(0, count)),
    repeatsAbove: Array.from(runs.repeatsAbove),
  };
}

/** The band by the spec's square test: the square around p leaves the image or holds another id. */
function naiveBand(ids: ArrayLike<number>, width: number, height: number, d: number): number[] {
  const band: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let inBand = 0;
      for (let qy = y - d; qy <= y + d && !inBand; qy++)
        for (let qx = x - d; qx <= x + d && !inBand; qx++)
          if (qx < 0 || qy < 0 || qx >= width || qy >= height || ids[qy * width + qx] !== ids[y * width + x])
            inBand = 1;
      band.push(inBand);
    }
  return band;
}

/**
 * A map of horizontal runs drawn from `values` (lengths 1 to `longest`), where each row after the first
 * repeats the row above with probability `repeat`: long runs and repeated rows are what the kernels skip
 * over, single pixels and changes at every lane are what their masks must get right.
 */
function runMap(
  random: () => number,
  width: number,
  height: number,
  values: readonly number[],
  longest: number,
  repeat: number,
): number[] {
  const ids: number[] = [];
  for (let y = 0; y < height; y++) {
    if (y > 0 && random() < repeat) {
      ids.push(...ids.slice((y - 1) * width, y * width));
      continue;
    }
    for (let x = 0; x < width;) {
      const value = values[Math.floor(random() * values.length)]!;
      const length = 1 + Math.floor(random() * longest);
      for (let i = 0; i < length && x < width; i++, x++) ids.push(value);
    }
  }
  return ids;
}

/** The same ids at byte offsets 0 to 3 of their buffer (the kernels copy them; offsets must not matter). */
function atOffsets<T extends Uint8Array | Uint16Array>(ids: readonly number[], make: (length: number) => T): T[] {
  return [0, 1, 2, 3]
    .map((offset) => {
      const elements = offset / make(0).BYTES_PER_ELEMENT;
      if (!Number.isInteger(elements)) return make(0);
      const array = make(ids.length + elements).subarray(elements) as T;
      array.set(ids);
      return array;
    })
    .filter((array) => array.length === ids.length);
}

test('the wasm module is the one its source compiles to (scripts/build-wasm.mjs)', () => {
  const result = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--print'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(result.stdout.length > 1000, 'the compiler printed the module');
  assert.equal(BOUNDARY_KERNELS_WASM, result.stdout, 'run npm run build and commit boundaryKernelsBinary.ts');
});

test('runs of 8-bit ids at every width and alignment equal the naive runs', () => {
  const random = seededRandom(21);
  for (const width of ODD_WIDTHS)
    for (const [longest, repeat] of [
      [1, 0],
      [3, 0.3],
      [40, 0.6],
    ] as const) {
      const height = 1 + Math.floor(random() * 9);
      // 0 and 128 (sign bit), 255 (VOC's void) and neighbours that differ in one bit.
      const ids = runMap(random, width, height, [0, 1, 2, 128, 254, 255], longest, repeat);
      const expected = naiveRuns(ids, width, height);
      for (const bytes of atOffsets(ids, (n) => new Uint8Array(n)))
        assert.deepEqual(
          plainRuns(idRuns(bytes, width, height)),
          expected,
          `${width}x${height}, offset ${bytes.byteOffset}`,
        );
    }
});

test('runs of 16-bit ids above 255 compare whole ids, not their bytes', () => {
  const random = seededRandom(22);
  for (const width of ODD_WIDTHS) {
    const height = 1 + Math.floor(random() * 7);
    // 1 and 257 share their low byte, 256 and 512 their high byte's neighbour; 65535 is the top.
    const ids = runMap(random, width, height, [1, 257, 256, 512, 0, 65535], 1 + Math.floor(random() * 20), 0.3);
    const expected = naiveRuns(ids, width, height);
    for (const words of atOffsets(ids, (n) => new Uint16Array(n)))
      assert.deepEqual(
        plainRuns(idRuns(words, width, height)),
        expected,
        `${width}x${height}, offset ${words.byteOffset}`,
      );
  }
});

test('runs of other ids (Int32Array with void below 0, plain arrays) equal the naive runs', () => {
  const random = seededRandom(23);
  for (const width of ODD_WIDTHS) {
    const height = 1 + Math.floor(random() * 7);
    const ids = runMap(
      random,
      width,
      height,
      [-1, 0, 3, 70000, -70000, 2 ** 31 - 1],
      1 + Math.floor(random() * 9),
      0.3,
    );
    const expected = naiveRuns(ids, width, height);
    assert.deepEqual(plainRuns(idRuns(Int32Array.from(ids), width, height)), expected, `Int32Array ${width}x${height}`);
    assert.deepEqual(plainRuns(idRuns(ids, width, height)), expected, `number[] ${width}x${height}`);
  }
});

test('runs of empty, single-row, single-column and uniform maps', () => {
  for (const [width, height] of [
    [0, 0],
    [0, 3],
    [3, 0],
  ] as const) {
    const runs = idRuns(new Uint8Array(0), width, height);
    assert.deepEqual(plainRuns(runs), naiveRuns([], width, height), `${width}x${height}`);
  }
  const column = [5, 5, 6, 6, 6, 5, 7];
  assert.deepEqual(plainRuns(idRuns(Uint8Array.from(column), 1, 7)), naiveRuns(column, 1, 7), 'one column');
  const row = [5, 5, 6, 6, 6, 5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8];
  assert.deepEqual(plainRuns(idRuns(Uint16Array.from(row), 18, 1)), naiveRuns(row, 18, 1), 'one row');
  const uniform = new Uint8Array(501 * 4).fill(9);
  const runs = plainRuns(idRuns(uniform, 501, 4));
  assert.deepEqual(runs, {
    rowStart: [0, 1, 2, 3, 4],
    start: [0, 0, 0, 0],
    id: [9, 9, 9, 9],
    repeatsAbove: [0, 1, 1, 1],
  });
  assert.throws(() => idRuns(new Uint8Array(5), 2, 2), RangeError, 'ids that do not fill the map');
});

test('bands at odd widths, with 8- and 16-bit ids and bands wider than the map, equal the square test', () => {
  const random = seededRandom(24);
  for (const width of ODD_WIDTHS) {
    const height = 1 + Math.floor(random() * 40);
    for (const d of [1, 2, 5, Math.max(width, height)]) {
      const ids = runMap(random, width, height, [0, 1, 2], 2 * d + Math.floor(random() * 60), 0.7);
      const expected = naiveBand(ids, width, height, d);
      assert.deepEqual(
        Array.from(bandOfIds(Uint8Array.from(ids), width, height, d)),
        expected,
        `8-bit ${width}x${height} d=${d}`,
      );
      const wide = ids.map((v) => v * 300);
      assert.deepEqual(
        Array.from(bandOfIds(Uint16Array.from(wide), width, height, d)),
        expected,
        `16-bit ${width}x${height} d=${d}`,
      );
    }
  }
  // 2d + 1 just fits (one interior row or column) and just does not.
  for (const [width, height, d] of [
    [5, 5, 2],
    [5, 4, 2],
    [4, 5, 2],
    [1, 9, 1],
    [9, 1, 1],
    [3, 3, 1],
  ] as const) {
    const ids = new Uint8Array(width * height);
    assert.deepEqual(
      Array.from(bandOfIds(ids, width, height, d)),
      naiveBand(ids, width, height, d),
      `${width}x${height} d=${d}`,
    );
  }
});

test('boundary counts of 8-bit maps and of Int32 terms with void below 0 equal the oracle at odd widths', () => {
  const random = seededRandom(25);
  for (const width of [1, 15, 17, 33, 65, 129, 203]) {
    const height = 1 + Math.floor(random() * 50);
    const numClasses = 2 + Math.floor(random() * 4);
    const ratio = [0.02, 0.05, 0.2, 1][Math.floor(random() * 4)]!;
    const values = [...Array(numClasses).keys()];
    const label = runMap(random, width, height, [...values, 255], 4 + Math.floor(random() * 40), 0.6);
    const predicted = label.map((v) => (random() < 0.05 ? Math.floor(random() * (numClasses + 1)) : v % numClasses));
    const input = { width, height, numClasses, ignore: 255, scales: [2], label, hard: predicted };
    const expected = oracleBoundary(input, predicted, ratio);
    const where = `${width}x${height}, C = ${numClasses}, d = ${boundaryDistance(width, height, ratio)}`;
    const fromBytes = boundaryCountsOfRuns(
      mapRuns(Uint8Array.from(label), Uint8Array.from(predicted), width, height),
      numClasses,
      255,
      ratio,
    );
    assert.deepEqual(Array.from(fromBytes.intersection), expected.intersection, `${where}: 8-bit intersections`);
    assert.deepEqual(Array.from(fromBytes.union), expected.union, `${where}: 8-bit unions`);
    const terms: PixelTerms = {
      width,
      height,
      label: Int32Array.from(label, (v) => (v === 255 ? -1 : v)),
      predicted: Int32Array.from(predicted),
      truthProbability: new Float64Array(width * height),
      validPixels: label.filter((v) => v !== 255).length,
    };
    const fromTerms = boundaryCounts(terms, numClasses, ratio);
    assert.deepEqual(Array.from(fromTerms.intersection), expected.intersection, `${where}: Int32 intersections`);
    assert.deepEqual(Array.from(fromTerms.union), expected.union, `${where}: Int32 unions`);
  }
});

test('results stay as returned while later calls of other sizes reuse and replace the kernels’ memory', () => {
  const random = seededRandom(26);
  const [width, height] = [37, 23];
  const label = runMap(random, width, height, [0, 1, 2], 12, 0.5);
  const predicted = runMap(random, width, height, [0, 1, 2, 3], 12, 0.5);
  const labelRuns = idRuns(Uint8Array.from(label), width, height);
  const snapshot = plainRuns(labelRuns);
  // Another size in between, then one large enough to need a larger memory.
  const other = runMap(random, 129, 5, [4, 5], 3, 0);
  const otherRuns = idRuns(Uint16Array.from(other), 129, 5);
  const otherBand = bandOfIds(Uint8Array.from(other), 129, 5, 1);
  const oldBuffer = kernelsWith(0).buffer;
  const grownFrom = oldBuffer.byteLength;
  const [largeWidth, largeHeight] = [2400, 2000];
  const large = new Uint8Array(largeWidth * largeHeight);
  for (let p = 0; p < large.length; p++) large[p] = (((p % largeWidth) >> 4) + Math.floor(p / largeWidth / 3)) & 3;
  const largeRuns = idRuns(large, largeWidth, largeHeight);
  assert.ok(kernelsWith(0).buffer.byteLength > grownFrom, 'the large map needed a larger memory');
  // A grown memory detaches its old buffer, and one detached buffer slows V8's typed-array code for the
  // rest of the thread (boundaryWasm.ts): the old memory must be left as it was.
  assert.equal(oldBuffer.byteLength, grownFrom, 'the old memory is not detached');
  assert.deepEqual(plainRuns(largeRuns), naiveRuns(large, largeWidth, largeHeight), 'the large map');
  const predictedRuns = idRuns(Int32Array.from(predicted), width, height);
  assert.deepEqual(plainRuns(labelRuns), snapshot, 'the label runs after three more calls');
  assert.deepEqual(plainRuns(labelRuns), naiveRuns(label, width, height));
  assert.deepEqual(plainRuns(predictedRuns), naiveRuns(predicted, width, height));
  assert.deepEqual(plainRuns(otherRuns), naiveRuns(other, 129, 5), 'runs made before the memory grew');
  assert.deepEqual(Array.from(otherBand), naiveBand(other, 129, 5, 1), 'a band made before the memory grew');
  const counts = boundaryCountsOfRuns({ label: labelRuns, predicted: predictedRuns }, 3, 255, 0.1);
  const expected = oracleBoundary(
    { width, height, numClasses: 3, ignore: 255, scales: [2], label, hard: predicted },
    predicted,
    0.1,
  );
  assert.deepEqual(Array.from(counts.intersection), expected.intersection);
  assert.deepEqual(Array.from(counts.union), expected.union);
  // The counts are the caller's too: another pair's counts leave them as they were.
  const before = Array.from(counts.union);
  boundaryCountsOfRuns({ label: otherRuns, predicted: otherRuns }, 6, 255, 0.1);
  assert.deepEqual(Array.from(counts.union), before);
});
