import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareDataset } from '../../../src/core/datasets/prepareDataset';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { optionsIdentity } from '../../../src/core/optionsIdentity';
import { applyDataset, type DatasetDependent } from '../../../src/extension/logic/datasetSettings';
import { readSettings } from '../../../src/extension/logic/settings';

function cityscapesFolders(): { predictions: string; labels: string } {
  const root = mkdtempSync(join(tmpdir(), 'seglens-dsettings-'));
  const predictions = join(root, 'results', 'frankfurt');
  const labels = join(root, 'gtFine', 'val', 'frankfurt');
  mkdirSync(predictions, { recursive: true });
  mkdirSync(labels, { recursive: true });
  writeFileSync(join(predictions, 'f_1_leftImg8bit.png'), encodeIndexPng(2, 1, [0, 13], { kind: 'gray', bitDepth: 8 }));
  writeFileSync(join(labels, 'f_1_gtFine_labelIds.png'), encodeIndexPng(2, 1, [7, 26], { kind: 'gray', bitDepth: 8 }));
  return { predictions: join(root, 'results'), labels: join(root, 'gtFine', 'val') };
}

const base: DatasetDependent = {
  engine: { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS },
  classNames: ['mine'],
  explicit: { classes: false, ignore: false, classNames: false },
};

test('settings: seglens.dataset and seglens.predictionIds default to auto and reject other values', () => {
  const defaults = readSettings(() => undefined);
  assert.equal(defaults.dataset, 'auto');
  assert.equal(defaults.predictionIds, 'auto');
  const set = readSettings((key) => ({ dataset: 'cityscapes', predictionIds: 'label' })[key]);
  assert.deepEqual([set.dataset, set.predictionIds], ['cityscapes', 'label']);
  assert.equal(readSettings((key) => (key === 'predictionIds' ? 'labels' : undefined)).predictionIds, 'auto');
});

test('a detected Cityscapes folder sets 19 classes, the names, the id mapping and a new options identity', async () => {
  const { predictions, labels } = cityscapesFolders();
  const prepared = await prepareDataset(predictions, labels, { dataset: 'auto', predictionIds: 'auto' }, base.engine);
  const applied = applyDataset(base, prepared);
  assert.equal(applied.engine.metric.numClasses, 19);
  assert.equal(applied.classNames[13], 'car');
  assert.equal(applied.engine.ids?.labelIds, 'label');
  assert.notEqual(optionsIdentity(applied.engine), optionsIdentity(base.engine));
  assert.equal(applied.datasetName, 'cityscapes');
  assert.match(applied.datasetDescription!, /^dataset: cityscapes \(detected: _gtFine_ in file names\)/);
  assert.equal(applied.datasetName, 'cityscapes', 'the inspector header and warnings name it');
  assert.deepEqual(
    prepared.pairing.pairs.map((p) => p.name),
    ['frankfurt/f_1'],
  );

  const explicit = applyDataset(
    {
      ...base,
      engine: { ...base.engine, metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 34 } },
      explicit: { classes: true, ignore: false, classNames: true },
    },
    prepared,
  );
  assert.equal(explicit.engine.metric.numClasses, 34, 'seglens.classes set by the user wins');
  assert.equal(explicit.classNames[0], 'mine');
});

test('nothing recognised: the settings stay as they are, with the description for the summary', async () => {
  const root = mkdtempSync(join(tmpdir(), 'seglens-dsettings-'));
  mkdirSync(join(root, 'p'));
  mkdirSync(join(root, 'g'));
  const prepared = await prepareDataset(
    join(root, 'p'),
    join(root, 'g'),
    { dataset: 'auto', predictionIds: 'auto' },
    base.engine,
  );
  const applied = applyDataset(base, prepared);
  assert.equal(applied.engine, base.engine);
  assert.match(applied.datasetDescription!, /^dataset: none recognised/);
  assert.equal(applied.datasetName, 'none');
});

test('issue 18.8: a dataset file edited in place (same path) gives another cache key; rewritten unchanged, the same', async () => {
  const root = mkdtempSync(join(tmpdir(), 'seglens-dfile-'));
  const predictions = join(root, 'predictions');
  const labels = join(root, 'labels');
  mkdirSync(predictions);
  mkdirSync(labels);
  writeFileSync(join(predictions, 'a.png'), encodeIndexPng(2, 1, [0, 1], { kind: 'gray', bitDepth: 8 }));
  writeFileSync(join(labels, 'a.png'), encodeIndexPng(2, 1, [0, 1], { kind: 'gray', bitDepth: 8 }));
  const file = join(root, 'my-dataset.json');
  const dataset = (road: number[], idToTrainId: Record<string, number>): string =>
    JSON.stringify({
      name: 'mine',
      classes: [
        { name: 'road', color: road },
        { name: 'sky', color: [70, 130, 180] },
      ],
      labelIds: 'label',
      idToTrainId,
    });
  // The cache key as the extension computes it: the folder's settings with the dataset applied.
  const cacheKey = async (): Promise<string> => {
    const prepared = await prepareDataset(predictions, labels, { dataset: file, predictionIds: 'train' }, base.engine);
    return optionsIdentity(applyDataset(base, prepared).engine, { engineVersion: 'test' });
  };
  writeFileSync(file, dataset([128, 64, 128], { '0': 0, '1': 1 }));
  const first = await cacheKey();
  writeFileSync(file, dataset([128, 64, 128], { '0': 0, '1': 1 }));
  assert.equal(await cacheKey(), first, 'the same contents, the same key');
  writeFileSync(file, dataset([128, 64, 129], { '0': 0, '1': 1 }));
  const recoloured = await cacheKey();
  assert.notEqual(recoloured, first, 'one colour changed');
  writeFileSync(file, dataset([128, 64, 129], { '0': 1, '1': 0 }));
  assert.notEqual(await cacheKey(), recoloured, 'the id mapping changed');
});
