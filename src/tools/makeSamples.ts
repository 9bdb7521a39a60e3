import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { vocColormap } from '../core/io/colorTable';
import { encodeNpy } from '../core/io/npy';
import { encodeIndexPng } from '../core/io/pngChunks';
import { generateScene, logitsFor } from '../core/synthetic/scenes';

/**
 * Writes the bundled sample dataset (samples/voc-mini): VOC-style palette PNG labels and predictions,
 * RGB images, and soft predictions as CHW float32 logits. Deterministic: the same files every run.
 */
const NUM_CLASSES = 21;
const IGNORE = 255;
const SIZES: readonly (readonly [number, number])[] = [
  [200, 150],
  [240, 180],
  [160, 160],
  [180, 240],
];

function writeRgbPng(file: string, width: number, height: number, rgb: Uint8Array): void {
  const png = new PNG({ width, height, colorType: 2 });
  for (let p = 0; p < width * height; p++) {
    png.data[p * 4] = rgb[p * 3]!;
    png.data[p * 4 + 1] = rgb[p * 3 + 1]!;
    png.data[p * 4 + 2] = rgb[p * 3 + 2]!;
    png.data[p * 4 + 3] = 255;
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}

export function makeSamples(root: string, imageCount = 12, softCount = 3): void {
  const palette = vocColormap();
  const dirs = {
    labels: join(root, 'SegmentationClass'),
    predictions: join(root, 'predictions'),
    images: join(root, 'JPEGImages'),
    soft: join(root, 'soft-predictions'),
    softLabels: join(root, 'soft-labels'),
  };
  Object.values(dirs).forEach((dir) => mkdirSync(dir, { recursive: true }));
  for (let i = 0; i < imageCount; i++) {
    const [width, height] = SIZES[i % SIZES.length]!;
    const name = `2007_${String(100 + i * 7).padStart(6, '0')}`;
    const scene = generateScene(1000 + i, { width, height, numClasses: NUM_CLASSES, ignoreIndex: IGNORE, voidBand: 2 });
    writeFileSync(
      join(dirs.labels, `${name}.png`),
      encodeIndexPng(width, height, scene.label, { kind: 'palette', palette }),
    );
    writeFileSync(
      join(dirs.predictions, `${name}.png`),
      encodeIndexPng(width, height, scene.prediction, { kind: 'palette', palette }),
    );
    writeRgbPng(join(dirs.images, `${name}.png`), width, height, scene.image);
  }
  for (let i = 0; i < softCount; i++) {
    const [width, height] = [80, 60];
    const name = `soft_${String(i).padStart(3, '0')}`;
    const scene = generateScene(5000 + i, { width, height, numClasses: NUM_CLASSES, ignoreIndex: IGNORE, voidBand: 1 });
    writeFileSync(
      join(dirs.softLabels, `${name}.png`),
      encodeIndexPng(width, height, scene.label, { kind: 'palette', palette }),
    );
    writeFileSync(
      join(dirs.soft, `${name}.npy`),
      encodeNpy([NUM_CLASSES, height, width], logitsFor(scene, NUM_CLASSES, 7000 + i)),
    );
  }
}

if (require.main === module) {
  const root = resolve(process.argv[2] ?? 'samples/voc-mini');
  makeSamples(root);
  process.stdout.write(`sample dataset written to ${root}\n`);
}
