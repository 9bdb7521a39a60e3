import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { agreeImage, type AgreementSetup } from '../../../src/core/evaluate/agreeImage';
import { agreementJobs } from '../../../src/core/evaluate/agreementJobs';
import { vocColorTable } from '../../../src/core/io/colorTable';
import type { EngineOptions } from '../../../src/core/io/readFiles';
import { defaultMinAgree, likelyLabelErrors } from '../../../src/core/metrics/agreement';
import { DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import type { ClassMap } from '../../../src/core/types';
import { decode, REAL, REAL_SKIP, vocIdsFromColours } from '../../helpers/realData';

const VOID = 255;

/**
 * The rule written out per pixel: count every model's class in a Map; the other class with the most
 * votes (lower id on a tie) is agreed when it has at least k votes. Ids >= C vote for nothing.
 */
function naiveAgreement(
  label: readonly number[],
  predictions: readonly (readonly number[])[],
  numClasses: number,
  k: number,
): { flagged: number; agreed: number[] } {
  let flagged = 0;
  const agreed = label.map((y, p) => {
    if (y === VOID || y >= numClasses) return -1;
    const votes = new Map<number, number>();
    for (const prediction of predictions) {
      const c = prediction[p]!;
      if (c !== y && c < numClasses) votes.set(c, (votes.get(c) ?? 0) + 1);
    }
    const ranked = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const top = ranked[0];
    if (top === undefined || top[1] < k) return -1;
    flagged++;
    return top[0];
  });
  return { flagged, agreed };
}

const map = (width: number, height: number, ids: readonly number[]): ClassMap => ({
  width,
  height,
  ids: Uint8Array.from(ids),
});

test('agreement equals a per-pixel vote count: 2 to 12 models, default and other k, void and out-of-range ids', () => {
  for (const models of [2, 3, 5, 12]) {
    for (let seed = 1; seed <= 6; seed++) {
      const random = seededRandom(models * 100 + seed);
      const numClasses = 2 + Math.floor(random() * 6);
      const width = 5 + Math.floor(random() * 20);
      const height = 4 + Math.floor(random() * 12);
      const truth = Array.from({ length: width * height }, () => Math.floor(random() * numClasses));
      const label = truth.map((y) => (random() < 0.1 ? VOID : random() < 0.2 ? Math.floor(random() * numClasses) : y));
      const predictions = Array.from({ length: models }, () =>
        truth.map((y) => (random() < 0.05 ? numClasses + 3 : random() < 0.3 ? Math.floor(random() * numClasses) : y)),
      );
      for (const k of [defaultMinAgree(models), 1, Math.max(1, Math.floor(models / 2))]) {
        const { figures, maps } = likelyLabelErrors(
          map(width, height, label),
          predictions.map((ids) => map(width, height, ids)),
          { numClasses, ignoreIndex: VOID, minAgree: k },
        );
        const expected = naiveAgreement(label, predictions, numClasses, k);
        assert.equal(figures.likelyLabelErrorPixels, expected.flagged, `N=${models} seed ${seed} k=${k}`);
        assert.deepEqual(Array.from(maps.agreedClass), expected.agreed, `N=${models} seed ${seed} k=${k} classes`);
        assert.equal(figures.validPixels, label.filter((y) => y !== VOID && y < numClasses).length);
        const regionPixels = figures.likelyLabelErrorRegions.reduce((sum, r) => sum + r.pixels, 0);
        assert.ok(regionPixels <= expected.flagged);
      }
    }
  }
});

test('the figures alone (kept buffers, one image after another of changing sizes) equal those with maps, for 8- and 16-bit class maps', () => {
  const random = seededRandom(2207);
  // Large, small, large again: the kept buffers grow, are reused partly, then fully.
  for (const [width, height] of [
    [37, 29],
    [9, 7],
    [41, 33],
    [16, 16],
    [41, 33],
  ] as const) {
    const numClasses = 3 + Math.floor(random() * 5);
    const truth = Array.from({ length: width * height }, (_, p) => Math.floor(((p % width) * numClasses) / width));
    const label = truth.map((y) => (random() < 0.05 ? VOID : random() < 0.15 ? (y + 1) % numClasses : y));
    const predictions = Array.from({ length: 7 }, () =>
      truth.map((y) => (random() < 0.04 ? numClasses + 1 : random() < 0.2 ? Math.floor(random() * numClasses) : y)),
    );
    const options = { numClasses, ignoreIndex: VOID, minAgree: defaultMinAgree(7) };
    const withMaps = likelyLabelErrors(
      map(width, height, label),
      predictions.map((ids) => map(width, height, ids)),
      options,
    );
    const alone = likelyLabelErrors(
      map(width, height, label),
      predictions.map((ids) => map(width, height, ids)),
      options,
      false,
    );
    const wide = (ids: readonly number[]): ClassMap => ({ width, height, ids: Uint16Array.from(ids) });
    const sixteenBit = likelyLabelErrors(wide(label), predictions.map(wide), options, false);
    const expected = naiveAgreement(label, predictions, numClasses, options.minAgree);
    assert.equal(withMaps.figures.likelyLabelErrorPixels, expected.flagged, `${width}x${height}`);
    assert.deepEqual(alone.figures, withMaps.figures, `${width}x${height}: without maps`);
    assert.deepEqual(sixteenBit.figures, withMaps.figures, `${width}x${height}: 16-bit maps`);
    assert.equal(alone.maps, null);
  }
});

test('k = ⌈2N/3⌉ by default', () => {
  assert.deepEqual(
    [2, 3, 4, 5, 6, 12].map((n) => defaultMinAgree(n)),
    [2, 2, 3, 4, 4, 8],
  );
});

test('a label flipped in a region where every model agrees becomes a likely label error there', () => {
  const random = seededRandom(42);
  const width = 40;
  const height = 30;
  const truth = Array.from({ length: width * height }, (_, p) => (p % width < 20 ? 1 : 2));
  // Models agree with the truth everywhere in the flipped box, and are noisy elsewhere.
  const box = { x: 5, y: 8, width: 9, height: 6 };
  const inBox = (p: number): boolean => {
    const x = p % width;
    const y = Math.floor(p / width);
    return x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
  };
  const predictions = Array.from({ length: 5 }, () =>
    truth.map((y, p) => (inBox(p) || random() > 0.2 ? y : Math.floor(random() * 4))),
  );
  const clean = likelyLabelErrors(
    map(width, height, truth),
    predictions.map((ids) => map(width, height, ids)),
    { numClasses: 4, ignoreIndex: VOID, minAgree: defaultMinAgree(5) },
  );
  const flippedLabel = truth.map((y, p) => (inBox(p) ? 3 : y));
  const flipped = likelyLabelErrors(
    map(width, height, flippedLabel),
    predictions.map((ids) => map(width, height, ids)),
    { numClasses: 4, ignoreIndex: VOID, minAgree: defaultMinAgree(5) },
  );
  const boxPixels = box.width * box.height;
  assert.equal(flipped.figures.likelyLabelErrorPixels - clean.figures.likelyLabelErrorPixels, boxPixels);
  const region = flipped.figures.likelyLabelErrorRegions[0]!;
  assert.deepEqual(
    { labelClass: region.labelClass, suggestedClass: region.suggestedClass, pixels: region.pixels, box: region.box },
    { labelClass: 3, suggestedClass: 1, pixels: boxPixels, box },
  );
  assert.equal(region.score, 1, 'every model votes for the true class');
});

const TRAMAC = join(REAL, 'voc-tramac-awesome-semseg', 'tests');
const RIDER = join(REAL, 'voc-kevinddchen-keras-fcn', 'assets');

function vocModels(count: number, colorTable?: EngineOptions['colorTable']): EngineOptions[] {
  const options: EngineOptions = {
    metric: { numClasses: 21, ignoreIndex: VOID, scales: [1], hardEpsilon: 0 },
    read: DEFAULT_READ_OPTIONS,
    ...(colorTable ? { colorTable } : {}),
  };
  return Array.from({ length: count }, () => options);
}

test(
  'real predictions: the 12 models of voc-tramac-awesome-semseg (4 at another size cast no vote) against a naive count',
  { skip: REAL_SKIP },
  () => {
    const runs = readdirSync(join(TRAMAC, 'runs'))
      .filter((file) => file.endsWith('.png'))
      .sort()
      .map((file) => join(TRAMAC, 'runs', file));
    assert.equal(runs.length, 12);
    const labelFile = join(TRAMAC, 'test_mask.png');
    const label = decode(labelFile);
    const decoded = runs.map(decode);
    const sameSize = decoded.filter((d) => d.width === label.width && d.height === label.height);
    assert.equal(sameSize.length, 8);
    for (const k of [defaultMinAgree(12), defaultMinAgree(8), 3]) {
      const setup: AgreementSetup = { models: vocModels(12), minAgree: k };
      const { record, skipped } = agreeImage({ name: 'test_mask', labelFile, predictionFiles: runs }, setup);
      assert.ok(record);
      assert.equal(record.models, 8);
      assert.deepEqual(
        skipped.map((s) => s.file).sort(),
        runs.filter((_, i) => decoded[i]!.width !== label.width).sort(),
      );
      for (const s of skipped) assert.match(s.reason, /prediction is 504x368 but its label is 500x366/);
      const expected = naiveAgreement(
        label.values,
        sameSize.map((d) => d.values),
        21,
        k,
      );
      assert.equal(record.likelyLabelErrorPixels, expected.flagged, `k=${k}`);
      if (k === 3) assert.ok(expected.flagged > 0, 'some pixels are flagged at k = 3');
    }
  },
);

test(
  'real predictions: FCN-32s/16s/8s of voc-kevinddchen-keras-fcn (VOC colours) against a naive count',
  { skip: REAL_SKIP },
  () => {
    const labelFile = join(RIDER, 'rider_label.png');
    const predictionFiles = ['fcn32.png', 'fcn16.png', 'fcn8.png'].map((file) => join(RIDER, file));
    const label = vocIdsFromColours(decode(labelFile).values);
    const predictions = predictionFiles.map((file) => vocIdsFromColours(decode(file).values));
    for (const k of [defaultMinAgree(3), 3, 1]) {
      const setup: AgreementSetup = { models: vocModels(3, vocColorTable()), minAgree: k };
      const { record, skipped } = agreeImage({ name: 'rider', labelFile, predictionFiles }, setup);
      assert.deepEqual(skipped, []);
      assert.ok(record);
      const expected = naiveAgreement(label, predictions, 21, k);
      assert.equal(record.likelyLabelErrorPixels, expected.flagged, `k=${k}`);
      assert.ok(expected.flagged > 0, `k=${k}: the three FCNs disagree with the SBD label somewhere`);
      const regionPixels = record.likelyLabelErrorRegions.reduce((sum, r) => sum + r.pixels, 0);
      assert.ok(regionPixels > 0 && regionPixels <= expected.flagged);
    }
  },
);

test('agreement jobs join the folders by label file; a missing prediction is null, a second one of a model is reported', () => {
  const pairing = (pairs: { name: string; predictionFile: string; labelFile: string }[]) => ({
    pairs,
    unpaired: [],
    ignored: [],
    labelsWithoutPrediction: 0,
  });
  const { jobs, skipped } = agreementJobs([
    pairing([
      { name: 'b', predictionFile: '/m1/b.png', labelFile: '/l/b.png' },
      { name: 'a', predictionFile: '/m1/a.png', labelFile: '/l/a.png' },
    ]),
    pairing([
      { name: 'a', predictionFile: '/m2/a.png', labelFile: '/l/a.png' },
      { name: 'a2', predictionFile: '/m2/a_pred.png', labelFile: '/l/a.png' },
    ]),
  ]);
  assert.deepEqual(
    jobs.map((job) => [job.name, job.predictionFiles]),
    [
      ['a', ['/m1/a.png', '/m2/a.png']],
      ['b', ['/m1/b.png', null]],
    ],
  );
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0]!.file, '/m2/a_pred.png');
});
