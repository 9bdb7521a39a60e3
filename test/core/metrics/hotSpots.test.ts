import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pixelCostMap } from '../../../src/core/metrics/crossEntropy';
import { compareHotSpots, hotSpots } from '../../../src/core/metrics/hotSpots';
import type { HotSpotRegion } from '../../../src/core/types';
import { pixelTerms } from '../../../src/core/metrics/pixelTerms';
import { oracle, type OracleInput } from '../../helpers/oracle';
import { engineInputs, randomCase, randomV2Case } from '../../helpers/randomCases';
import { seededRandom } from '../../../src/core/synthetic/scenes';

interface NaiveGroup {
  wx: number;
  wy: number;
  c: number;
  effect: number;
  pixels: number[];
}

/**
 * Hot spots the obvious way: e_k(p) from the oracle run at the one scale k, groups enumerated window by
 * window, regions grown by breadth-first search over 4-adjacent windows with the same class and sign.
 */
function naiveHotSpots(input: OracleInput): HotSpotRegion[] {
  const { width, height, numClasses: C } = input;
  const valid = input.label.filter((y) => y !== input.ignore && y < C).length;
  if (valid === 0) return [];
  const spots: HotSpotRegion[] = [];
  for (const k of input.scales) {
    const e = oracle({ ...input, scales: [k] }).merge;
    const groups: NaiveGroup[] = [];
    for (let wy = 0; wy * k < height; wy++)
      for (let wx = 0; wx * k < width; wx++)
        for (let c = 0; c < C; c++) {
          const pixels: number[] = [];
          for (let y = wy * k; y < Math.min(height, wy * k + k); y++)
            for (let x = wx * k; x < Math.min(width, wx * k + k); x++)
              if (input.label[y * width + x] === c) pixels.push(y * width + x);
          const effect = pixels.reduce((s, p) => s + e[p]!, 0);
          if (pixels.length > 0 && Math.abs(effect) > 1e-9 * pixels.length) groups.push({ wx, wy, c, effect, pixels });
        }
    const seen = new Set<NaiveGroup>();
    for (const start of groups) {
      if (seen.has(start)) continue;
      const region = [start];
      seen.add(start);
      for (let i = 0; i < region.length; i++) {
        const g = region[i]!;
        for (const other of groups)
          if (
            !seen.has(other) &&
            other.c === g.c &&
            Math.sign(other.effect) === Math.sign(g.effect) &&
            Math.abs(other.wx - g.wx) + Math.abs(other.wy - g.wy) === 1
          ) {
            seen.add(other);
            region.push(other);
          }
      }
      const pixels = region.flatMap((g) => g.pixels);
      const xs = region.flatMap((g) => [g.wx * k, Math.min(width, g.wx * k + k) - 1]);
      const ys = region.flatMap((g) => [g.wy * k, Math.min(height, g.wy * k + k) - 1]);
      const effect = region.reduce((s, g) => s + g.effect, 0);
      // The windows as bits over the box's window grid, row-major, least significant bit first.
      const [left, top] = [Math.min(...region.map((g) => g.wx)), Math.min(...region.map((g) => g.wy))];
      const columns = Math.max(...region.map((g) => g.wx)) - left + 1;
      const rows = Math.max(...region.map((g) => g.wy)) - top + 1;
      const cells = new Uint8Array(Math.ceil((columns * rows) / 8));
      for (const g of region) {
        const bit = (g.wy - top) * columns + (g.wx - left);
        cells[Math.floor(bit / 8)] = cells[Math.floor(bit / 8)]! + 2 ** (bit % 8);
      }
      spots.push({
        scale: k,
        classId: start.c,
        effect,
        share: effect / (valid * input.scales.length),
        pixels: pixels.length,
        windows: region.length,
        box: {
          x: Math.min(...xs),
          y: Math.min(...ys),
          width: Math.max(...xs) - Math.min(...xs) + 1,
          height: Math.max(...ys) - Math.min(...ys) + 1,
        },
        cells,
      });
    }
  }
  return spots;
}

const byPlace = (a: HotSpotRegion, b: HotSpotRegion): number =>
  a.scale - b.scale || a.box.y - b.box.y || a.box.x - b.box.x || a.classId - b.classId || a.pixels - b.pixels;

function assertSameSpots(actual: HotSpotRegion[], expected: HotSpotRegion[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: ${actual.length} regions vs ${expected.length}`);
  const [a, b] = [[...actual].sort(byPlace), [...expected].sort(byPlace)];
  a.forEach((spot, i) => {
    const naive = b[i]!;
    const { effect, share, ...rest } = spot;
    const { effect: naiveEffect, share: naiveShare, ...naiveRest } = naive;
    assert.deepEqual(rest, naiveRest, `${where}: region ${i}`);
    assert.ok(Math.abs(effect - naiveEffect) <= 1e-9 * Math.max(1, Math.abs(naiveEffect)), `${where}: effect`);
    assert.ok(Math.abs(share - naiveShare) <= 1e-9 * Math.max(1, Math.abs(naiveShare)), `${where}: share`);
  });
}

test('hot spots: every region agrees with a naive window-by-window computation (v1 and v2 losses)', () => {
  let regions = 0;
  let negative = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const input = seed % 2 === 0 ? randomCase(seed) : randomV2Case(seed);
    const { label, prediction, options } = engineInputs(input);
    const terms = pixelTerms(label, prediction, options);
    const spots = hotSpots(terms, pixelCostMap(terms), options, Number.POSITIVE_INFINITY);
    assertSameSpots(spots, naiveHotSpots(input), `seed ${seed}`);
    regions += spots.length;
    negative += spots.filter((s) => s.effect < 0).length;
  }
  assert.ok(regions > 200, `only ${regions} regions: the cases are too easy`);
  assert.ok(negative > 0, 'Gaussian pooling gives some regions where merging adds cost');
});

test('hot spots come largest |effect| first, limited, and none on a perfect prediction', () => {
  for (let seed = 300; seed < 340; seed++) {
    const input = randomV2Case(seed);
    const { label, prediction, options } = engineInputs(input);
    const terms = pixelTerms(label, prediction, options);
    const spots = hotSpots(terms, pixelCostMap(terms), options, 3);
    assert.ok(spots.length <= 3);
    for (let i = 1; i < spots.length; i++) assert.ok(Math.abs(spots[i - 1]!.effect) >= Math.abs(spots[i]!.effect));
    // Exactly the first three of all regions in compareHotSpots' order.
    const all = hotSpots(terms, pixelCostMap(terms), options, Number.POSITIVE_INFINITY);
    assert.deepEqual(spots, [...all].sort(compareHotSpots).slice(0, 3), `seed ${seed}: the three largest`);
    const perfect = engineInputs({
      ...input,
      logits: undefined,
      hard: input.label.map((y) => (y < input.numClasses ? y : 0)),
    });
    const perfectTerms = pixelTerms(perfect.label, perfect.prediction, { ...perfect.options, pooling: 'uniform' });
    assert.deepEqual(
      hotSpots(perfectTerms, pixelCostMap(perfectTerms), { ...perfect.options, pooling: 'uniform' }),
      [],
    );
  }
});

test('collectors reuse their arrays from image to image: a large image, small ones, the large one again', () => {
  // 2x2 windows of one class each, as a checkerboard (4-adjacent windows differ in class) and soft
  // logits: every window is a group with an effect and a region of its own, 480 of them, so the kept
  // group arrays and region sums grow past their first size, then serve smaller images with stale
  // values beyond their counts.
  const random = seededRandom(11);
  const [width, height, numClasses] = [48, 40, 3];
  const label = Array.from(
    { length: width * height },
    (_, p) => (Math.floor((p % width) / 2) + Math.floor(p / width / 2)) % 2,
  );
  const logits = Array.from({ length: width * height * numClasses }, () => (random() - 0.5) * 8);
  const large: OracleInput = { width, height, numClasses, ignore: 255, scales: [2], label, logits };
  const cases = [large, randomCase(2), randomCase(4), randomV2Case(5), large];
  for (const [i, input] of cases.entries()) {
    const { label: map, prediction, options } = engineInputs(input);
    const terms = pixelTerms(map, prediction, options);
    const spots = hotSpots(terms, pixelCostMap(terms), options, Number.POSITIVE_INFINITY);
    if (input === large) assert.equal(spots.length, 480, 'a region per window in the large image');
    assertSameSpots(spots, naiveHotSpots(input), `image ${i}`);
  }
});
