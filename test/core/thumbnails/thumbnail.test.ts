/**
 * Gallery thumbnails: the pixels against a naive recomputation in this file (block error share,
 * centre-pixel class colour, box-filtered photo), the PNG the worker pool makes against the same
 * pixels, a JPEG photo, bad input named, and the pool's queue (newest first, dropped when off screen).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS, type EngineOptions } from '../../../src/core';
import { defaultClassColors, type Rgb } from '../../../src/core/colors';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import {
  ERROR_ALPHA,
  ERROR_RED,
  makeThumbnailSync,
  thumbnailImage,
  VOID_GREY,
  type ThumbnailRequest,
} from '../../../src/core/thumbnails/makeThumbnail';
import { ThumbnailCancelled, ThumbnailPool } from '../../../src/core/thumbnails/thumbnailPool';

const dir = mkdtempSync(join(tmpdir(), 'seglens-thumbs-'));
const options: EngineOptions = {
  metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 3, ignoreIndex: 255 },
  read: DEFAULT_READ_OPTIONS,
};
const colors: Rgb[] = defaultClassColors(3);

// 8×4 label: left half class 1, right half class 2, one void pixel. The prediction is right except
// for the top-left 2×2 block (all wrong) and one pixel of the block right of it (1 of 4 wrong).
const W = 8;
const H = 4;
const label: number[] = Array.from({ length: W * H }, (_, i) => (i % W < 4 ? 1 : 2));
label[W * 3 + 7] = 255;
const prediction = label.map((id) => (id === 255 ? 0 : id));
for (const [x, y] of [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
  [2, 0],
])
  prediction[y! * W + x!] = 0;

function write(name: string, ids: number[]): string {
  const file = join(dir, name);
  writeFileSync(file, encodeIndexPng(W, H, ids, { kind: 'gray', bitDepth: 8 }));
  return file;
}
const labelFile = write('label.png', label);
const predictionFile = write('prediction.png', prediction);

const mean = (pixels: readonly Rgb[], channel: number): number =>
  pixels.reduce((sum, p) => sum + p[channel]!, 0) / pixels.length;

/** The thumbnail a 4-pixel side must give, computed pixel by pixel the slow way. */
function expectedPixels(photo?: (x: number, y: number) => Rgb): number[] {
  const tw = 4;
  const th = 2;
  const out: number[] = [];
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      let valid = 0;
      let wrong = 0;
      const block: Rgb[] = [];
      for (let y = ty * 2; y < ty * 2 + 2; y++) {
        for (let x = tx * 2; x < tx * 2 + 2; x++) {
          if (photo) block.push(photo(x, y));
          const truth = label[y * W + x]!;
          if (truth === 255) continue;
          valid++;
          if (prediction[y * W + x] !== truth) wrong++;
        }
      }
      const centre = label[(ty * 2 + 1) * W + (tx * 2 + 1)]!;
      const base: Rgb = photo
        ? [mean(block, 0), mean(block, 1), mean(block, 2)]
        : centre === 255
          ? VOID_GREY
          : colors[centre]!;
      const alpha = valid === 0 ? 0 : (ERROR_ALPHA * wrong) / valid;
      out.push(...[0, 1, 2].map((c) => Math.round(base[c]! * (1 - alpha) + ERROR_RED[c]! * alpha)));
    }
  }
  return out;
}

function rgbOf(image: { width: number; height: number; data: Uint8Array }): {
  width: number;
  height: number;
  rgb: number[];
} {
  const rgb: number[] = [];
  for (let i = 0; i < image.width * image.height; i++) rgb.push(...image.data.subarray(i * 4, i * 4 + 3));
  return { width: image.width, height: image.height, rgb };
}

/** The JPEG's pixels, and how far they are on average from `expected` (JPEG is lossy). */
function jpegDistance(jpeg: Uint8Array, expected: readonly number[]): { width: number; height: number; mean: number } {
  const { width, height, rgb } = rgbOf(decodeJpeg(jpeg, { useTArray: true, formatAsRGBA: true }));
  const mean = rgb.reduce((sum, v, i) => sum + Math.abs(v - expected[i]!), 0) / rgb.length;
  return { width, height, mean };
}

const request: ThumbnailRequest = { labelFile, predictionFile, size: 4, classColors: colors };

test('without a photo: label colours, void grey, errors tinted by their share of each block', () => {
  const { width, height, rgb } = rgbOf(thumbnailImage(request, options));
  assert.deepEqual([width, height], [4, 2]);
  assert.deepEqual(rgb, expectedPixels());
  // The all-wrong block is the reddest, the block without errors keeps its class colour exactly.
  assert.deepEqual(rgb.slice(9, 12), [...colors[2]!]);
});

test('with a PNG photo: the photo box-filtered under the same error tint', () => {
  const photoAt = (x: number, y: number): Rgb => [x * 30, y * 60, 200];
  const png = new PNG({ width: W, height: H });
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) png.data.set([...photoAt(x, y), 255], (y * W + x) * 4);
  const photoFile = join(dir, 'photo.png');
  writeFileSync(photoFile, PNG.sync.write(png));
  const { rgb } = rgbOf(thumbnailImage({ ...request, photoFile }, options));
  assert.deepEqual(rgb, expectedPixels(photoAt));
});

test('with a JPEG photo of one colour: that colour where nothing is wrong (JPEG is lossy: ±3)', () => {
  const data = Buffer.alloc(W * H * 4);
  for (let i = 0; i < W * H; i++) data.set([40, 120, 220, 255], i * 4);
  const photoFile = join(dir, 'photo.jpg');
  writeFileSync(photoFile, encodeJpeg({ data, width: W, height: H }, 100).data);
  const { rgb } = rgbOf(thumbnailImage({ ...request, photoFile }, options));
  const clean = rgb.slice(9, 12); // block (3, 0): right half, no error
  [40, 120, 220].forEach((expected, c) =>
    assert.ok(Math.abs(clean[c]! - expected) <= 3, `${clean.join(',')} vs 40,120,220`),
  );
});

test('an unreadable photo falls back to the label; a missing label is an error naming the file', () => {
  const photoFile = join(dir, 'broken.jpg');
  writeFileSync(photoFile, 'not a jpeg');
  assert.deepEqual(rgbOf(thumbnailImage({ ...request, photoFile }, options)).rgb, expectedPixels());
  assert.throws(() => makeThumbnailSync({ ...request, labelFile: join(dir, 'missing.png') }, options), /missing\.png/);
});

test('the worker pool makes those pixels as a JPEG, and reports a bad pair as an error', async () => {
  const pool = new ThumbnailPool(options, { workers: 1 });
  try {
    const jpeg = await pool.make('a', request);
    const decoded = jpegDistance(jpeg, expectedPixels());
    assert.deepEqual([decoded.width, decoded.height], [4, 2]);
    // Lossy, on a 4×2 image of saturated colours: close on average, not exact.
    assert.ok(decoded.mean < 12, `mean channel error ${decoded.mean}`);
    await assert.rejects(pool.make('b', { ...request, labelFile: join(dir, 'missing.png') }), /missing\.png/);
  } finally {
    pool.dispose();
  }
});

test('the pool serves the newest request first and drops queued ones that left the screen', async () => {
  const pool = new ThumbnailPool(options, { workers: 1 });
  try {
    const done: string[] = [];
    const track = (key: string) =>
      pool.make(key, request).then(
        () => done.push(key),
        (error: unknown) => done.push(error instanceof ThumbnailCancelled ? `${key} dropped` : `${key} failed`),
      );
    // The first goes to the only worker at once; 2..4 queue; 3 leaves the screen.
    const all = [track('1'), track('2'), track('3'), track('4')];
    pool.keepOnly(new Set(['1', '2', '4']));
    await Promise.all(all);
    assert.deepEqual(done, ['3 dropped', '1', '4', '2']);
    assert.equal(pool.make('1', request) === pool.make('1', request), true, 'one key is made once');
  } finally {
    pool.dispose();
  }
});
