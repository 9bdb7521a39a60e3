import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatasetAccumulator } from '../../../src/core/evaluate/datasetSummary';
import { toRecord } from '../../../src/core/evaluate/record';
import { mergeEffectMap } from '../../../src/core/metrics/adaptiveLoss';
import { boundaryBandMap, boundaryDistance } from '../../../src/core/metrics/boundaryIoU';
import { pixelCostMap } from '../../../src/core/metrics/crossEntropy';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { pixelTerms } from '../../../src/core/metrics/pixelTerms';
import type { MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap, Prediction } from '../../../src/core/types';
import { classMap, evaluateFromFiles, goldenPrediction } from '../../helpers/fixtures';
import { engineInputs as randomCaseInputs } from '../../helpers/randomCases';
import { goldenV2Cases, relativeClose, type GoldenV2Case } from '../../helpers/golden';
import { oracle, oracleBoundary, type OracleInput } from '../../helpers/oracle';

const RATIO_TOLERANCE = 1e-6;
const COUNT_TOLERANCE = 1e-12;

function assertRatio(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, null, `${what} should be undefined`);
    return;
  }
  assert.ok(actual !== null, `${what} is null`);
  assert.ok(relativeClose(actual, expected, RATIO_TOLERANCE), `${what}: ${actual} vs ${expected}`);
}

function assertCounts(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, c) =>
    assert.ok(Math.abs(actual[c]! - e) <= COUNT_TOLERANCE, `${what}[${c}]: ${actual[c]} vs ${e}`),
  );
}

/** Only the settings v1 already has; pooling and minkowski belong to the loss-v2 work (issue 12). */
function v1Options(c: GoldenV2Case): MetricOptions {
  return {
    numClasses: c.C,
    ignoreIndex: c.ignore,
    scales: c.scales,
    hardEpsilon: c.hard_eps ?? 1e-3,
    boundaryRatio: c.boundary_ratio,
  };
}

for (const c of goldenV2Cases()) {
  describe(`golden-v2 ${c.name}`, () => {
    const label = classMap(c.label);
    const prediction = goldenPrediction(c);
    const options = v1Options(c);

    test('boundary intersections and unions match to 1e-12, Boundary IoU and its mean to 1e-6', () => {
      const { metrics } = evaluatePair(label, prediction, options);
      assertCounts(metrics.boundary.intersection, c.expect.boundary_intersection, 'intersection');
      assertCounts(metrics.boundary.union, c.expect.boundary_union, 'union');
      c.expect.boundary_iou.forEach((e, k) => assertRatio(metrics.perClassBoundaryIoU[k] ?? null, e, `BIoU_${k}`));
      assertRatio(metrics.boundaryMiou, c.expect.boundary_miou, 'boundary mIoU');
    });

    test('the fields v1 settings already cover match (CE, IoU, accuracy; losses and map when uniform)', () => {
      const { metrics } = evaluatePair(label, prediction, options);
      assertRatio(metrics.ce, c.expect.ce, 'CE');
      c.expect.per_class_iou.forEach((e, k) => assertRatio(metrics.perClassIoU[k] ?? null, e, `IoU_${k}`));
      assertRatio(metrics.miou, c.expect.miou, 'mIoU');
      assertRatio(metrics.pixelAccuracy, c.expect.pixel_acc, 'pixel accuracy');
      if (c.pooling !== 'uniform') return;
      // The merge-effect map does not depend on the Minkowski exponent; the losses only at m = 1.
      const terms = pixelTerms(label, prediction, options);
      const merge = mergeEffectMap(terms, pixelCostMap(terms), options);
      c.expect.merge_effect_map.flat().forEach((e, p) => {
        if (e === 0) assert.ok(Math.abs(merge[p]!) < 1e-10, `M[${p}] = ${merge[p]} vs 0`);
        else assertRatio(merge[p]!, e, `M[${p}]`);
      });
      if (c.minkowski !== 1) return;
      assertRatio(metrics.adaptive, c.expect.adaptive, 'adaptive');
      c.scales.forEach((k) =>
        assertRatio(metrics.perScale[String(k)] ?? null, c.expect.per_scale[String(k)]!, `L_${k}`),
      );
    });

    test('the same boundary figures come out of files read from disk', async () => {
      const record = await evaluateFromFiles(c.name, label, prediction, options);
      assertCounts(record.boundary.intersection, c.expect.boundary_intersection, 'intersection');
      assertCounts(record.boundary.union, c.expect.boundary_union, 'union');
      assertRatio(record.boundaryMiou, c.expect.boundary_miou, 'boundary mIoU');
    });
  });
}

test('the band width is max(1, round(ratio * diagonal)), halves to even as the reference code rounds', () => {
  assert.equal(boundaryDistance(6, 5, 0.02), 1);
  assert.equal(boundaryDistance(50, 40, 0.1), 6);
  // 0.02 * 625 = 12.5 exactly: Python's round(12.5) = 12 in boundary-iou-api's mask_to_boundary.
  assert.equal(boundaryDistance(500, 375, 0.02), 12);
  // 0.1 * 25 = 2.5 -> 2, 0.1 * 35 = 3.5 -> 4 (3-4-5 and 21-28-35 triangles), 0.1 * 50 = 5 -> 5.
  assert.equal(boundaryDistance(20, 15, 0.1), 2);
  assert.equal(boundaryDistance(28, 21, 0.1), 4);
  assert.equal(boundaryDistance(40, 30, 0.1), 5);
  assert.equal(boundaryDistance(2048, 1024, 0.02), 46);
});

/** Random maps with regions large enough for bands of several pixels, some void and out-of-range ids. */
function randomBoundaryCase(seed: number): { input: OracleInput; ratio: number } {
  const random = seededRandom(seed);
  const width = 1 + Math.floor(random() * 40);
  const height = 1 + Math.floor(random() * 30);
  const numClasses = 2 + Math.floor(random() * 5);
  const cell = 1 + Math.floor(random() * 8);
  const ignore = 255;
  const coarse = new Map<string, number>();
  const region = (p: number): number => {
    const key = `${Math.floor((p % width) / cell)},${Math.floor(p / width / cell)}`;
    if (!coarse.has(key)) coarse.set(key, Math.floor(random() * numClasses));
    return coarse.get(key)!;
  };
  const label = Array.from({ length: width * height }, (_, p) => {
    const r = random();
    return r < 0.05 ? ignore : r < 0.07 ? numClasses + 1 : region(p);
  });
  const ratio = [0.02, 0.05, 0.1, 0.2, 0.35][Math.floor(random() * 5)]!;
  const base: OracleInput = { width, height, numClasses, ignore, scales: [2], label };
  if (random() < 0.6) {
    const shift = Math.floor(random() * 3);
    const hard = label.map((_y, p) => {
      const r = random();
      if (r < 0.03) return numClasses + 2;
      if (r < 0.15) return Math.floor(random() * numClasses);
      const source = label[Math.min(p + shift, label.length - 1)]!;
      return source < numClasses ? source : region(p);
    });
    return { input: { ...base, hard }, ratio };
  }
  const logits = Array.from({ length: width * height * numClasses }, () => (random() - 0.5) * 8);
  return { input: { ...base, logits }, ratio };
}

/** The shared random-case inputs (helpers/randomCases.ts), with the band ratio under test. */
function engineInputs(
  input: OracleInput,
  ratio: number,
): { label: ClassMap; prediction: Prediction; options: MetricOptions } {
  const inputs = randomCaseInputs(input);
  return { ...inputs, options: { ...inputs.options, boundaryRatio: ratio } };
}

test('Boundary IoU agrees with the naive oracle on 300 random maps with band widths from 1 to 18', () => {
  const distances = new Set<number>();
  for (let seed = 1; seed <= 300; seed++) {
    const { input, ratio } = randomBoundaryCase(seed);
    const { label, prediction, options } = engineInputs(input, ratio);
    const expected = oracleBoundary(input, oracle(input).predicted, ratio);
    distances.add(expected.distance);
    const { metrics } = evaluatePair(label, prediction, options);
    const where = `seed ${seed} (${input.width}x${input.height}, d=${expected.distance})`;
    assert.deepEqual(Array.from(metrics.boundary.intersection), expected.intersection, `${where}: intersections`);
    assert.deepEqual(Array.from(metrics.boundary.union), expected.union, `${where}: unions`);
    expected.iou.forEach((e, c) => assertRatio(metrics.perClassBoundaryIoU[c] ?? null, e, `${where}: BIoU_${c}`));
    assertRatio(metrics.boundaryMiou, expected.miou, `${where}: boundary mIoU`);
  }
  assert.ok(distances.size >= 5, `band widths exercised: ${[...distances].join(',')}`);
});

test('the dataset pools Boundary IoU (Σ intersections / Σ unions) and reports both mIoUs', () => {
  const numClasses = 4;
  const accumulator = new DatasetAccumulator(numClasses);
  const intersection = new Array<number>(numClasses).fill(0);
  const union = new Array<number>(numClasses).fill(0);
  const mious: number[] = [];
  for (let seed = 1; seed <= 12; seed++) {
    const { input, ratio } = randomBoundaryCase(1000 + seed);
    const fixed: OracleInput = {
      ...input,
      numClasses,
      label: input.label.map((y) => (y === 255 ? y : y % numClasses)),
      logits: undefined,
      hard: input.label.map((y, p) => (p % 7 === 0 ? (y + 1) % numClasses : y % numClasses)),
    };
    const { label, prediction, options } = engineInputs(fixed, ratio);
    const expected = oracleBoundary(fixed, fixed.hard!, ratio);
    expected.intersection.forEach((v, c) => (intersection[c]! += v));
    expected.union.forEach((v, c) => (union[c]! += v));
    const whole = oracle(fixed);
    if (whole.miou !== null) mious.push(whole.miou);
    const { metrics } = evaluatePair(label, prediction, options);
    accumulator.add(toRecord({ name: `img${seed}`, predictionFile: 'p', labelFile: 'l' }, metrics, []));
  }
  const summary = accumulator.summary();
  const pooled = union.map((u, c) => (u === 0 ? null : intersection[c]! / u));
  pooled.forEach((e, c) => assertRatio(summary.perClassBoundaryIoU[c] ?? null, e, `pooled BIoU_${c}`));
  const defined = pooled.filter((v): v is number => v !== null);
  assertRatio(summary.boundaryMiou, defined.reduce((a, b) => a + b, 0) / defined.length, 'pooled boundary mIoU');
  assertRatio(summary.meanImageMiou, mious.reduce((a, b) => a + b, 0) / mious.length, 'mean of per-image mIoU');
});

test('the band map marks label band, prediction band and their disagreement on valid pixels only', () => {
  // 1 row of 5: label 0 0 0 1 255, prediction 0 0 1 1 1, d = 1.
  const label: ClassMap = { width: 5, height: 1, ids: Uint16Array.from([0, 0, 0, 1, 255]) };
  const prediction: Prediction = { type: 'hard', map: { width: 5, height: 1, ids: Uint16Array.from([0, 0, 1, 1, 1]) } };
  const options: MetricOptions = { numClasses: 2, ignoreIndex: 255, scales: [2], hardEpsilon: 1e-3 };
  const map = boundaryBandMap(pixelTerms(label, prediction, options), 2, 0.02);
  // Height 1: every pixel touches the outside, so every valid pixel is in both bands; they disagree where classes differ.
  assert.deepEqual(Array.from(map), [3, 3, 7, 3, 0]);
});
