import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { findSiblingLabelFolder, labelNamesDerivedFrom } from '../../../src/core/io/labelFolder';
import { findRgbImage } from '../../../src/extension/logic/folderDiscovery';

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
    await findRgbImage({ name: 'a' }, { predictionsDir: predictions, labelsDir: labels }),
    path.join(root, 'rgb', 'JPEGImages', 'a.jpg'),
  );
  assert.equal(
    await findRgbImage(
      { name: 'a' },
      {
        imagesFolder: path.join(root, 'photos'),
        predictionsDir: predictions,
        labelsDir: labels,
      },
    ),
    path.join(root, 'photos', 'a.png'),
  );
  assert.equal(await findRgbImage({ name: 'missing' }, { predictionsDir: predictions, labelsDir: labels }), undefined);
});

test('a prefixed prediction folder pairs with the matching label folder first', async () => {
  const soft = dir('par', 'soft-predictions');
  dir('par', 'SegmentationClass');
  const softLabels = dir('par', 'soft-labels');
  assert.equal(await findSiblingLabelFolder(soft), softLabels);
  assert.deepEqual(labelNamesDerivedFrom('/x/val_preds').slice(0, 3), ['val_labels', 'val_label', 'val_gt']);
  assert.deepEqual(labelNamesDerivedFrom('/x/predictions'), []);
});

test('Cityscapes and ADE20K trees: the validation split of gtFine / annotations is the label folder', async () => {
  const results = dir('cs', 'results');
  dir('cs', 'gtFine', 'train');
  const val = dir('cs', 'gtFine', 'val');
  assert.equal(await findSiblingLabelFolder(results), val);
  const predictions = dir('ade', 'predictions');
  dir('ade', 'annotations', 'training');
  const validation = dir('ade', 'annotations', 'validation');
  assert.equal(await findSiblingLabelFolder(predictions), validation);
});

test('a folder holding its own labels (_target, gt, _gtFine_) is its own label folder', async () => {
  const shared = dir('shared', 'samples');
  writeFileSync(path.join(shared, '0_pred.png'), '');
  writeFileSync(path.join(shared, '0_target.png'), '');
  assert.equal(await findSiblingLabelFolder(shared), shared);
  const teresa = dir('teresa', 'doc');
  writeFileSync(path.join(teresa, 'x.png'), '');
  writeFileSync(path.join(teresa, 'xgt.png'), '');
  assert.equal(await findSiblingLabelFolder(teresa), teresa);
});

test('photos of nested and suffixed layouts: leftImg8bit/<split>/<city>, images/<split>, N_image beside the files', async () => {
  const results = dir('csimg', 'results', 'frankfurt');
  const labels = dir('csimg', 'gtFine', 'val');
  const photo = path.join(dir('csimg', 'leftImg8bit', 'val', 'frankfurt'), 'f_1_leftImg8bit.png');
  writeFileSync(photo, '');
  assert.equal(
    await findRgbImage(
      { name: 'frankfurt/f_1', predictionFile: path.join(results, 'f_1_leftImg8bit.png') },
      { predictionsDir: path.dirname(results), labelsDir: labels },
    ),
    photo,
  );
  const adePhoto = path.join(dir('adeimg', 'images', 'validation'), 'ADE_val_1.jpg');
  writeFileSync(adePhoto, '');
  assert.equal(
    await findRgbImage(
      { name: 'ADE_val_1' },
      { predictionsDir: dir('adeimg', 'predictions'), labelsDir: dir('adeimg', 'annotations', 'validation') },
    ),
    adePhoto,
  );
  const samples = dir('vainf', 'samples');
  writeFileSync(path.join(samples, '3_image.png'), '');
  assert.equal(
    await findRgbImage(
      { name: '3', predictionFile: path.join(samples, '3_pred.png'), labelFile: path.join(samples, '3_target.png') },
      { predictionsDir: samples, labelsDir: samples },
    ),
    path.join(samples, '3_image.png'),
  );
});
