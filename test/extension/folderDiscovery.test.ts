import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { findRgbImage, findSiblingLabelFolder, labelNamesDerivedFrom } from '../../src/extension/logic/folderDiscovery';

const root = mkdtempSync(path.join(tmpdir(), 'seglens-folders-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = (...parts: string[]): string => {
  const full = path.join(root, ...parts);
  mkdirSync(full, { recursive: true });
  return full;
};

test('finds a VOC-style label folder beside the predictions', async () => {
  const predictions = dir('voc', 'predictions');
  dir('voc', 'labels');
  const voc = dir('voc', 'SegmentationClass');
  assert.equal(await findSiblingLabelFolder(predictions), voc, 'SegmentationClass wins over labels');
});

test('matches names case-insensitively and looks one level up', async () => {
  const gt = dir('city', 'GT');
  const predictions = dir('city', 'results', 'model-a');
  assert.equal(await findSiblingLabelFolder(predictions), gt);
});

test('never pairs a folder with itself and gives up when nothing matches', async () => {
  const labelsNamed = dir('odd', 'labels');
  assert.equal(await findSiblingLabelFolder(labelsNamed), undefined);
  assert.equal(await findSiblingLabelFolder(dir('empty', 'preds')), undefined);
});

test('finds the RGB image in JPEGImages by stem, or in the configured folder first', async () => {
  const predictions = dir('rgb', 'predictions');
  const labels = dir('rgb', 'SegmentationClass');
  writeFileSync(path.join(dir('rgb', 'JPEGImages'), 'a.jpg'), '');
  writeFileSync(path.join(dir('photos'), 'a.png'), '');
  assert.equal(
    await findRgbImage('a', { predictionsDir: predictions, labelsDir: labels }),
    path.join(root, 'rgb', 'JPEGImages', 'a.jpg'),
  );
  assert.equal(
    await findRgbImage('a', {
      imagesFolder: path.join(root, 'photos'),
      predictionsDir: predictions,
      labelsDir: labels,
    }),
    path.join(root, 'photos', 'a.png'),
  );
  assert.equal(await findRgbImage('missing', { predictionsDir: predictions, labelsDir: labels }), undefined);
});

test('a prefixed prediction folder pairs with the matching label folder first', async () => {
  const soft = dir('par', 'soft-predictions');
  dir('par', 'SegmentationClass');
  const softLabels = dir('par', 'soft-labels');
  assert.equal(await findSiblingLabelFolder(soft), softLabels);
  assert.deepEqual(labelNamesDerivedFrom('/x/val_preds').slice(0, 3), ['val_labels', 'val_label', 'val_gt']);
  assert.deepEqual(labelNamesDerivedFrom('/x/predictions'), []);
});
