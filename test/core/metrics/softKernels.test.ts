import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluatePairOutcome } from '../../../src/core/evaluate/evaluateImage';
import { encodeNpy, readNpy } from '../../../src/core/io/npy';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { PairBuffers, ReusableBuffer } from '../../../src/core/io/reusableBuffer';
import { predictionFromNpy } from '../../../src/core/io/softScores';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { softPixelTerms } from '../../../src/core/metrics/pixelTerms';
import { tableExp } from '../../../src/core/metrics/tableExp';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS, type MetricOptions } from '../../../src/core/options';
import { generateScene, seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap, SoftScores } from '../../../src/core/types';

// ---------- tableExp against an exp in BigInt fixed point ----------

const FIXED = 320n;
const ONE = 1n << FIXED;
/** ln 2 = Σ 1/(n·2^n), to 320 bits. */
const LN2_FIXED = (() => {
  let sum = 0n;
  for (let n = 1n; n <= FIXED + 8n; n++) sum += (ONE << 8n) / (n << n);
  return sum >> 8n;
})();

/** A double as m·2^e, m a 53-bit integer: exact, so the reference sees the very argument tableExp saw. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0
    ? { mantissa: sign * fraction, exponent: -1074 }
    : { mantissa: sign * (fraction | (1n << 52n)), exponent: biased - 1075 };
}

function toFixed(x: number): bigint {
  const { mantissa, exponent } = decompose(x);
  const shift = BigInt(exponent) + FIXED;
  return shift >= 0n ? mantissa << shift : mantissa / (1n << -shift);
}

/** exp(x) = 2^k · e^r, r = x − k ln 2, e^r by its Taylor series; returns k and e^r in 320-bit fixed point. */
function referenceExp(x: number): { k: number; mantissa: bigint } {
  const fixed = toFixed(x);
  const k = Math.round(x / Math.LN2);
  const r = fixed - BigInt(k) * LN2_FIXED;
  let term = ONE;
  let sum = ONE;
  for (let i = 1n; term !== 0n; i++) {
    term = (term * r) / (ONE * i);
    sum += term;
  }
  return { k, mantissa: sum };
}

/** (approximation − exp(x)) in units of the approximation's last place. */
function ulpError(x: number, approximation: number): number {
  const { k, mantissa } = referenceExp(x);
  // approximation · 2^-k is in [0.25, 4]: exact in a double, and exact as a fixed-point integer.
  const scaled = approximation * 2 ** -k;
  const ulp = 2 ** (Math.floor(Math.log2(scaled)) - 52);
  return Number(toFixed(scaled) - mantissa) / Number(toFixed(ulp));
}

test('tableExp is within 0.52 ulp of exp (Math.exp: below 1) on arguments a max-shifted softmax meets', () => {
  const random = seededRandom(20261130);
  const args: number[] = [0, -0, -1e-300, -(2 ** -60), -1e-9, -Math.LN2 / 256, -Math.LN2, -1, -707.99, -708];
  for (let i = 0; i < 128; i++) args.push((-i * Math.LN2) / 128, -(i + 0.5) * (Math.LN2 / 128));
  for (const range of [1e-6, 0.01, 1, 8, 40, 160, 708]) {
    for (let i = 0; i < 400; i++) {
      args.push(-random() * range);
      // Differences of float32 logits, as the kernels compute them.
      args.push(Math.fround(random() * range) - Math.fround(random() * range) - range);
    }
  }
  let worst = 0;
  for (const x of args.filter((a) => a <= 0 && a >= -708)) {
    const error = Math.abs(ulpError(x, tableExp(x)));
    assert.ok(error < 0.52, `tableExp(${x}) = ${tableExp(x)} is ${error} ulp from exp`);
    worst = Math.max(worst, error);
  }
  assert.ok(worst > 0.4, `the check is not vacuous (worst ${worst} ulp)`);
});

test('tableExp hands arguments outside (-708, 0] to Math.exp', () => {
  for (const x of [-708.5, -745, -746, -1e6, -Infinity, 1e-9, 1, 700, Infinity, Number.NaN]) {
    assert.ok(Object.is(tableExp(x), Math.exp(x)), `tableExp(${x})`);
  }
});

// ---------- CHW kernel against the HWC loop and a naive softmax ----------

interface SoftCase {
  readonly label: ClassMap;
  readonly hwc: Float64Array;
  readonly channels: number;
  readonly kind: 'logits' | 'probabilities';
  readonly options: MetricOptions;
}

/** Odd sizes, void pixels (ignore index and ids ≥ C), logits up to ±80 or probabilities, ties. */
function randomSoftCase(seed: number): SoftCase {
  const random = seededRandom(seed);
  const width = 1 + Math.floor(random() * 37);
  const height = 1 + Math.floor(random() * 29);
  const channels = 2 + Math.floor(random() * 23);
  const pixels = width * height;
  const ignoreIndex = random() < 0.5 ? 255 : 0;
  const ids = Uint16Array.from({ length: pixels }, () => {
    const r = random();
    return r < 0.1 ? 255 : r < 0.15 ? channels + 3 : Math.floor(random() * channels);
  });
  const kind = random() < 0.3 ? 'probabilities' : 'logits';
  const spread = [1, 8, 80, 160][Math.floor(random() * 4)]!;
  const hwc = Float64Array.from({ length: pixels * channels }, () => {
    if (kind === 'probabilities') return random() < 0.2 ? 0 : random();
    const r = random();
    // Extreme logits, and repeated values so the first-maximum tie rule is exercised.
    return r < 0.05 ? 80 : r < 0.1 ? -80 : r < 0.15 ? 1.5 : (random() - 0.5) * 2 * spread;
  });
  const label = { width, height, ids };
  return {
    label,
    hwc,
    channels,
    kind,
    options: { numClasses: channels, ignoreIndex, scales: [2, 3, 8], hardEpsilon: 1e-3 },
  };
}

function toChw(hwc: Float64Array, channels: number): Float64Array {
  const pixels = hwc.length / channels;
  const chw = new Float64Array(hwc.length);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) chw[c * pixels + p] = hwc[p * channels + c]!;
  return chw;
}

function scoresOf(s: SoftCase, layout: 'hwc' | 'chw', values: Float32Array | Float64Array): SoftScores {
  return { width: s.label.width, height: s.label.height, channels: s.channels, kind: s.kind, layout, values };
}

/** Softmax or renormalisation of one pixel, the plain way (no shift, no blocks, no table). */
function naiveTruth(s: SoftCase, p: number, y: number): number {
  const row = Array.from(s.hwc.subarray(p * s.channels, (p + 1) * s.channels));
  if (s.kind === 'probabilities') {
    const total = row.reduce((a, v) => a + v, 0);
    return total > 0 ? row[y]! / total : 1 / s.channels;
  }
  const exps = row.map((v) => Math.exp(v));
  return exps[y]! / exps.reduce((a, v) => a + v, 0);
}

test('CHW soft scores give the same bits as HWC, and agree with a naive softmax to 1e-12, on 400 random cases', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const s = randomSoftCase(seed);
    const where = `seed ${seed} (${s.label.width}x${s.label.height}, C=${s.channels}, ${s.kind})`;
    const chw = toChw(s.hwc, s.channels);
    for (const [hwcValues, chwValues] of [
      [s.hwc, chw],
      [Float32Array.from(s.hwc), Float32Array.from(chw)],
    ] as const) {
      const fromHwc = softPixelTerms(s.label, scoresOf(s, 'hwc', hwcValues), s.options);
      const fromChw = softPixelTerms(s.label, scoresOf(s, 'chw', chwValues), s.options);
      assert.deepEqual(fromChw.label, fromHwc.label, where);
      assert.deepEqual(fromChw.predicted, fromHwc.predicted, `${where}: argmax`);
      assert.deepEqual(fromChw.truthProbability, fromHwc.truthProbability, `${where}: P(p, y_p)`);
      assert.equal(fromChw.validPixels, fromHwc.validPixels, where);
    }
    const terms = softPixelTerms(s.label, scoresOf(s, 'chw', chw), s.options);
    for (let p = 0; p < terms.label.length; p++) {
      const row = s.hwc.subarray(p * s.channels, (p + 1) * s.channels);
      assert.equal(terms.predicted[p], row.indexOf(Math.max(...row)), `${where}: argmax of pixel ${p}`);
      const y = terms.label[p]!;
      if (y < 0) {
        assert.equal(terms.truthProbability[p], 0, `${where}: void pixel ${p}`);
        continue;
      }
      const expected = naiveTruth(s, p, y);
      const actual = terms.truthProbability[p]!;
      assert.ok(
        Math.abs(actual - expected) <= 1e-12 * Math.max(Math.abs(expected), 1e-300),
        `${where}: P(p, y_p) of pixel ${p}: ${actual} vs ${expected}`,
      );
    }
  }
});

test('a CHW prediction evaluates to the very numbers of its HWC transpose', () => {
  for (let seed = 1000; seed < 1060; seed++) {
    const s = randomSoftCase(seed);
    const fromHwc = evaluatePair(s.label, { type: 'soft', scores: scoresOf(s, 'hwc', s.hwc) }, s.options);
    const fromChw = evaluatePair(
      s.label,
      { type: 'soft', scores: scoresOf(s, 'chw', toChw(s.hwc, s.channels)) },
      s.options,
    );
    assert.deepEqual(fromChw.metrics, fromHwc.metrics, `seed ${seed}`);
  }
});

// ---------- the reader keeps CHW files in place ----------

const READ = { softValues: 'auto', softLayout: 'auto' } as const;

test('.npy float32 CHW scores are read as a view of the file bytes, or copied when unaligned, same values', () => {
  const [C, H, W] = [5, 3, 7];
  const values = Float32Array.from({ length: C * H * W }, (_, i) => Math.sin(i) * 9);
  const file = encodeNpy([C, H, W], values);
  const aligned = new Uint8Array(file.length + 64);
  aligned.set(file);
  const unaligned = new Uint8Array(file.length + 3).subarray(2);
  unaligned.set(file);
  for (const bytes of [aligned, unaligned]) {
    const array = readNpy('x.npy', bytes, 1e6);
    assert.deepEqual(Array.from(array.values), Array.from(values));
    const prediction = predictionFromNpy('x.npy', array, C, READ);
    assert.equal(prediction.type, 'soft');
    if (prediction.type !== 'soft') return;
    assert.equal(prediction.scores.layout, 'chw');
    assert.equal(prediction.scores.kind, 'logits');
    assert.deepEqual(Array.from(prediction.scores.values), Array.from(values));
  }
  assert.equal(readNpy('x.npy', aligned, 1e6).values.buffer, aligned.buffer, 'aligned: no copy');
});

test('.npy CHW errors name the first bad value by its HWC flat index', () => {
  const [C, H, W] = [3, 2, 4];
  const pixels = H * W;
  const at = (c: number, p: number): number => c * pixels + p;
  const logits = new Float32Array(C * pixels).fill(0.5);
  logits[at(2, 1)] = Number.NaN; // HWC index 1·3 + 2 = 5
  logits[at(0, 3)] = Infinity; // HWC index 9, later in HWC order though earlier in the file
  logits[at(1, 5)] = -Infinity;
  assert.throws(
    () => predictionFromNpy('x.npy', readNpy('x.npy', encodeNpy([C, H, W], logits), 1e6), C, READ),
    /non-finite value \(NaN\) at flat index 5 \(HWC order\)/,
  );
  const oneInfinity = new Float32Array(C * pixels).fill(-2);
  oneInfinity[at(1, 7)] = -Infinity; // HWC 22, the last pixel
  assert.throws(
    () => predictionFromNpy('x.npy', readNpy('x.npy', encodeNpy([C, H, W], oneInfinity), 1e6), C, READ),
    /non-finite value \(-Infinity\) at flat index 22 \(HWC order\)/,
  );
  // Finite float64 values whose sum overflows are still finite values.
  const huge = Float64Array.from({ length: C * pixels }, (_, i) => (i % 5 === 0 ? -1.7e308 : 1.7e308));
  const hugePrediction = predictionFromNpy('x.npy', readNpy('x.npy', encodeNpy([C, H, W], huge), 1e6), C, READ);
  assert.ok(hugePrediction.type === 'soft' && hugePrediction.scores.values[0] === -1.7e308);
  const probabilities = new Float32Array(C * pixels).fill(1 / 3);
  probabilities[at(1, 6)] = -0.25; // HWC 19
  probabilities[at(2, 4)] = -0.5; // HWC 14
  assert.throws(
    () =>
      predictionFromNpy('x.npy', readNpy('x.npy', encodeNpy([C, H, W], probabilities), 1e6), C, {
        softValues: 'probabilities',
        softLayout: 'auto',
      }),
    /value -0.5 at flat index 14 \(HWC order\) is negative/,
  );
  const auto = predictionFromNpy(
    'x.npy',
    readNpy('x.npy', encodeNpy([C, H, W], probabilities.fill(1 / 3)), 1e6),
    C,
    READ,
  );
  assert.ok(auto.type === 'soft' && auto.scores.kind === 'probabilities', 'CHW probabilities are recognised');
});

// ---------- one read buffer for a run ----------

test('ReusableBuffer hands out the same memory until a larger size is asked for', () => {
  const reuse = new ReusableBuffer();
  const first = reuse.take(1000);
  assert.equal(first.length, 1000);
  assert.equal(reuse.take(10).buffer, first.buffer);
  const larger = reuse.take(100_000);
  assert.equal(larger.length, 100_000);
  assert.notEqual(larger.buffer, first.buffer);
  assert.equal(reuse.take(1000).buffer, larger.buffer);
});

test('pairs read one after another into one set of PairBuffers evaluate as with fresh reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-reuse-'));
  const pairs = [5001, 5002, 5003, 5004, 5005, 5006].map((seed, i) => {
    const s = randomSoftCase(seed);
    const labelFile = join(dir, `label${i}.png`);
    writeFileSync(labelFile, encodeIndexPng(s.label.width, s.label.height, s.label.ids, { kind: 'gray', bitDepth: 8 }));
    const predictionFile = join(dir, `pred${i}.npy`);
    const { width, height } = s.label;
    // Sizes go up and down, so the buffer grows and is then read into at less than its length.
    const values = i % 2 ? Float32Array.from(toChw(s.hwc, s.channels)) : s.hwc;
    writeFileSync(predictionFile, encodeNpy(i % 2 ? [s.channels, height, width] : [height, width, s.channels], values));
    return { pair: { name: `p${i}`, predictionFile, labelFile }, s, layout: i % 2 ? 'chw' : 'hwc' } as const;
  });
  const reuse = new PairBuffers();
  for (const { pair, s, layout } of pairs) {
    const options = { metric: s.options, read: { ...DEFAULT_READ_OPTIONS, softValues: s.kind, softLayout: layout } };
    const fresh = await evaluatePairOutcome(pair, options);
    const reused = await evaluatePairOutcome(pair, options, reuse);
    assert.equal(fresh.type, 'image', JSON.stringify(fresh));
    assert.deepEqual(reused, fresh, pair.name);
  }
});

test('hard pairs of several sizes read and inflated into one set of PairBuffers evaluate as with fresh reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-reuse-hard-'));
  const sizes = [
    [64, 48],
    [33, 70],
    [64, 48],
    [10, 9],
    [120, 90],
  ] as const;
  const pairs = sizes.map(([width, height], i) => {
    const scene = generateScene(300 + i, { width, height, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
    const labelFile = join(dir, `label${i}.png`);
    const predictionFile = join(dir, `pred${i}.png`);
    writeFileSync(labelFile, encodeIndexPng(width, height, scene.label, { kind: 'gray', bitDepth: 8 }));
    writeFileSync(predictionFile, encodeIndexPng(width, height, scene.prediction, { kind: 'gray', bitDepth: 8 }));
    return { name: `h${i}`, predictionFile, labelFile };
  });
  const options = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS };
  const reuse = new PairBuffers();
  for (const pair of pairs) {
    const fresh = await evaluatePairOutcome(pair, options);
    const reused = await evaluatePairOutcome(pair, options, reuse);
    assert.equal(fresh.type, 'image', JSON.stringify(fresh));
    assert.deepEqual(reused, fresh, pair.name);
  }
});
