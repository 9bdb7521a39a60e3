import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { ISSUE_REGION_LIMIT, type IssueRegion } from '../../../src/core/metrics/issueRegions';
import { DEFAULT_METRIC_OPTIONS, OptionsError, type MetricOptions } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import { naiveSoftmax } from '../../helpers/naiveSoftmax';
import type { ClassMap, SoftScores } from '../../../src/core/types';
import { cleanlabIssues, cleanlabLabelQuality } from '../../helpers/cleanlabOracle';

interface SoftCase {
  readonly width: number;
  readonly height: number;
  readonly numClasses: number;
  /** Label per pixel; 255 is void. */
  readonly label: number[];
  /** Probabilities per pixel (softmax of the logits, with Math.exp), pixel-major. */
  readonly probabilities: number[][];
  readonly scores: SoftScores;
}

const VOID = 255;

/**
 * A random image: blobs of labels, logits with a spread that leaves many pixels doubtful, stored as
 * logits or probabilities, HWC or CHW, float32 or float64.
 */
function softCase(seed: number, numClasses: number, withVoid: boolean): SoftCase {
  const random = seededRandom(seed);
  const width = 3 + Math.floor(random() * 30);
  const height = 2 + Math.floor(random() * 20);
  const pixels = width * height;
  const label: number[] = [];
  const blockClass = Array.from({ length: 16 }, () => Math.floor(random() * numClasses));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = blockClass[(Math.floor(y / 4) * 4 + Math.floor(x / 4)) % 16]!;
      const flip = random() < 0.1 ? Math.floor(random() * numClasses) : base;
      label.push(withVoid && random() < 0.15 ? VOID : flip);
    }
  }
  const spread = 1 + random() * 6;
  const logits = label.map((y) =>
    Array.from({ length: numClasses }, (_, c) => spread * (random() * 2 - 1) + (c === y && random() < 0.7 ? 3 : 0)),
  );
  const probabilities = logits.map(naiveSoftmax);
  const kind = random() < 0.5 ? 'logits' : 'probabilities';
  const layout = random() < 0.5 ? 'hwc' : 'chw';
  const source = kind === 'logits' ? logits : probabilities;
  const flat = new Array<number>(pixels * numClasses);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < numClasses; c++) flat[layout === 'hwc' ? p * numClasses + c : c * pixels + p] = source[p]![c]!;
  }
  // Probabilities stay float64 so that they are the oracle's to the last bit; logits are either.
  const values = kind === 'logits' && random() < 0.5 ? Float32Array.from(flat) : Float64Array.from(flat);
  const stored =
    kind === 'logits' && values instanceof Float32Array
      ? softmaxRows(values, layout, pixels, numClasses)
      : probabilities;
  return {
    width,
    height,
    numClasses,
    label,
    probabilities: stored,
    scores: { width, height, channels: numClasses, kind, layout, values },
  };
}

/** The oracle's probabilities of float32 logits: the very values the engine reads. */
function softmaxRows(values: Float32Array, layout: 'hwc' | 'chw', pixels: number, channels: number): number[][] {
  return Array.from({ length: pixels }, (_, p) => {
    const row = Array.from(
      { length: channels },
      (_, c) => values[layout === 'hwc' ? p * channels + c : c * pixels + p]!,
    );
    return naiveSoftmax(row);
  });
}

function options(numClasses: number, extra: Partial<MetricOptions> = {}): MetricOptions {
  return { ...DEFAULT_METRIC_OPTIONS, numClasses, ignoreIndex: VOID, scales: [2], ...extra };
}

function labelMap(c: SoftCase): ClassMap {
  return { width: c.width, height: c.height, ids: Uint8Array.from(c.label) };
}

/**
 * cleanlab's inputs for the case: without void, the image as it is; with void, the valid pixels as a
 * 1 x n image (the engine leaves void out, which is cleanlab on the image of its valid pixels).
 */
function cleanlabInputs(c: SoftCase): { labels: number[][]; predProbs: number[][][] } {
  const valid = c.label.flatMap((y, p) => (y === VOID ? [] : [p]));
  const rows = c.label.includes(VOID)
    ? [valid]
    : Array.from({ length: c.height }, (_, y) => Array.from({ length: c.width }, (_, x) => y * c.width + x));
  return {
    labels: rows.map((row) => row.map((p) => c.label[p]!)),
    predProbs: Array.from({ length: c.numClasses }, (_, k) =>
      rows.map((row) => row.map((p) => c.probabilities[p]![k]!)),
    ),
  };
}

const CLASS_COUNTS = [2, 3, 5, 21, 34, 150, 171];

test('label quality equals cleanlab get_label_quality_scores (softmin, T = 0.1) to 1e-9, 2 to 171 classes, with and without void', () => {
  let cases = 0;
  for (const numClasses of CLASS_COUNTS) {
    for (let seed = 1; seed <= 12; seed++) {
      for (const withVoid of [false, true]) {
        const c = softCase(seed * 1000 + numClasses, numClasses, withVoid);
        const { labels, predProbs } = cleanlabInputs(c);
        if (labels.flat().length === 0) continue;
        const expected = cleanlabLabelQuality(labels, predProbs);
        const { metrics } = evaluatePair(labelMap(c), { type: 'soft', scores: c.scores }, options(numClasses));
        assert.ok(metrics.labelQuality !== null && metrics.labelQuality !== undefined);
        assert.ok(
          Math.abs(metrics.labelQuality - expected.imageScore) <= 1e-9,
          `C=${numClasses} seed ${seed} void ${withVoid}: ${metrics.labelQuality} vs cleanlab ${expected.imageScore}`,
        );
        const issues = cleanlabIssues(expected.pixelScores).flat().filter(Boolean).length;
        assert.equal(metrics.labelIssuePixels, issues, `C=${numClasses} seed ${seed}: label-issue pixels`);
        cases++;
      }
    }
  }
  assert.ok(cases >= CLASS_COUNTS.length * 20);
});

test('the label-issue threshold is an option: 0 flags nothing, 1 flags every valid pixel below certainty', () => {
  const c = softCase(7, 5, true);
  const valid = c.label.filter((y) => y !== VOID).length;
  const run = (threshold: number) =>
    evaluatePair(labelMap(c), { type: 'soft', scores: c.scores }, options(5, { labelIssueThreshold: threshold }))
      .metrics;
  assert.equal(run(0).labelIssuePixels, 0);
  const all = c.label.filter((y, p) => y !== VOID && c.probabilities[p]![y]! < 1).length;
  assert.equal(run(1).labelIssuePixels, all);
  assert.ok(all <= valid);
  const { labels, predProbs } = cleanlabInputs(c);
  const scores = cleanlabLabelQuality(labels, predProbs).pixelScores;
  assert.equal(run(0.3).labelIssuePixels, cleanlabIssues(scores, 0.3).flat().filter(Boolean).length);
  assert.throws(() => run(1.5), OptionsError);
  assert.throws(() => run(-0.1), OptionsError);
});

/** Regions the slow way: union-find over flagged pixels joined to their right and lower neighbours. */
function naiveRegions(c: SoftCase, threshold: number): IssueRegion[] {
  const pixels = c.width * c.height;
  const argmax = c.probabilities.map((row) => row.indexOf(Math.max(...row)));
  const flagged = c.label.map((y, p) => y !== VOID && c.probabilities[p]![y]! < threshold);
  const parent = Array.from({ length: pixels }, (_, p) => p);
  const find = (p: number): number => (parent[p] === p ? p : (parent[p] = find(parent[p]!)));
  const same = (p: number, q: number) =>
    flagged[p] && flagged[q] && c.label[p] === c.label[q] && argmax[p] === argmax[q];
  for (let p = 0; p < pixels; p++) {
    const x = p % c.width;
    if (x + 1 < c.width && same(p, p + 1)) parent[find(p)] = find(p + 1);
    if (p + c.width < pixels && same(p, p + c.width)) parent[find(p)] = find(p + c.width);
  }
  const groups = new Map<number, number[]>();
  for (let p = 0; p < pixels; p++) {
    if (!flagged[p]) continue;
    const root = find(p);
    groups.set(root, [...(groups.get(root) ?? []), p]);
  }
  return [...groups.values()]
    .map((members) => {
      const xs = members.map((p) => p % c.width);
      const ys = members.map((p) => Math.floor(p / c.width));
      const first = members[0]!;
      return {
        first,
        region: {
          labelClass: c.label[first]!,
          suggestedClass: argmax[first]!,
          pixels: members.length,
          box: {
            x: Math.min(...xs),
            y: Math.min(...ys),
            width: Math.max(...xs) - Math.min(...xs) + 1,
            height: Math.max(...ys) - Math.min(...ys) + 1,
          },
          score: members.reduce((sum, p) => sum + c.probabilities[p]![c.label[p]!]!, 0) / members.length,
        },
      };
    })
    .sort((a, b) => b.region.pixels - a.region.pixels || a.first - b.first)
    .slice(0, ISSUE_REGION_LIMIT)
    .map((entry) => entry.region);
}

test('label-issue regions: 4-connected, one label class and one most likely class each, largest 12, against a union-find', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const numClasses = CLASS_COUNTS[seed % CLASS_COUNTS.length]!;
    const c = softCase(seed * 31, numClasses, seed % 2 === 0);
    const threshold = seed % 3 === 0 ? 0.1 : 0.4;
    const { metrics } = evaluatePair(
      labelMap(c),
      { type: 'soft', scores: c.scores },
      options(numClasses, { labelIssueThreshold: threshold }),
    );
    const expected = naiveRegions(c, threshold);
    const actual = metrics.labelIssueRegions ?? [];
    assert.equal(actual.length, expected.length, `seed ${seed}`);
    actual.forEach((region, i) => {
      const want = expected[i]!;
      assert.deepEqual({ ...region, score: 0 }, { ...want, score: 0 }, `seed ${seed} region ${i}`);
      assert.ok(Math.abs(region.score - want.score) < 1e-9, `seed ${seed} region ${i} score`);
    });
  }
});

test('hard predictions have no label quality: the fused kernels stay as they were', () => {
  const label: ClassMap = { width: 4, height: 1, ids: Uint8Array.from([0, 1, 1, VOID]) };
  const prediction: ClassMap = { width: 4, height: 1, ids: Uint8Array.from([0, 1, 0, 0]) };
  const { metrics } = evaluatePair(label, { type: 'hard', map: prediction }, options(2));
  assert.equal(metrics.labelQuality, undefined);
  assert.equal(metrics.labelIssuePixels, undefined);
  assert.equal(metrics.calibration, undefined);
});
