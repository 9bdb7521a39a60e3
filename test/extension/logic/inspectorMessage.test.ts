import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageMaps } from '../../../src/core';
import { classColorsFor, imageMessage } from '../../../src/extension/logic/inspectorMessage';
import { parseHostMessage } from '../../../src/shared/protocol/inspector';
import { fakeRecord } from './records';

const pixels = 8;
const maps: ImageMaps = {
  width: 4,
  height: 2,
  label: new Int32Array(pixels).fill(0),
  predicted: new Int32Array(pixels).fill(2),
  truthProbability: new Float32Array(pixels).fill(0.5),
  pixelCost: new Float32Array(pixels).fill(0.69),
  mergeEffect: new Float32Array(pixels).fill(0.01),
  hotSpots: [
    {
      scale: 2,
      classId: 2,
      effect: 0.3,
      share: 0.01875,
      pixels: 2,
      windows: 1,
      box: { x: 2, y: 0, width: 2, height: 2 },
      cells: Uint8Array.of(1),
    },
  ],
  boundaryBand: new Uint8Array(pixels).fill(7),
};

test('the host builds image messages the webview accepts', () => {
  const message = imageMessage({
    record: fakeRecord('2007_000032'),
    maps,
    numClasses: 3,
    ignoreIndex: 255,
    classNames: ['background', 'cat'],
    colorTable: undefined,
    imageUri: null,
    position: { index: 1, total: 4 },
    lossVariant: 'paper',
    datasetName: 'ade20k',
    labelsFolder: '/data/ADE/annotations/validation',
  });
  const parsed = parseHostMessage(message);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.equal(message.lossVariant, 'paper');
  assert.ok(parsed.value.type === 'image');
  assert.equal(parsed.value.datasetName, 'ade20k', 'the header can name the dataset');
  assert.equal(parsed.value.labelsFolder, '/data/ADE/annotations/validation');
  assert.equal(parseHostMessage({ ...message, datasetName: 7 }).ok, false, 'a dataset name is text');
  assert.equal(parseHostMessage({ ...message, datasetName: 'x'.repeat(257) }).ok, false, 'at most 256 characters');
  assert.deepEqual(message.classNames, ['background', 'cat', 'class 2']);
  assert.equal(message.layers.predicted, maps.predicted, 'maps travel as the typed arrays themselves');
});

test('class colours come from the colour table where it has them', () => {
  const table = {
    name: 't',
    classNames: ['a'],
    classColors: [[1, 2, 3] as const],
    idOfColor: new Map<number, number>(),
  };
  const colors = classColorsFor(3, table);
  assert.deepEqual(colors[0], [1, 2, 3]);
  assert.deepEqual(colors[1], [128, 0, 0], 'VOC colour for id 1');
});

test('hot spots travel in the image message and are checked against the image', () => {
  const base = imageMessage({
    record: fakeRecord('a'),
    maps,
    numClasses: 3,
    ignoreIndex: 255,
    classNames: [],
    colorTable: undefined,
    imageUri: null,
    position: { index: 0, total: 1 },
    lossVariant: 'v1',
  });
  const parsed = parseHostMessage(base);
  assert.ok(parsed.ok && parsed.value.type === 'image');
  assert.deepEqual(parsed.value.hotSpots, maps.hotSpots);
  const spot = maps.hotSpots[0]!;
  for (const bad of [
    { ...spot, box: { ...spot.box, width: 3 } },
    { ...spot, classId: 3 },
    { ...spot, effect: Number.NaN },
    { ...spot, extra: 1 },
    { ...spot, cells: new Uint8Array(2) },
  ]) {
    assert.equal(parseHostMessage({ ...base, hotSpots: [bad] }).ok, false, JSON.stringify(bad));
  }
  assert.equal(parseHostMessage({ ...base, hotSpots: new Array(33).fill(spot) }).ok, false, 'at most 32');
  assert.equal(parseHostMessage({ ...base, lossVariant: 'x'.repeat(65) }).ok, false);
});
