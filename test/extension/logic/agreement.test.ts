import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateImage } from '../../../src/core';
import type { AgreementRecord } from '../../../src/core/evaluate/agreeImage';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import {
  agreementLayer,
  labelIssueExport,
  votingFolders,
  withAgreementCounts,
  type AgreementResults,
} from '../../../src/extension/logic/agreement';
import { imageMessage } from '../../../src/extension/logic/inspectorMessage';
import { LIKELY_LABEL_ERRORS, rankRecords } from '../../../src/extension/logic/sortKeys';
import { parseHostMessage } from '../../../src/shared/protocol/inspector';
import { fakeRecord } from './records';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'samples', 'voc-mini');

test('the evaluated folder votes first, each picked folder once, and k is two thirds of the models rounded up', () => {
  const three = votingFolders('/d/a', ['/d/b', '/d/c']);
  assert.deepEqual(three.folders, ['/d/a', '/d/b', '/d/c']);
  // ⌈2N/3⌉ worked by hand: N = 2 → ⌈1.33⌉ = 2, N = 3 → 2, N = 4 → ⌈2.67⌉ = 3, N = 12 → 8.
  assert.equal(three.minAgree, 2);
  assert.equal(votingFolders('/d/a', ['/d/b']).minAgree, 2);
  assert.equal(votingFolders('/d/a', ['/d/b', '/d/c', '/d/e']).minAgree, 3);
  assert.equal(
    votingFolders(
      '/d/a',
      Array.from({ length: 11 }, (_, i) => `/d/m${i}`),
    ).minAgree,
    8,
  );
  assert.throws(() => votingFolders('/d/a', ['/d/b', '/d/b/']), /picked twice/);
  assert.throws(() => votingFolders('/d/a', ['/d/a']), /is the evaluated folder/);
  assert.throws(() => votingFolders('/d/a', []), /at least one other/);
});

function agreed(name: string, pixels: number): AgreementRecord {
  return {
    name,
    labelFile: `/data/labels/${name}.png`,
    predictionFiles: [`/a/${name}.png`, null, `/c/${name}.png`],
    width: 4,
    height: 2,
    validPixels: 8,
    models: 2,
    likelyLabelErrorPixels: pixels,
    likelyLabelErrorRegions:
      pixels > 0
        ? [{ labelClass: 0, suggestedClass: 2, pixels, box: { x: 0, y: 0, width: pixels, height: 1 }, score: 1 }]
        : [],
  };
}

function results(records: AgreementRecord[]): AgreementResults {
  return {
    folders: ['/a', '/b', '/c'],
    minAgree: 2,
    setup: { models: [], minAgree: 2 },
    jobs: new Map(),
    records: new Map(records.map((r) => [r.name, r])),
  };
}

test('the view ranks by likely-label-error pixels, most first, ties by name, images the agreement lacks last', () => {
  const records = ['a', 'b', 'c', 'd'].map((name) => fakeRecord(name));
  const counted = withAgreementCounts(records, results([agreed('a', 1), agreed('b', 3), agreed('c', 3)]));
  assert.deepEqual(
    rankRecords(counted, LIKELY_LABEL_ERRORS).map((r) => `${r.name}:${r.likelyLabelErrorPixels ?? '-'}`),
    ['b:3', 'c:3', 'a:1', 'd:-'],
  );
  assert.deepEqual(withAgreementCounts(records, undefined), records, 'no agreement: the records as they are');
});

test('Export Label Issues writes the soft regions, then the agreement regions with the models that voted', () => {
  const region = { labelClass: 1, suggestedClass: 2, pixels: 5, box: { x: 1, y: 0, width: 2, height: 1 }, score: 0.04 };
  const soft = [fakeRecord('s', { labelIssueRegions: [region] }), fakeRecord('h')];
  const lines = labelIssueExport(soft, results([agreed('z', 2), agreed('y', 0)]));
  assert.deepEqual(lines, [
    {
      image: 's',
      labelFile: '/data/labels/s.png',
      predictionFiles: ['/data/predictions/s.png'],
      box: region.box,
      pixels: 5,
      labelClass: 1,
      suggestedClass: 2,
      score: 0.04,
      evidence: 'soft',
    },
    {
      image: 'z',
      labelFile: '/data/labels/z.png',
      predictionFiles: ['/a/z.png', '/c/z.png'],
      box: { x: 0, y: 0, width: 2, height: 1 },
      pixels: 2,
      labelClass: 0,
      suggestedClass: 2,
      score: 1,
      evidence: 'agreement',
    },
  ]);
  assert.deepEqual(labelIssueExport([fakeRecord('h')], undefined), [], 'hard results alone have none');
});

test('the agreement layer travels in the image message and the protocol checks it', () => {
  const record = agreed('a', 2);
  const maps = {
    agreedClass: Int32Array.of(2, 2, -1, -1, -1, -1, -1, -1),
    votes: Uint8Array.of(2, 2, 0, 0, 0, 0, 0, 0),
  };
  const layer = agreementLayer(record, maps, 2);
  const pixels = 8;
  const message = imageMessage({
    record: fakeRecord('a'),
    maps: {
      width: 4,
      height: 2,
      label: new Int32Array(pixels),
      predicted: new Int32Array(pixels),
      truthProbability: new Float32Array(pixels).fill(1),
      pixelCost: new Float32Array(pixels),
      mergeEffect: new Float32Array(pixels),
      hotSpots: [],
      boundaryBand: new Uint8Array(pixels),
    },
    numClasses: 3,
    ignoreIndex: 255,
    classNames: [],
    colorTable: undefined,
    imageUri: null,
    position: { index: 0, total: 1 },
    lossVariant: 'v1',
    agreement: layer,
  });
  const parsed = parseHostMessage(message);
  assert.ok(parsed.ok && parsed.value.type === 'image', parsed.ok ? '' : parsed.error);
  assert.deepEqual(parsed.value.agreement?.regions, record.likelyLabelErrorRegions);
  assert.equal(parsed.value.labelIssues, null, 'a hard prediction has no label issues');
  const bad = (agreement: object) => parseHostMessage({ ...message, agreement: { ...layer, ...agreement } }).ok;
  assert.equal(bad({ agreedClass: Int32Array.of(3, 0, 0, 0, 0, 0, 0, 0) }), false, 'class ids below numClasses');
  assert.equal(bad({ votes: Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0) }), false, 'never more votes than models');
  assert.equal(bad({ votes: new Uint8Array(7) }), false, 'one vote count per pixel');
  assert.equal(bad({ regions: new Array(65).fill(record.likelyLabelErrorRegions[0]) }), false, 'at most 64 regions');
});

test("a soft sample's message carries the engine's entropy, margin, confidence and label-issue maps", async () => {
  const metric = { ...DEFAULT_METRIC_OPTIONS, numClasses: 21, labelIssueThreshold: 0.1 };
  const { record, maps } = await evaluateImage(
    {
      name: 'soft_000',
      predictionFile: join(SAMPLES, 'soft-predictions', 'soft_000.npy'),
      labelFile: join(SAMPLES, 'soft-labels', 'soft_000.png'),
    },
    { metric, read: DEFAULT_READ_OPTIONS },
  );
  const message = imageMessage({
    record,
    maps,
    numClasses: 21,
    ignoreIndex: 255,
    classNames: [],
    colorTable: undefined,
    imageUri: null,
    position: { index: 0, total: 1 },
    lossVariant: 'v1',
    labelIssueThreshold: 0.1,
  });
  const parsed = parseHostMessage(message);
  assert.ok(parsed.ok && parsed.value.type === 'image', parsed.ok ? '' : parsed.error);
  const { layers, labelIssues } = parsed.value;
  assert.ok(layers.entropy && layers.margin && layers.confidence && layers.labelIssues, 'every soft map is sent');
  // Independently of the engine's maps: the mask is exactly the valid pixels whose P(label) < 0.1, and
  // top-1 ≥ margin, top-1 ≥ P(label) on every pixel.
  let flagged = 0;
  for (let p = 0; p < layers.label.length; p++) {
    const expected = (layers.label[p] ?? -1) >= 0 && (layers.truthProbability[p] ?? 1) < 0.1 ? 1 : 0;
    assert.equal(layers.labelIssues[p], expected, `pixel ${p}`);
    flagged += expected;
    assert.ok((layers.confidence[p] ?? 0) + 1e-6 >= (layers.margin[p] ?? 0));
    if ((layers.label[p] ?? -1) >= 0)
      assert.ok((layers.confidence[p] ?? 0) + 1e-6 >= (layers.truthProbability[p] ?? 0));
  }
  assert.equal(flagged, record.labelIssuePixels);
  assert.equal(labelIssues?.threshold, 0.1);
  assert.deepEqual(labelIssues?.regions, record.labelIssueRegions?.slice(0, 12));
});
