import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adaptiveLoss, mergeEffectMap } from '../../../src/core/metrics/adaptiveLoss';
import { pixelCostMap } from '../../../src/core/metrics/crossEntropy';
import { fusedHardApplies, type GroupSink } from '../../../src/core/metrics/fusedHard';
import { fusedHardWeightedMetrics } from '../../../src/core/metrics/fusedHardWeighted';
import { evaluatePair, metricsFromTerms } from '../../../src/core/metrics/imageMetrics';
import { hardPixelTerms } from '../../../src/core/metrics/pixelTerms';
import type { MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap, HotSpot, ImageMetrics } from '../../../src/core/types';
import { blobMaps } from '../../helpers/randomCases';
import { classMap, goldenOptions, goldenPrediction } from '../../helpers/fixtures';
import { goldenCases, relativeClose } from '../../helpers/golden';
import { oracle, naiveOutOfRange } from '../../helpers/oracle';

const SCALE_SETS: readonly (readonly number[])[] = [[2, 4, 8], [1, 3, 6], [4], [2, 3], [8, 2, 4]];
const CLASS_COUNTS = [2, 3, 21, 150];
const VARIANTS: readonly Pick<MetricOptions, 'pooling' | 'poolingSigma' | 'minkowski'>[] = [
  { pooling: 'gaussian', poolingSigma: 0.5, minkowski: 5 },
  { pooling: 'gaussian', poolingSigma: 0.3, minkowski: 1 },
  { pooling: 'gaussian', poolingSigma: 0.5, minkowski: 2 },
  { pooling: 'gaussian', poolingSigma: 0.3, minkowski: 5 },
  { pooling: 'uniform', minkowski: 5 },
  { pooling: 'uniform', minkowski: 2 },
  // Corner weights down to 1e-17 (σ·k small), nearly flat ones (σ large), a fractional exponent.
  { pooling: 'gaussian', poolingSigma: 0.05, minkowski: 5 },
  { pooling: 'gaussian', poolingSigma: 0.1, minkowski: 3 },
  { pooling: 'gaussian', poolingSigma: 4, minkowski: 1.5 },
];

interface Case {
  readonly label: ClassMap;
  readonly prediction: ClassMap;
  readonly options: MetricOptions;
}

/** Sizes that are not multiples of 8 (and 1×N, N×1), then larger ones. */
function sizeOf(seed: number, random: () => number): [number, number] {
  if (seed % 11 === 0) return [1, 1 + Math.floor(random() * 60)];
  if (seed % 11 === 1) return [1 + Math.floor(random() * 60), 1];
  return [1 + Math.floor(random() * 70), 1 + Math.floor(random() * 50)];
}

/**
 * Random hard case: label blobs (so windows hold pure groups and whole pure windows), void (ignore and
 * ids >= C), predictions right, wrong or out of range (ids >= C), at a rate from none to most pixels.
 */
function randomCase(seed: number): Case {
  const random = seededRandom(seed);
  const [width, height] = sizeOf(seed, random);
  const numClasses = CLASS_COUNTS[seed % CLASS_COUNTS.length]!;
  const ignoreIndex = random() < 0.15 ? Math.floor(random() * numClasses) : 255;
  const cell = 1 + Math.floor(random() * 12);
  const errorRate = random() < 0.2 ? 0 : random() * 0.5;
  const { label, prediction } = blobMaps(random, {
    width,
    height,
    numClasses,
    ignoreIndex,
    cell,
    ignoreBelow: 0.05,
    outOfRangeBelow: 0.07,
    errorRate,
  });
  const options: MetricOptions = {
    numClasses,
    ignoreIndex,
    scales: SCALE_SETS[seed % SCALE_SETS.length]!,
    hardEpsilon: random() < 0.1 ? 0 : 10 ** (-1 - random() * 4),
    ...VARIANTS[seed % VARIANTS.length]!,
  };
  return { label, prediction, options };
}

const close = (a: number | null, b: number | null, where: string): void => {
  if (a === null || b === null) {
    assert.equal(a, b, where);
    return;
  }
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${where}: fused ${a} vs reference ${b}`);
};

function assertSameMetrics(fused: ImageMetrics, general: ImageMetrics, where: string): void {
  assert.equal(fused.validPixels, general.validPixels, `${where}: valid pixels`);
  for (const key of ['ce', 'adaptive', 'mergeEffect', 'miou', 'pixelAccuracy', 'boundaryMiou'] as const)
    close(fused[key], general[key], `${where}: ${key}`);
  assert.deepEqual(Object.keys(fused.perScale), Object.keys(general.perScale));
  for (const k of Object.keys(general.perScale)) close(fused.perScale[k]!, general.perScale[k]!, `${where}: L_${k}`);
  assert.deepEqual(fused.perClassIoU, general.perClassIoU, `${where}: IoU`);
  assert.deepEqual(fused.confusion, general.confusion, `${where}: confusion`);
  assert.deepEqual(fused.boundary, general.boundary, `${where}: boundary counts`);
}

/**
 * The ranked hot spots, in order: regions, boxes, pixels and windows identical, effects and shares to
 * 1e-12. Regions whose |effect| ties (to rounding) with another's may swap places, as the two paths sum
 * in other orders: a different region is accepted only when its |effect| equals the reference's there
 * (checked first) and it is ranked by the general path too, or the tie is at the limit.
 */
function assertSameSpots(fused: readonly HotSpot[], general: readonly HotSpot[], where: string): number {
  assert.equal(fused.length, general.length, `${where}: hot spots`);
  let ties = 0;
  fused.forEach((spot, i) => {
    const reference = general[i]!;
    close(spot.effect, reference.effect, `${where}: hot spot ${i} effect`);
    close(spot.share, reference.share, `${where}: hot spot ${i} share`);
    const { effect: _e, share: _s, ...rest } = spot;
    const { effect: _ge, share: _gs, ...referenceRest } = reference;
    if (JSON.stringify(rest) === JSON.stringify(referenceRest)) return;
    const sameRegion = (other: HotSpot): boolean =>
      other.scale === spot.scale &&
      other.classId === spot.classId &&
      JSON.stringify(other.box) === JSON.stringify(spot.box);
    const last = general[general.length - 1]!;
    const atLimit =
      Math.abs(Math.abs(spot.effect) - Math.abs(last.effect)) <= 1e-9 * Math.max(1, Math.abs(last.effect));
    assert.ok(
      general.some(sameRegion) || atLimit,
      `${where}: hot spot ${i} differs and is not a tie: ${JSON.stringify(spot)} vs ${JSON.stringify(reference)}`,
    );
    ties++;
  });
  return ties;
}

/** Ids >= C in a map other than `allowed` (the labels' ignore index): how many, and the largest. */
/** Mean of the general path's merge-effect map over valid pixels: the spec's image-level merge effect. */
function meanOfMergeMap(label: ClassMap, prediction: ClassMap, options: MetricOptions): number {
  const terms = hardPixelTerms(label, prediction, options);
  const map = mergeEffectMap(terms, pixelCostMap(terms), options);
  let sum = 0;
  for (let p = 0; p < map.length; p++) if (terms.label[p]! >= 0) sum += map[p]!;
  return terms.validPixels > 0 ? sum / terms.validPixels : Number.NaN;
}

test('the weighted hard kernel equals the general path to 1e-12 (sizes, classes, void, outside ids, scales, σ, m)', () => {
  let ties = 0;
  let spots = 0;
  for (let seed = 1; seed <= 720; seed++) {
    const { label, prediction, options } = randomCase(seed);
    assert.equal(fusedHardApplies(options), false);
    const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options);
    const fused = evaluatePair(label, { type: 'hard', map: prediction }, options);
    const where = `seed ${seed} (${label.width}x${label.height}, C=${options.numClasses}, ${JSON.stringify(options.scales)})`;
    assertSameMetrics(fused.metrics, general.metrics, where);
    close(fused.metrics.mergeEffect, meanOfMergeMap(label, prediction, options), `${where}: mean of M`);
    assert.deepEqual(fused.outOfRange, {
      label: naiveOutOfRange(label.ids, options.numClasses, options.ignoreIndex),
      prediction: naiveOutOfRange(prediction.ids, options.numClasses, -1, {
        ids: label.ids,
        ignoreIndex: options.ignoreIndex,
      }),
    });
    ties += assertSameSpots(fused.maps.hotSpots, general.maps.hotSpots, where);
    spots += fused.maps.hotSpots.length;
  }
  assert.ok(spots > 2000, `only ${spots} hot spots`);
  assert.ok(ties < spots / 20, `${ties} of ${spots} hot spots only matched as ties`);
});

test('per-scale group-cost means (what the merge effect subtracts) equal the general path', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const { label, prediction, options } = randomCase(seed);
    const fused = fusedHardWeightedMetrics(label, prediction, options).adaptive;
    const general = adaptiveLoss(hardPixelTerms(label, prediction, options), options);
    general.meanGroupCost.forEach((v, i) => close(fused.meanGroupCost[i]!, v, `seed ${seed}: mean group cost ${i}`));
    general.perScale.forEach((v, i) => close(fused.perScale[i]!, v, `seed ${seed}: L ${i}`));
  }
});

test('the weighted hard kernel equals the naive oracle (full vectors, exp per pixel) on small maps', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const { label, prediction, options } = randomCase(seed);
    // With ε = 0 the oracle's merged vectors can sum to 1 + ulp: a cost of -1e-17 and a negative base
    // under the Minkowski root (NaN). The general path clamps there; the test above covers ε = 0.
    if (label.ids.length > 900 || options.hardEpsilon === 0) continue;
    const { numClasses, ignoreIndex, scales, hardEpsilon, pooling, poolingSigma, minkowski } = options;
    const expected = oracle({
      width: label.width,
      height: label.height,
      numClasses,
      ignore: ignoreIndex,
      scales: [...scales],
      label: Array.from(label.ids),
      hard: Array.from(prediction.ids),
      hardEps: hardEpsilon,
      ...(pooling ? { pooling } : {}),
      ...(poolingSigma ? { poolingSigma } : {}),
      ...(minkowski ? { minkowski } : {}),
    });
    const { metrics } = evaluatePair(label, { type: 'hard', map: prediction }, options);
    if (metrics.validPixels === 0) continue;
    // The oracle sums full probability vectors pixel by pixel: 1e-9 covers its rounding.
    const near = (a: number | null, b: number, what: string): void =>
      assert.ok(a !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `seed ${seed}: ${what} ${a} vs ${b}`);
    near(metrics.ce, expected.ce, 'ce');
    near(metrics.adaptive, expected.adaptive, 'adaptive');
    near(metrics.mergeEffect, expected.mergeMean, 'merge effect');
    scales.forEach((k, i) => near(metrics.perScale[String(k)]!, expected.perScale[i]!, `L_${k}`));
  }
});

test('the v1 loss on nested scales keeps the v1 kernel; every other variant takes the weighted one', () => {
  const options: MetricOptions = { numClasses: 21, ignoreIndex: 255, scales: [2, 4, 8], hardEpsilon: 1e-3 };
  assert.equal(fusedHardApplies(options), true);
  assert.equal(fusedHardApplies({ ...options, pooling: 'gaussian', minkowski: 5 }), false);
  assert.equal(fusedHardApplies({ ...options, scales: [2, 3] }), false);
});

test('a second image reuses the weighted kernel buffers without carrying counts over', () => {
  const big = randomCase(7);
  const first = evaluatePair(big.label, { type: 'hard', map: big.prediction }, big.options).metrics;
  for (let seed = 100; seed < 160; seed++) {
    const { label, prediction, options } = randomCase(seed);
    const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options).metrics;
    assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, options).metrics, general, `seed ${seed}`);
  }
  assertSameMetrics(
    evaluatePair(big.label, { type: 'hard', map: big.prediction }, big.options).metrics,
    first,
    'again',
  );
});

test('the hard golden cases (golden.json and golden-v2.json) through the weighted kernel match to 1e-6', () => {
  let cases = 0;
  for (const c of goldenCases()) {
    const prediction = goldenPrediction(c);
    if (prediction.type !== 'hard') continue;
    cases++;
    const label = classMap(c.label);
    const options = goldenOptions(c);
    const fused = fusedHardWeightedMetrics(label, prediction.map, options);
    const near = (actual: number, expected: number, what: string): void =>
      assert.ok(relativeClose(actual, expected, 1e-6), `${c.name}: ${what} ${actual} vs golden ${expected}`);
    near(fused.ce, c.expect.ce, 'CE');
    near(fused.adaptive.adaptive, c.expect.adaptive, 'adaptive');
    c.scales.forEach((k, i) => near(fused.adaptive.perScale[i]!, c.expect.per_scale[String(k)]!, `L_${k}`));
    const meanCost = fused.adaptive.meanGroupCost.reduce((a, b) => a + b, 0) / c.scales.length;
    near(fused.ce - meanCost, c.expect.merge_effect_mean ?? c.expect.ce - c.expect.adaptive, 'merge effect');
    // And as evaluatePair dispatches them (the v1 loss on nested scales to fusedHard.ts).
    const { metrics } = evaluatePair(label, prediction, options);
    near(metrics.adaptive!, c.expect.adaptive, 'adaptive (evaluatePair)');
    near(metrics.mergeEffect!, c.expect.merge_effect_mean ?? c.expect.ce - c.expect.adaptive, 'merge (evaluatePair)');
  }
  assert.ok(cases >= 3, `only ${cases} hard golden cases`);
});

test('a weighted pass that throws half-way leaves nothing behind for the next image', () => {
  // Thrown from the middle of a band's flush, past the first band: groups are still counted then.
  const seeds = Array.from({ length: 60 }, (_, i) => i + 1);
  const seed = seeds.find((s) => randomCase(s).label.height > 16 && randomCase(s).options.hardEpsilon > 0)!;
  const { label, prediction, options } = randomCase(seed);
  const general = metricsFromTerms(hardPixelTerms(label, prediction, options), options).metrics;
  let calls = 0;
  const failing = (): GroupSink => ({
    group: (bandTop) => {
      if (bandTop > 0 && ++calls > 1) throw new Error('sink failed');
    },
    bandDone: () => undefined,
  });
  assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, options).metrics, general, 'before');
  assert.throws(() => fusedHardWeightedMetrics(label, prediction, options, failing), /sink failed/);
  assertSameMetrics(evaluatePair(label, { type: 'hard', map: prediction }, options).metrics, general, 'after');
});
