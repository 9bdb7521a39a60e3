import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { optionsIdentity } from '../../../src/core/optionsIdentity';
import { ResultCache, stampOf } from '../../../src/extension/logic/resultCache';
import { parseEvaluatedFolders, restoreFromCache, restoreNote } from '../../../src/extension/logic/restoreResults';
import { fakeRecord } from './records';

/** The cache key of a run with C classes under one engine version (the extension's optionsIdentity call). */
const cacheKey = (numClasses: number, engineVersion: string): string =>
  optionsIdentity({ metric: { ...DEFAULT_METRIC_OPTIONS, numClasses }, read: DEFAULT_READ_OPTIONS }, { engineVersion });

const root = mkdtempSync(path.join(tmpdir(), 'seglens-restore-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A folder pair with real files, each cached with its current stamps, as a finished run leaves it. */
async function evaluatedFolder(name: string, images: readonly string[], hash: string) {
  const storage = path.join(root, name, 'storage');
  const folders = { predictionsDir: path.join(root, name, 'predictions'), labelsDir: path.join(root, name, 'labels') };
  mkdirSync(folders.predictionsDir, { recursive: true });
  mkdirSync(folders.labelsDir, { recursive: true });
  const cache = await ResultCache.open(storage, folders.predictionsDir, folders.labelsDir);
  for (const image of images) {
    const record = fakeRecord(image, {
      predictionFile: path.join(folders.predictionsDir, `${image}.png`),
      labelFile: path.join(folders.labelsDir, `${image}.png`),
    });
    writeFileSync(record.predictionFile, `prediction ${image}`);
    writeFileSync(record.labelFile, `label ${image}`);
    const [prediction, label] = await Promise.all([stampOf(record.predictionFile), stampOf(record.labelFile)]);
    cache.store(record, { prediction: prediction!, label: label! }, hash);
  }
  await cache.save();
  return { storage, folders };
}

test('the stored folder pair is read back only when it has the expected shape', () => {
  assert.deepEqual(parseEvaluatedFolders({ predictionsDir: '/p', labelsDir: '/l', extra: 1 }), {
    predictionsDir: '/p',
    labelsDir: '/l',
  });
  assert.equal(parseEvaluatedFolders(undefined), undefined);
  assert.equal(parseEvaluatedFolders('/p'), undefined);
  assert.equal(parseEvaluatedFolders({ predictionsDir: '/p' }), undefined);
  assert.equal(parseEvaluatedFolders({ predictionsDir: '', labelsDir: '/l' }), undefined);
  assert.equal(parseEvaluatedFolders({ predictionsDir: 3, labelsDir: '/l' }), undefined);
});

test('unchanged files are restored from the cache, without a note to re-run', async () => {
  const hash = cacheKey(3, '1.0.0');
  const { storage, folders } = await evaluatedFolder('unchanged', ['a', 'b', 'c'], hash);
  const restored = await restoreFromCache(storage, folders, hash);
  assert.deepEqual([...(restored?.records ?? [])].map((r) => r.name).sort(), ['a', 'b', 'c']);
  assert.equal(restored?.cached, 3);
  assert.equal(restored?.note, '3 of 3 from cache');
});

test('files rewritten, touched or deleted since the run are left out, and the note says so', async () => {
  const hash = cacheKey(3, '1.0.0');
  const { storage, folders } = await evaluatedFolder('changed', ['a', 'b', 'c', 'd', 'e'], hash);
  writeFileSync(path.join(folders.predictionsDir, 'a.png'), 'rewritten, longer than before');
  const touched = path.join(folders.labelsDir, 'b.png');
  const mtime = statSync(touched).mtime;
  utimesSync(touched, mtime, new Date(mtime.getTime() + 5000));
  rmSync(path.join(folders.predictionsDir, 'c.png'));
  const restored = await restoreFromCache(storage, folders, hash);
  assert.deepEqual([...(restored?.records ?? [])].map((r) => r.name).sort(), ['d', 'e']);
  assert.equal(restored?.cached, 5);
  assert.equal(restored?.note, '2 of 5 from cache — re-run to refresh');
});

test('nothing is restored under other options, for an unknown folder, or when no file is unchanged', async () => {
  const hash = cacheKey(3, '1.0.0');
  const { storage, folders } = await evaluatedFolder('options', ['a'], hash);
  assert.equal(await restoreFromCache(storage, folders, cacheKey(4, '1.0.0')), undefined);
  assert.equal(await restoreFromCache(storage, folders, cacheKey(3, '1.0.1')), undefined);
  assert.equal(
    await restoreFromCache(storage, { predictionsDir: '/nowhere/p', labelsDir: '/nowhere/l' }, hash),
    undefined,
  );
  rmSync(path.join(folders.labelsDir, 'a.png'));
  assert.equal(await restoreFromCache(storage, folders, hash), undefined);
});

test('a damaged cache restores nothing rather than part of it', async () => {
  const hash = 'h';
  const { storage, folders } = await evaluatedFolder('damaged', ['a', 'b'], hash);
  writeFileSync(ResultCache.fileFor(storage, folders.predictionsDir, folders.labelsDir), '{"version":1,');
  assert.equal(await restoreFromCache(storage, folders, hash), undefined);
});

test('restore note', () => {
  assert.equal(restoreNote(14, 14), '14 of 14 from cache');
  assert.equal(restoreNote(12, 14), '12 of 14 from cache — re-run to refresh');
});
