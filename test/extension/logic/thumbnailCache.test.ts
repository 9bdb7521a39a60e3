import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ThumbnailCache, thumbnailKey, type ThumbnailInputs } from '../../../src/extension/logic/thumbnailCache';

const inputs: ThumbnailInputs = {
  predictionFile: '/p/a.png',
  labelFile: '/l/a.png',
  photoFile: '/i/a.jpg',
  stamps: { prediction: { size: 10, mtimeMs: 1 }, label: { size: 20, mtimeMs: 2 }, photo: { size: 30, mtimeMs: 3 } },
  size: 160,
  classColors: [
    [0, 0, 0],
    [128, 0, 0],
  ],
  optionsHash: 'abc',
};

test('a changed file, side, palette or option gives a new key; the same inputs the same key', () => {
  const key = thumbnailKey(inputs);
  assert.match(key, /^[0-9a-f]{40}$/);
  assert.equal(thumbnailKey({ ...inputs }), key);
  const changed: ThumbnailInputs[] = [
    { ...inputs, stamps: { ...inputs.stamps, prediction: { size: 10, mtimeMs: 5 } } },
    { ...inputs, stamps: { ...inputs.stamps, label: { size: 21, mtimeMs: 2 } } },
    { ...inputs, stamps: { ...inputs.stamps, photo: undefined }, photoFile: undefined },
    { ...inputs, size: 120 },
    { ...inputs, classColors: [[0, 0, 0]] },
    { ...inputs, optionsHash: 'abd' },
  ];
  const keys = new Set([key, ...changed.map(thumbnailKey)]);
  assert.equal(keys.size, changed.length + 1);
});

test('stores and reads back bytes, misses cleanly, refuses a key that could be a path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-thumbcache-'));
  const cache = new ThumbnailCache(dir);
  const key = thumbnailKey(inputs);
  assert.equal(await cache.get(key), undefined);
  await cache.put(key, Uint8Array.from([1, 2, 3]));
  assert.deepEqual(await cache.get(key), Uint8Array.from([1, 2, 3]));
  assert.deepEqual(readdirSync(join(dir, key.slice(0, 2))), [`${key}.jpg`], 'no temporary file is left');
  await assert.rejects(cache.put('../../etc/x', Uint8Array.from([1])), /not a thumbnail key/);
});

test('prune deletes the oldest thumbnails until the folder fits, and leaves other files alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-thumbprune-'));
  const cache = new ThumbnailCache(dir);
  const keys = [1, 2, 3, 4].map((size) => thumbnailKey({ ...inputs, size }));
  for (const [i, key] of keys.entries()) {
    await cache.put(key, new Uint8Array(100));
    const file = join(dir, key.slice(0, 2), `${key}.jpg`);
    utimesSync(file, 1000 + i, 1000 + i); // written in key order
  }
  writeFileSync(join(dir, 'README'), 'not a thumbnail');
  assert.equal(await cache.prune(250), 2);
  assert.equal(await cache.get(keys[0]!), undefined);
  assert.equal(await cache.get(keys[1]!), undefined);
  assert.ok((await cache.get(keys[2]!)) !== undefined);
  assert.ok((await cache.get(keys[3]!)) !== undefined);
  assert.ok(existsSync(join(dir, 'README')));
  assert.equal(await new ThumbnailCache(join(dir, 'absent')).prune(0), 0);
});
