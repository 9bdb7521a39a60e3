import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  folderHolding,
  isInside,
  parseFolderSettingsMap,
  settingsAfterRun,
  shortFolder,
  withFolderSettings,
  type FolderDependent,
} from '../../../src/extension/logic/folderSettings';

const base: FolderDependent & { readonly other: number } = {
  labelsFolder: '/data/from-setting',
  imagesFolder: undefined,
  dataset: { dataset: '/data/camvid.json', predictionIds: 'auto' },
  other: 7,
};

test('stored folder settings are read back; damaged entries and relative keys are dropped', () => {
  const map = parseFolderSettingsMap({
    '/w/predictions': {
      labelsFolder: '/w/labels',
      dataset: 'ade20k',
      predictionIds: 'label',
      pair: '',
      photosFolder: '/w/img',
    },
    '/w/b': { predictionIds: 'sideways', dataset: 3, labelsFolder: 'x'.repeat(5000) },
    'relative/c': { labelsFolder: '/w/labels' },
    '/w/d': 'not an object',
  });
  assert.deepEqual(map, {
    '/w/predictions': {
      labelsFolder: '/w/labels',
      dataset: 'ade20k',
      predictionIds: 'label',
      pair: '',
      photosFolder: '/w/img',
    },
    '/w/b': {},
  });
  assert.deepEqual(parseFolderSettingsMap(undefined), {});
  assert.deepEqual(parseFolderSettingsMap([1, 2]), {});
});

test('labels folders remembered by earlier versions become folder settings; newer entries win', () => {
  const map = parseFolderSettingsMap(
    { '/w/a': { labelsFolder: '/w/new', dataset: 'voc' } },
    { '/w/a': '/w/old', '/w/b': '/w/b-labels', '/w/c': 5 },
  );
  assert.deepEqual(map, {
    '/w/a': { labelsFolder: '/w/new', dataset: 'voc' },
    '/w/b': { labelsFolder: '/w/b-labels' },
  });
});

test('a file belongs to the deepest evaluated folder holding it; a sibling with a common prefix does not', () => {
  const map = { '/w/results': { dataset: 'cityscapes' }, '/w/results/sub': { dataset: 'ade20k' } };
  assert.equal(folderHolding(map, '/w/results/frankfurt/x.png')?.predictionsDir, '/w/results');
  assert.equal(folderHolding(map, '/w/results/sub/y.png')?.settings.dataset, 'ade20k');
  assert.equal(folderHolding(map, '/w/results')?.predictionsDir, '/w/results', 'the folder itself');
  assert.equal(folderHolding(map, '/w/results-b/x.png'), undefined, 'a prefix of the name is not a parent');
  assert.equal(folderHolding(map, '/w/x.png'), undefined);
  assert.equal(isInside('/w/a/../b/x.png', '/w/b'), true);
});

test('a folder’s own choices win over the settings, which stay the defaults', () => {
  assert.deepEqual(withFolderSettings(base, undefined), base);
  const own = withFolderSettings(base, {
    labelsFolder: '/w/labels',
    dataset: 'ade20k',
    predictionIds: 'train',
    pair: '{stem}_seg.png:{stem}_gtFine_color.png',
    photosFolder: '/w/photos',
  });
  assert.equal(own.other, 7, 'the rest is kept');
  assert.equal(own.labelsFolder, '/w/labels');
  assert.equal(own.imagesFolder, '/w/photos');
  assert.deepEqual(own.dataset, {
    dataset: 'ade20k',
    predictionIds: 'train',
    pair: '{stem}_seg.png:{stem}_gtFine_color.png',
  });
});

test('an empty stored pairing pairs by name even when seglens.pair is set; a stored one replaces it', () => {
  const withSetting = { ...base, dataset: { ...base.dataset, pair: '{stem}_p.png:{stem}_l.png' } };
  assert.equal(withFolderSettings(withSetting, { pair: '' }).dataset.pair, undefined);
  assert.equal(withFolderSettings(withSetting, {}).dataset.pair, '{stem}_p.png:{stem}_l.png');
  assert.equal(
    withFolderSettings(withSetting, { pair: '{stem}.png:{stem}_gt.png' }).dataset.pair,
    '{stem}.png:{stem}_gt.png',
  );
});

test('what a run keeps is what it ran with: the same settings come back on the next run', () => {
  const first = withFolderSettings(base, undefined);
  const after = settingsAfterRun('/w/labels', first, undefined);
  assert.deepEqual(after, { labelsFolder: '/w/labels', dataset: '/data/camvid.json', predictionIds: 'auto', pair: '' });
  assert.deepEqual(withFolderSettings(base, after), { ...first, labelsFolder: '/w/labels' });
  const kept = settingsAfterRun('/w/labels2', { ...first, imagesFolder: '/w/img' }, { photosFolder: '/w/old' });
  assert.equal(kept.photosFolder, '/w/img');
  assert.equal(settingsAfterRun('/l', first, { photosFolder: '/w/old' }).photosFolder, '/w/old');
});

test('folders are named by their last two parts in messages', () => {
  assert.equal(shortFolder('/data/CamVid/test'), '…/CamVid/test');
  assert.equal(shortFolder('/data'), '/data');
});
