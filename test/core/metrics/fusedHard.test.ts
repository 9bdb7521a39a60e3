import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cost } from '../../../src/core/metrics/crossEntropy';
import { NEGLIGIBLE_EFFECT_PER_PIXEL } from '../../../src/core/metrics/adaptiveLoss';
import { fusedHardApplies, fusedHardMetrics, nestedScales, type GroupSink } from '../../../src/core/metrics/fusedHard';
import { evaluatePair, metricsFromTerms } from '../../../src/core/metrics/imageMetrics';
import { hardPixelTerms } from '../../../src/core/metrics/pixelTerms';
import type { MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap, HotSpot, ImageMetrics } from '../../../src/core/types';
import { blobMaps } from '../../helpers/randomCases';
import { naiveOutOfRange } from '../../helpers/oracle';

const SCALE_SETS: readonly (readonly number[])[] = [
  [2, 4, 8],
  [8, 2, 4],
  [2],
  [1],
  [1, 2],
  [3, 6, 12],
  [5],
  [2, 6],
  [3],
  [4, 8, 16, 32],
];

/** Random hard case: coherent label blobs, void (ignore and ids >= C), predictions right, wrong or out of range. */
function randomCase(seed: number): { label: ClassMap; prediction: ClassMap; options: MetricOptions } {
  const random = seededRandom(seed);
  const width = 1 + Math.floor(random() * 70);
  const height = 1 + Math.floor(random() * 50);
  const numClasses = 2 + Math.floor(random() * (random() < 0.2 ? 200 : 20));
  const ignoreIndex = random() < 0.15 ? Math.floor(random() * numClasses) : 255;
  const cell = 1 + Math.floor(random() * 9);
  const errorRate = random() * 0.6;
  const { label, prediction } = blobMaps(random, {
    width,
    height,
    numClasses,
    ignoreIndex,
    cell,
    ignoreBelow: 0.07,
    outOfRangeBelow: 0.1,
    errorRate,
  });
  let options: MetricOptions = {
    numClasses,
    ignoreIndex,
    scales: SCALE_SETS[seed % SCALE_SETS.length]!,
    hardEpsilon: random() < 0.15 ? 0 : 10 ** (-1 - random() * 4),
  };
  if (random() < 0.25) options = { ...options, scaleWeights: options.scales.map(() => random()) };
  return { label, prediction, options };
}

const close = (a: number | null, b: number | null, where: string): void => {
  if (a === null || b === null) {
    assert.equal(a, b, where);
    return;
  }
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${where}: fused ${a} vs general ${b}`);
};

function assertSameMetrics(fused: ImageMetrics, general: ImageMetrics, where: string): void {
  assert.equal(fused.validPixels, general.validPixels, `${where}: valid pixels`);
  for (const key of ['ce', 'adaptive', 'mergeEffect', 'miou', 'pixelAccuracy'] as const)
    close(fused[key], general[key], `${where}: ${key}`);
  assert.deepEqual(Object.keys(fused.perScale), Object.keys(general.perScale));
  for (const k of Object.keys(general.perScale)) close(fused.perScale[k]!, general.perScale[k]!, `${where}: L_${k}`);
  fused.perClassIoU.forEach((v, c) => close(v, general.perClassIoU[c]!, `${where}: IoU[${c}]`));
  assert.deepEqual(fused.confusion, general.confusion, `${where}: confusion`);
  assert.deepEqual(fused.boundary, general.boundary, `${where}: boundary counts`);
  assert.deepEqual(fused.perClassBoundaryIoU, general.perClassBoundaryIoU, `${where}: boundary IoU`);
  assert.equal(fused.boundaryMiou, general.boundaryMiou, `${where}: boundary mIoU`);
  // Regions of equal effect are ties that the general path breaks by rounding noise (its sums run
  // pixel by pixel), so the largest is compared by its size only.
  const [a, b] = [fused.largestHotSpot, general.largestHotSpot];
  assert.equal(a === null, b === null, `${where}: largest hot spot`);
  if (a && b) close(Math.abs(a.effect), Math.abs(b.effect), `${where}: largest hot spot effect`);
}

const byPlace = (a: HotSpot, b: HotSpot): number =>
  a.scale - b.scale || a.box.y - b.box.y || a.box.x - b.box.x || a.classId - b.classId || a.pixels - b.pixels;

/** Same regions (as sets: ties in |effect| may order differently), effects and shares to 1e-12. */
function assertSameSpots(fused: readonly HotSpot[], general: readonly HotSpot[], where: string): void {
  assert.equal(fused.length, general.length, `${where}: hot spots`);
  const [a, b] = [[...fused].sort(byPlace), [...general].sort(byPlace)];
  a.forEach((spot, i) => {
    const { effect, share, ...rest } = spot;
    const { effect: generalEffect, share: generalShare, ...generalRest } = b[i]!;
    assert.deepEqual(rest, generalRest, `${where}: hot spot ${i}`);
    close(effect, generalEffect, `${where}: hot spot ${i} effect`);
    close(share, generalShare, `${where}: hot spot ${i} share`);
  });
}

test('the fused hard kernel equals the general path to 1e-12 (odd sizes, void, out-of-range ids, scale sets)', () => {
  let fusedCases = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const { label, prediction, options } = randomCase(seed);
    const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options).metrics;
    const viaPair = evaluatePair(label, { type: 'hard', map: prediction }, options).metrics;
    assertSameMetrics(viaPair, general, `seed ${seed} (evaluatePair)`);
    if (!fusedHardApplies(options)) continue;
    fusedCases++;
    const fused = fusedHardMetrics(label, prediction, options);
    assert.equal(fused.validPixels, general.validPixels);
    close(fused.ce, general.ce, `seed ${seed}: ce`);
    assert.deepEqual(fused.outOfRange, {
      label: naiveOutOfRange(label.ids, options.numClasses, options.ignoreIndex),
      prediction: naiveOutOfRange(prediction.ids, options.numClasses, -1, {
        ids: label.ids,
        ignoreIndex: options.ignoreIndex,
      }),
    });
  }
  assert.ok(fusedCases > 400, `${fusedCases} cases took the fused kernel`);
});

/**
 * Blocky maps with no per-pixel noise: whole rows repeat the row above in both maps (the kernel then
 * reuses that row's segments), and pure windows of several classes sit side by side and under one
 * another, so the pure-window search meets rows that keep, split and end its intervals.
 */
function blockyCase(seed: number): { label: ClassMap; prediction: ClassMap; options: MetricOptions } {
  const random = seededRandom(seed);
  const width = 1 + Math.floor(random() * 90);
  const height = 1 + Math.floor(random() * 60);
  const numClasses = 2 + Math.floor(random() * 6);
  const ignoreIndex = 255;
  const cellWidth = 1 + Math.floor(random() * 20);
  const cellHeight = 1 + Math.floor(random() * 20);
  const errorRate = random() * 0.5;
  const cells = new Map<number, [number, number]>();
  const label = new Uint8Array(width * height);
  const predicted = new Uint8Array(width * height);
  for (let p = 0; p < label.length; p++) {
    const cell = Math.floor((p % width) / cellWidth) * 1000 + Math.floor(p / width / cellHeight);
    if (!cells.has(cell)) {
      const r = random();
      const y = r < 0.05 ? ignoreIndex : r < 0.08 ? numClasses + 3 : Math.floor(random() * numClasses);
      const q = random();
      const guess =
        q > errorRate
          ? Math.min(y, numClasses - 1)
          : q < 0.1 * errorRate
            ? numClasses
            : Math.floor(random() * numClasses);
      cells.set(cell, [y, guess]);
    }
    [label[p], predicted[p]] = cells.get(cell)!;
  }
  const options: MetricOptions = {
    numClasses,
    ignoreIndex,
    scales: SCALE_SETS[seed % SCALE_SETS.length]!,
    hardEpsilon: 10 ** (-1 - random() * 4),
  };
  return { label: { width, height, ids: label }, prediction: { width, height, ids: predicted }, options };
}

test('blocky maps (rows repeating the row above, pure windows of several classes) agree with the general path', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const { label, prediction, options } = blockyCase(seed);
    const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options);
    const fused = evaluatePair(label, { type: 'hard', map: prediction }, options);
    assertSameMetrics(fused.metrics, general.metrics, `seed ${seed}`);
    // Blocks make many regions of equal |effect|: at the limit, ties may pick different ones.
    if (general.maps.hotSpots.length < 12) assertSameSpots(fused.maps.hotSpots, general.maps.hotSpots, `seed ${seed}`);
  }
});

test('a second image reuses the kernel buffers without carrying counts over', () => {
  const big = randomCase(7);
  const first = evaluatePair(big.label, { type: 'hard', map: big.prediction }, big.options).metrics;
  // Other widths, class counts and scale sets in between, each against the general path; then the same
  // small image twice in a row (the buffers are reused as they are) and the big one again.
  const small = blockyCase(4);
  for (const { label, prediction, options } of [
    ...Array.from({ length: 40 }, (_, i) => randomCase(100 + i)),
    small,
    small,
  ]) {
    const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options).metrics;
    assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, options).metrics, general, 'in between');
  }
  assertSameMetrics(
    evaluatePair(big.label, { type: 'hard', map: big.prediction }, big.options).metrics,
    first,
    'again',
  );
});

test('a pass that throws half-way leaves nothing behind for the next image', () => {
  // Scales 2, 4, 8: when the smallest scale's first band is done, the larger scales hold its groups.
  const { label, prediction, options } = blockyCase(20);
  assert.deepEqual(options.scales, [2, 4, 8]);
  const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options).metrics;
  const failing = (): GroupSink => ({
    group: () => undefined,
    bandDone: () => {
      throw new Error('sink failed');
    },
  });
  // Once whole (its buffers are kept), once failing, once more.
  assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, options).metrics, general, 'before');
  assert.throws(() => fusedHardMetrics(label, prediction, options, failing), /sink failed/);
  assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, options).metrics, general, 'after a throw');
});

test('the hot spots of a fused evaluation are those of the general path', () => {
  let spots = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const { label, prediction, options } = randomCase(seed);
    if (!fusedHardApplies(options)) continue;
    const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options).maps.hotSpots;
    const fused = evaluatePair(label, { type: 'hard', map: prediction }, options).maps.hotSpots;
    // Only ties in |effect| at the limit could pick different regions; compare the full sets when below it.
    if (general.length < 12) assertSameSpots(fused, general, `seed ${seed}`);
    spots += fused.length;
  }
  assert.ok(spots > 300, `only ${spots} hot spots`);
});

test('v2 loss settings (Gaussian pooling, a Minkowski exponent) are not the v1 kernel’s; evaluatePair gives the general path’s results for them', () => {
  const options: MetricOptions = { numClasses: 21, ignoreIndex: 255, scales: [2, 4, 8], hardEpsilon: 1e-3 };
  assert.equal(fusedHardApplies({ ...options, pooling: 'uniform', minkowski: 1 }), true);
  assert.equal(fusedHardApplies({ ...options, pooling: 'gaussian' }), false);
  assert.equal(fusedHardApplies({ ...options, minkowski: 5 }), false);
  assert.equal(fusedHardApplies({ ...options, pooling: 'gaussian', minkowski: 5 }), false);
  for (let seed = 1; seed <= 40; seed++) {
    const { label, prediction, options: random } = randomCase(seed);
    const v2 = { ...random, pooling: 'gaussian' as const, minkowski: 2.5 };
    const general = metricsFromTerms(hardPixelTerms(label, prediction, v2), v2).metrics;
    assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, v2).metrics, general, `seed ${seed} v2`);
  }
});

test('the inspector maps of a fused evaluation are those of the general path', () => {
  const { label, prediction, options } = randomCase(11);
  const { hotSpots: fusedSpots, ...fused } = evaluatePair(label, { type: 'hard', map: prediction }, options).maps;
  const { hotSpots, ...general } = metricsFromTerms(hardPixelTerms(label, prediction, options), options).maps;
  assert.deepEqual({ ...fused }, { ...general });
  assertSameSpots(fusedSpots, hotSpots, 'maps');
});

/** Every (scale, band, window, class) group's merge effect, window by window from the definitions. */
function naiveGroupEffects(label: ClassMap, prediction: ClassMap, options: MetricOptions): Map<string, number> {
  const { width, height } = label;
  const { numClasses: C, ignoreIndex, hardEpsilon } = options;
  const truth = (p: number): number => {
    const guess = prediction.ids[p]!;
    return guess === label.ids[p] ? 1 - hardEpsilon : guess < C ? hardEpsilon / (C - 1) : 1 / C;
  };
  const effects = new Map<string, number>();
  for (const k of options.scales) {
    for (let top = 0; top < height; top += k) {
      for (let left = 0; left < width; left += k) {
        for (let c = 0; c < C; c++) {
          let n = 0;
          let costs = 0;
          let probability = 0;
          for (let y = top; y < Math.min(height, top + k); y++) {
            for (let x = left; x < Math.min(width, left + k); x++) {
              const p = y * width + x;
              if (label.ids[p] !== c || c === ignoreIndex) continue;
              n++;
              costs += cost(truth(p));
              probability += truth(p);
            }
          }
          const effect = costs - n * cost(probability / n);
          if (n > 0 && Math.abs(effect) > NEGLIGIBLE_EFFECT_PER_PIXEL * n)
            effects.set(`${k}:${top}:${(left / k) * C + c}`, effect);
        }
      }
    }
  }
  return effects;
}

test('the group effects handed to the sinks (for the hot spots) are those of the definitions', () => {
  let groups = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const { label, prediction, options } = randomCase(seed);
    if (!fusedHardApplies(options) || label.width * label.height > 1500) continue;
    const seen = new Map<string, number>();
    const bands = new Map<number, number[]>();
    fusedHardMetrics(label, prediction, options, (k) => ({
      group: (bandTop, key, _n, effect) => void seen.set(`${k}:${bandTop}:${key}`, effect),
      bandDone: (bandTop) => void bands.set(k, [...(bands.get(k) ?? []), bandTop]),
    }));
    const expected = naiveGroupEffects(label, prediction, options);
    assert.deepEqual([...seen.keys()].sort(), [...expected.keys()].sort(), `seed ${seed}`);
    for (const [key, effect] of expected) close(seen.get(key)!, effect, `seed ${seed} group ${key}`);
    for (const k of options.scales)
      assert.deepEqual(
        bands.get(k),
        Array.from({ length: Math.ceil(label.height / k) }, (_, i) => i * k),
      );
    groups += seen.size;
  }
  assert.ok(groups > 500, `only ${groups} groups with an effect`);
});

test('only nested scale sets take the fused kernel', () => {
  assert.deepEqual(nestedScales([8, 2, 4]), [2, 4, 8]);
  assert.deepEqual(nestedScales([3]), [3]);
  assert.equal(nestedScales([2, 3]), undefined);
  assert.equal(nestedScales([2, 4, 6]), undefined);
  const options: MetricOptions = { numClasses: 21, ignoreIndex: 255, scales: [2, 4, 8], hardEpsilon: 1e-3 };
  assert.equal(fusedHardApplies(options), true);
  assert.equal(fusedHardApplies({ ...options, scales: [2, 3] }), false);
});
