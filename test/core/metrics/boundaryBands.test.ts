import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandOfIds, boundaryCountsOfRuns, boundaryDistance } from '../../../src/core/metrics/boundaryIoU';
import { idRuns, mapRuns } from '../../../src/core/metrics/idRuns';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import { oracleBoundary, type OracleInput } from '../../helpers/oracle';

/** The band as the spec defines it, pixel by pixel: the square around p leaves the image or holds another id. */
function naiveBand(ids: ArrayLike<number>, width: number, height: number, d: number): number[] {
  const band: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let inBand = 0;
      for (let dy = -d; dy <= d && !inBand; dy++)
        for (let dx = -d; dx <= d && !inBand; dx++) {
          const qx = x + dx;
          const qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= height || ids[qy * width + qx] !== ids[y * width + x])
            inBand = 1;
        }
      band.push(inBand);
    }
  return band;
}

/** Blocky maps (so interiors exist) of widths across several 32-bit words, with some noise. */
function blockyMap(random: () => number, width: number, height: number, classes: number, noise: number): number[] {
  const cellX = 1 + Math.floor(random() * 24);
  const cellY = 1 + Math.floor(random() * 24);
  const cells = new Map<number, number>();
  return Array.from({ length: width * height }, (_, p) => {
    if (random() < noise) return Math.floor(random() * (classes + 2));
    const key = Math.floor((p % width) / cellX) * 10007 + Math.floor(p / width / cellY);
    if (!cells.has(key)) cells.set(key, Math.floor(random() * classes));
    return cells.get(key)!;
  });
}

test('id runs reproduce the map row by row', () => {
  const random = seededRandom(11);
  for (let trial = 0; trial < 100; trial++) {
    const width = Math.floor(random() * 70);
    const height = 1 + Math.floor(random() * 20);
    const ids = Uint16Array.from(blockyMap(random, width, height, 5, 0.1));
    const runs = idRuns(ids, width, height);
    const rebuilt = new Uint16Array(width * height);
    for (let y = 0; y < height; y++)
      for (let r = runs.rowStart[y]!; r < runs.rowStart[y + 1]!; r++) {
        const to = r + 1 < runs.rowStart[y + 1]! ? runs.start[r + 1]! : width;
        assert.ok(to > runs.start[r]!, 'runs are not empty');
        if (r > runs.rowStart[y]!) assert.notEqual(runs.id[r], runs.id[r - 1], 'neighbouring runs differ');
        rebuilt.fill(runs.id[r]!, y * width + runs.start[r]!, y * width + to);
      }
    assert.deepEqual(rebuilt, ids);
    // The same runs from 32-bit ids, from 8-bit ids (four to a word), and from 8- and 16-bit ids not
    // aligned for the word comparisons.
    const unaligned = new Uint16Array(ids.length + 1).subarray(1);
    unaligned.set(ids);
    const bytes = Uint8Array.from(ids, (v) => v & 255);
    const unalignedBytes = new Uint8Array(ids.length + 3).subarray(3);
    unalignedBytes.set(bytes);
    const fromBytes = idRuns(bytes, width, height);
    assert.deepEqual(idRuns(unalignedBytes, width, height), fromBytes, 'unaligned 8-bit ids');
    assert.deepEqual(idRuns(Uint16Array.from(bytes), width, height), fromBytes, '8-bit ids as 16-bit');
    for (const other of [Int32Array.from(ids), unaligned]) {
      const again = idRuns(other, width, height);
      assert.deepEqual(again.rowStart, runs.rowStart);
      const count = runs.rowStart[height]!;
      assert.deepEqual(again.start.subarray(0, count), runs.start.subarray(0, count));
      assert.deepEqual(again.id.subarray(0, count), runs.id.subarray(0, count));
    }
  }
});

test('the band of an id map equals the spec’s square test, pixel by pixel, across word boundaries', () => {
  const random = seededRandom(3);
  const distances = new Set<number>();
  for (let trial = 0; trial < 150; trial++) {
    const width = 1 + Math.floor(random() * 140);
    const height = 1 + Math.floor(random() * 60);
    const d = 1 + Math.floor(random() * 9);
    distances.add(d);
    const ids = blockyMap(random, width, height, 4, random() < 0.5 ? 0 : 0.01);
    const band = bandOfIds(Uint16Array.from(ids), width, height, d);
    assert.deepEqual(Array.from(band), naiveBand(ids, width, height, d), `${width}x${height}, d = ${d}`);
  }
  assert.equal(distances.size, 9);
});

test('boundary counts from raw ids (void as the ignore index or ids ≥ C) equal the naive oracle on wide maps', () => {
  const random = seededRandom(5);
  for (let trial = 0; trial < 120; trial++) {
    const width = 20 + Math.floor(random() * 180);
    const height = 10 + Math.floor(random() * 80);
    const numClasses = 2 + Math.floor(random() * 6);
    const ratio = [0.01, 0.02, 0.05, 0.1][Math.floor(random() * 4)]!;
    const label = blockyMap(random, width, height, numClasses, 0.002).map((v) => (random() < 0.02 ? 255 : v));
    const hard = label.map((v, p) =>
      random() < 0.1 ? Math.floor(random() * (numClasses + 2)) : v === 255 ? (label[p + 1] ?? 0) % numClasses : v,
    );
    const input: OracleInput = { width, height, numClasses, ignore: 255, scales: [2], label, hard };
    const expected = oracleBoundary(input, hard, ratio);
    const counts = boundaryCountsOfRuns(
      mapRuns(Uint16Array.from(label), Uint16Array.from(hard), width, height),
      numClasses,
      255,
      ratio,
    );
    const where = `${width}x${height}, C = ${numClasses}, d = ${boundaryDistance(width, height, ratio)}`;
    assert.deepEqual(Array.from(counts.intersection), expected.intersection, `${where}: intersections`);
    assert.deepEqual(Array.from(counts.union), expected.union, `${where}: unions`);
  }
});

test('a band wider than the image leaves no interior: every valid pixel is in its class’s band', () => {
  const ids = Uint16Array.from([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(bandOfIds(ids, 6, 2, 3)), new Array<number>(12).fill(1));
  const counts = boundaryCountsOfRuns(mapRuns(ids, ids, 6, 2), 2, 255, 0.5);
  assert.deepEqual(Array.from(counts.intersection), [6, 6]);
  assert.deepEqual(Array.from(counts.union), [6, 6]);
});
