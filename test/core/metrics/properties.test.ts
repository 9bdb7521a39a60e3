import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeEffectMap } from '../../../src/core/metrics/adaptiveLoss';
import { pixelCostMap } from '../../../src/core/metrics/crossEntropy';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { pixelTerms } from '../../../src/core/metrics/pixelTerms';
import type { MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap, Prediction } from '../../../src/core/types';
import { oracle } from '../../helpers/oracle';
import { engineInputs, randomCase, randomV2Case } from '../../helpers/randomCases';

const close = (a: number, b: number, tolerance = 1e-9): boolean =>
  Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

test('the engine agrees with the naive oracle on 300 random cases', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const input = randomCase(seed);
    const { label, prediction, options } = engineInputs(input);
    const expected = oracle(input);
    const { metrics, maps } = evaluatePair(label, prediction, options);
    const terms = pixelTerms(label, prediction, options);
    const merge = mergeEffectMap(terms, pixelCostMap(terms), options);
    const where = `seed ${seed}`;
    if (metrics.validPixels === 0) {
      assert.equal(metrics.ce, null, where);
      continue;
    }
    assert.ok(close(metrics.ce!, expected.ce), `${where}: CE ${metrics.ce} vs ${expected.ce}`);
    assert.ok(
      close(metrics.adaptive!, expected.adaptive),
      `${where}: adaptive ${metrics.adaptive} vs ${expected.adaptive}`,
    );
    input.scales.forEach((k, i) =>
      assert.ok(close(metrics.perScale[String(k)]!, expected.perScale[i]!), `${where}: L_${k}`),
    );
    expected.merge.forEach((m, p) => assert.ok(close(merge[p]!, m), `${where}: M[${p}] ${merge[p]} vs ${m}`));
    assert.ok(close(metrics.mergeEffect!, expected.mergeMean), `${where}: merge effect`);
    assert.deepEqual(Array.from(maps.predicted), expected.predicted, `${where}: predicted ids`);
    expected.iou.forEach((iou, c) => {
      if (iou === null) assert.equal(metrics.perClassIoU[c], null, `${where}: IoU_${c} undefined`);
      else assert.ok(close(metrics.perClassIoU[c]!, iou), `${where}: IoU_${c}`);
    });
    assert.ok(expected.miou === null ? metrics.miou === null : close(metrics.miou!, expected.miou), `${where}: mIoU`);
    assert.ok(close(metrics.pixelAccuracy!, expected.accuracy!), `${where}: accuracy`);
  }
});

test('v2: the engine agrees with the naive oracle under Gaussian pooling and Minkowski exponents', () => {
  for (let seed = 5000; seed < 5300; seed++) {
    const input = randomV2Case(seed);
    const { label, prediction, options } = engineInputs(input);
    const expected = oracle(input);
    const { metrics } = evaluatePair(label, prediction, options);
    const terms = pixelTerms(label, prediction, options);
    const merge = mergeEffectMap(terms, pixelCostMap(terms), options);
    const where = `seed ${seed} (${input.pooling} σ=${input.poolingSigma} m=${input.minkowski})`;
    if (metrics.validPixels === 0) continue;
    assert.ok(
      close(metrics.adaptive!, expected.adaptive),
      `${where}: adaptive ${metrics.adaptive} vs ${expected.adaptive}`,
    );
    input.scales.forEach((k, i) =>
      assert.ok(close(metrics.perScale[String(k)]!, expected.perScale[i]!), `${where}: L_${k}`),
    );
    expected.merge.forEach((m, p) => assert.ok(close(merge[p]!, m), `${where}: M[${p}] ${merge[p]} vs ${m}`));
    assert.ok(close(metrics.mergeEffect!, expected.mergeMean), `${where}: merge effect ${metrics.mergeEffect}`);
  }
});

test('v2: uniform pooling with m = 1 reproduces v1 bit for bit', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const { label, prediction, options } = engineInputs(randomCase(seed));
    const v1 = evaluatePair(label, prediction, options).metrics;
    const spelled = evaluatePair(label, prediction, { ...options, pooling: 'uniform', poolingSigma: 3, minkowski: 1 });
    assert.deepEqual(spelled.metrics, v1, `seed ${seed}`);
    assert.deepEqual(
      Array.from(spelled.maps.mergeEffect),
      Array.from(evaluatePair(label, prediction, options).maps.mergeEffect),
    );
  }
});

test('v2: every L_k grows with the Minkowski exponent', () => {
  for (let seed = 6000; seed < 6100; seed++) {
    const input = randomV2Case(seed);
    const { label, prediction, options } = engineInputs(input);
    let previous: Readonly<Record<string, number | null>> | undefined;
    for (const m of [1, 1.5, 2, 3, 5, 8]) {
      const { perScale } = evaluatePair(label, prediction, { ...options, minkowski: m }).metrics;
      if (previous)
        for (const k of input.scales) {
          const [before, now] = [previous[String(k)], perScale[String(k)]];
          if (before === null || now === null || before === undefined || now === undefined) continue;
          assert.ok(now >= before * (1 - 1e-12), `seed ${seed} L_${k}: m=${m} gives ${now} < ${before}`);
        }
      previous = perScale;
    }
  }
});

test('v2: Gaussian pooling tends to uniform pooling as sigma grows', () => {
  for (let seed = 7000; seed < 7100; seed++) {
    const input = randomV2Case(seed);
    const { label, prediction, options } = engineInputs(input);
    const uniform = evaluatePair(label, prediction, { ...options, pooling: 'uniform' }).metrics;
    if (uniform.adaptive === null) continue;
    let lastGap = Number.POSITIVE_INFINITY;
    for (const sigma of [1, 10, 100, 1e4]) {
      const gaussian = evaluatePair(label, prediction, {
        ...options,
        pooling: 'gaussian',
        poolingSigma: sigma,
      }).metrics;
      const gap = Math.abs(gaussian.adaptive! - uniform.adaptive);
      assert.ok(gap <= lastGap + 1e-12, `seed ${seed}: gap ${gap} at σ=${sigma} after ${lastGap}`);
      lastGap = gap;
    }
    assert.ok(lastGap <= 1e-6 * Math.max(1, uniform.adaptive), `seed ${seed}: σ=1e4 still ${lastGap} from uniform`);
  }
});

test('at scale 1 the adaptive loss is the cross-entropy', () => {
  for (let seed = 1000; seed < 1100; seed++) {
    const { label, prediction, options } = engineInputs(randomCase(seed));
    const { metrics } = evaluatePair(label, prediction, { ...options, scales: [1] });
    if (metrics.ce === null) continue;
    assert.ok(close(metrics.adaptive!, metrics.ce, 1e-12), `seed ${seed}: L_1 ${metrics.adaptive} vs CE ${metrics.ce}`);
    assert.ok(Math.abs(metrics.mergeEffect!) < 1e-12);
  }
});

test('within every (window, class) group the mean merge effect is >= 0 (Jensen gap)', () => {
  for (let seed = 2000; seed < 2150; seed++) {
    const input = randomCase(seed);
    for (const k of input.scales) {
      const { label, prediction, options } = engineInputs({ ...input, scales: [k] });
      const terms = pixelTerms(label, prediction, options);
      const merge = mergeEffectMap(terms, pixelCostMap(terms), options);
      const sums = new Map<string, { sum: number; n: number }>();
      for (let p = 0; p < terms.label.length; p++) {
        const y = terms.label[p]!;
        if (y < 0) continue;
        const key = `${Math.floor((p % input.width) / k)},${Math.floor(p / input.width / k)},${y}`;
        const entry = sums.get(key) ?? { sum: 0, n: 0 };
        entry.sum += merge[p]!;
        entry.n++;
        sums.set(key, entry);
      }
      for (const [key, { sum, n }] of sums)
        assert.ok(sum / n >= -1e-12, `seed ${seed} k=${k} group ${key}: mean ${sum / n}`);
    }
  }
});

test('permuting class ids permutes the per-class IoU and leaves the losses alone', () => {
  for (let seed = 3000; seed < 3100; seed++) {
    const input = randomCase(seed);
    if (!input.hard) continue;
    const C = input.numClasses;
    const random = seededRandom(seed);
    const permutation = [...Array(C).keys()].sort(() => random() - 0.5);
    const permute = (id: number): number => (id < C ? permutation[id]! : id);
    const original = evaluatePair(...(Object.values(engineInputs(input)) as [ClassMap, Prediction, MetricOptions]));
    const permuted = evaluatePair(
      ...(Object.values(engineInputs({ ...input, label: input.label.map(permute), hard: input.hard.map(permute) })) as [
        ClassMap,
        Prediction,
        MetricOptions,
      ]),
    );
    for (let c = 0; c < C; c++)
      assert.equal(
        permuted.metrics.perClassIoU[permutation[c]!],
        original.metrics.perClassIoU[c],
        `seed ${seed} class ${c}`,
      );
    assert.equal(
      permuted.metrics.miou === null ? null : permuted.metrics.miou.toFixed(12),
      original.metrics.miou === null ? null : original.metrics.miou.toFixed(12),
    );
    assert.equal(permuted.metrics.ce, original.metrics.ce);
    assert.equal(permuted.metrics.adaptive, original.metrics.adaptive);
  }
});

test('a perfect prediction scores mIoU 1 and pixel accuracy 1', () => {
  for (let seed = 4000; seed < 4050; seed++) {
    const input = randomCase(seed);
    const perfect = input.label.map((y) => (y < input.numClasses ? y : 0));
    const { label, prediction, options } = engineInputs({ ...input, hard: perfect, logits: undefined });
    const { metrics } = evaluatePair(label, prediction, options);
    if (metrics.validPixels === 0) continue;
    assert.equal(metrics.miou, 1, `seed ${seed}`);
    assert.equal(metrics.pixelAccuracy, 1, `seed ${seed}`);
    assert.ok(close(metrics.ce!, -Math.log(1 - options.hardEpsilon), 1e-12));
  }
});
