import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePathSetting } from '../../../src/extension/logic/pathPolicy';
import { classNamesFor, readSettings } from '../../../src/extension/logic/settings';

test('defaults follow the spec', () => {
  const settings = readSettings(() => undefined);
  assert.deepEqual(settings.metric, {
    numClasses: 21,
    ignoreIndex: 255,
    scales: [2, 4, 8],
    hardEpsilon: 1e-3,
    pooling: 'uniform',
    poolingSigma: 0.5,
    minkowski: 1,
    boundaryRatio: 0.02,
  });
  assert.deepEqual(settings.read, { softValues: 'auto', softLayout: 'auto', maxMegapixels: 64 });
  assert.equal(settings.workers, 0);
  assert.equal(settings.colorTable, undefined);
});

test('values of the wrong type fall back to defaults; good ones are kept', () => {
  const values: Record<string, unknown> = {
    classes: 19,
    scales: 'big',
    scaleWeights: [0.5, 0.5],
    softLayout: 'chw',
    softValues: 'nonsense',
    colorTable: ' cityscapes ',
    labelsFolder: '',
  };
  const settings = readSettings((key) => values[key]);
  assert.equal(settings.metric.numClasses, 19);
  assert.deepEqual(settings.metric.scales, [2, 4, 8]);
  assert.deepEqual(settings.metric.scaleWeights, [0.5, 0.5]);
  assert.equal(settings.read.softLayout, 'chw');
  assert.equal(settings.read.softValues, 'auto');
  assert.equal(settings.colorTable, 'cityscapes');
  assert.equal(settings.labelsFolder, undefined);
});

test('class names: setting, then table, then VOC for 21 classes, then numbers', () => {
  assert.deepEqual(classNamesFor(2, ['sky', 'road']), ['sky', 'road']);
  assert.deepEqual(classNamesFor(3, undefined, ['a']), ['a', 'class 1', 'class 2']);
  assert.deepEqual(classNamesFor(2, undefined, undefined, ['x', 'y']), ['x', 'y']);
  assert.deepEqual(classNamesFor(2, undefined, undefined, ['x', 'y', 'z']), ['class 0', 'class 1']);
});

test('untrusted workspaces only honour path settings inside the workspace', () => {
  const folders = ['/ws'];
  assert.deepEqual(resolvePathSetting('data/gt', folders, false), { path: '/ws/data/gt' });
  assert.deepEqual(resolvePathSetting('/ws/../etc', folders, true), { path: '/etc' });
  assert.match(resolvePathSetting('/ws/../etc', folders, false).rejected ?? '', /untrusted/);
  assert.match(resolvePathSetting('/elsewhere', folders, false).rejected ?? '', /outside the workspace/);
  assert.deepEqual(resolvePathSetting('  ', folders, false), {});
  assert.match(resolvePathSetting('rel', [], true).rejected ?? '', /relative/);
});

test('the loss preset sets pooling and the exponent; explicit settings override it', () => {
  const paper = readSettings((key) => ({ loss: 'paper', pooling: null, minkowski: null })[key]);
  assert.equal(paper.metric.pooling, 'gaussian');
  assert.equal(paper.metric.minkowski, 5);
  const mixed = readSettings((key) => ({ loss: 'paper', pooling: 'uniform', minkowski: 2, poolingSigma: 0.25 })[key]);
  assert.deepEqual([mixed.metric.pooling, mixed.metric.minkowski, mixed.metric.poolingSigma], ['uniform', 2, 0.25]);
  const junk = readSettings((key) => ({ loss: 'v9', pooling: 'max', minkowski: 'big' })[key]);
  assert.deepEqual([junk.metric.pooling, junk.metric.minkowski], ['uniform', 1]);
});
