import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { vocColormap } from '../../../src/core/io/colorTable';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { generateScene } from '../../../src/core/synthetic/scenes';
import {
  countPhotos,
  equalNeighbourShare,
  labelsFolderProblem,
  looksLikePhoto,
  nothingPairsProblem,
} from '../../../src/extension/logic/labelsFolderCheck';
import { REAL, REAL_SKIP } from '../../helpers/realData';

function writeRgb(file: string, width: number, height: number, rgb: Uint8Array): void {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    png.data.set([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!, 255], p * 4);
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}

/** A folder of label maps (palette PNGs), one of photos (the scenes' RGB renderings) and one of predictions. */
function dataset(count: number): { root: string; labels: string; photos: string; predictions: string } {
  const root = mkdtempSync(join(tmpdir(), 'seglens-labelcheck-'));
  const dirs = { labels: join(root, 'labels'), photos: join(root, 'photos'), predictions: join(root, 'predictions') };
  Object.values(dirs).forEach((dir) => mkdirSync(dir));
  for (let i = 0; i < count; i++) {
    const scene = generateScene(300 + i, { width: 64, height: 48, numClasses: 21, ignoreIndex: 255, voidBand: 1 });
    const palette = { kind: 'palette' as const, palette: vocColormap() };
    writeFileSync(join(dirs.labels, `img${i}.png`), encodeIndexPng(64, 48, scene.label, palette));
    writeFileSync(join(dirs.predictions, `img${i}.png`), encodeIndexPng(64, 48, scene.prediction, palette));
    writeRgb(join(dirs.photos, `img${i}.png`), 64, 48, scene.image);
  }
  return { root, ...dirs };
}

test('equal right-hand neighbours are counted per row, as a naive count over the same pixels', () => {
  // 3×2 RGBA: row 0 = A A B, row 1 = C C C → pairs (0,1)=, (1,2)≠, (3,4)=, (4,5)= → 3 of 4.
  const A = [1, 2, 3, 255];
  const B = [9, 2, 3, 255];
  const C = [0, 0, 0, 255];
  const rgba = Uint8Array.from([...A, ...A, ...B, ...C, ...C, ...C]);
  assert.equal(equalNeighbourShare(rgba, 3, 2), 3 / 4);
  assert.equal(equalNeighbourShare(rgba, 3, 2, 2), 1 / 2, 'every 2nd row: row 0 only');
  assert.equal(equalNeighbourShare(new Uint8Array(4), 1, 1), 1, 'a 1-pixel image has no pairs: flat');
});

test('label maps are not photos; the RGB renderings of the same scenes are', async () => {
  const { labels, photos } = dataset(3);
  for (const name of readdirSync(labels)) {
    assert.equal(await looksLikePhoto(join(labels, name)), false, `label ${name}`);
    assert.equal(await looksLikePhoto(join(photos, name)), true, `photo ${name}`);
  }
  assert.equal(await looksLikePhoto(join(labels, 'missing.png')), false, 'an unreadable file is left to the run');
  assert.equal(await looksLikePhoto('/nowhere/x.JPG'), true, 'a JPEG is a photo by its kind');
});

test('a folder of photos chosen as labels is named with its count; the right folder passes', async () => {
  const { labels, photos, predictions } = dataset(15);
  const names = readdirSync(predictions).sort();
  const pairsWith = (folder: string) => ({
    pairs: names.map((name) => ({ labelFile: join(folder, name) })),
    unpaired: [],
  });
  assert.equal(await labelsFolderProblem(predictions, labels, pairsWith(labels)), undefined);
  const problem = await labelsFolderProblem(predictions, photos, pairsWith(photos));
  assert.match(problem ?? '', /^15 of 15 files in …\/seglens-labelcheck-\w+\/photos are RGB photos, not label maps\./);
  const mixed = await countPhotos([...names.slice(0, 10).map((n) => join(photos, n)), join(labels, names[0]!)]);
  assert.deepEqual(mixed, { photos: 10, checked: 11, total: 11 });
});

test('nothing pairs: the message names both folders and the first reason, never a silent zero', async () => {
  const { root, predictions, labels } = dataset(2);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const unpaired = readdirSync(predictions).map((name) => ({
    file: join(predictions, name),
    reason: `no label ${name} in ${empty}`,
  }));
  const problem = await labelsFolderProblem(predictions, empty, { pairs: [], unpaired });
  assert.match(
    problem ?? '',
    /^Nothing pairs: none of the 2 predictions in …\/\S+\/predictions has a label in …\/\S+\/empty \(img0\.png: no label img0\.png/,
  );
  assert.match(nothingPairsProblem(predictions, labels, []), /no prediction \(\.png or \.npy\) was found in/);
  // Photos that do not pair by name are still named as photos.
  const photosOnly = await labelsFolderProblem(predictions, join(root, 'photos'), { pairs: [], unpaired });
  assert.match(photosOnly ?? '', /^2 of 2 files in .* are RGB photos/);
});

test(
  'real data: photos and colour-coded labels told apart (VOC VainF crops, Cityscapes frame)',
  { skip: REAL_SKIP },
  async () => {
    const vainf = join(REAL, 'voc-vainf-deeplabv3plus', 'samples');
    for (const name of readdirSync(vainf)) {
      if (name.endsWith('_image.png')) assert.equal(await looksLikePhoto(join(vainf, name)), true, name);
      if (name.endsWith('_target.png') || name.endsWith('_pred.png'))
        assert.equal(await looksLikePhoto(join(vainf, name)), false, name);
    }
    const fast = join(REAL, 'cityscapes-fast-scnn', 'png');
    const frame = 'frankfurt_000001_058914';
    assert.equal(await looksLikePhoto(join(fast, `${frame}_leftImg8bit.png`)), true);
    assert.equal(await looksLikePhoto(join(fast, `${frame}_gtFine_color.png`)), false);
    assert.equal(await looksLikePhoto(join(fast, `${frame}_seg.png`)), false);
    const voc = join(REAL, 'voc-kevinddchen-keras-fcn', 'data', 'labels_png');
    const count = await countPhotos(readdirSync(voc).map((name) => join(voc, name)));
    assert.equal(count.photos, 0, 'official VOC labels are label maps');
  },
);
