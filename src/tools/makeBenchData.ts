import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { vocColormap } from '../core/io/colorTable';
import { encodeNpy } from '../core/io/npy';
import { encodeIndexPng } from '../core/io/pngChunks';
import { generateScene, logitsFor } from '../core/synthetic/scenes';

/**
 * Writes a benchmark dataset with the deterministic scene generator:
 *   OUT/labels/NAME.png       palette PNG labels (void band, ignore 255)
 *   OUT/predictions/NAME.png  palette PNG hard predictions      (default)
 *   OUT/predictions/NAME.npy  CHW float32 logits                (--soft)
 * `--unique U` renders only U distinct scenes and copies them to the remaining names: enough for memory
 * and throughput runs on large images, where rendering is far slower than evaluating.
 * `--part i/n` writes every n-th image, so the bench can generate on all cores; existing files are kept.
 * `--sizes WxH,WxH,...` gives scene i the size sizes[i % n] instead of --width x --height (mixed sizes, as in ADE20K).
 */
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    count: { type: 'string' },
    width: { type: 'string', default: '500' },
    height: { type: 'string', default: '375' },
    classes: { type: 'string', default: '21' },
    seed: { type: 'string', default: '1' },
    unique: { type: 'string' },
    soft: { type: 'boolean', default: false },
    part: { type: 'string', default: '0/1' },
    sizes: { type: 'string' },
    'model-seed': { type: 'string' },
  },
});

if (!values.out || !values.count) {
  process.stderr.write(
    'usage: make-bench-data --out DIR --count N [--width W --height H | --sizes WxH,...] [--classes C --seed S --model-seed M --unique U --soft --part i/n]\n',
  );
  process.exit(2);
}
const out = resolve(values.out);
const count = Number(values.count);
const sizes = (values.sizes ?? `${values.width}x${values.height}`).split(',').map((size) => {
  const [w, h] = size.split('x').map(Number) as [number, number];
  return { width: w, height: h };
});
const numClasses = Number(values.classes);
const seed = Number(values.seed);
// Another model of the same scenes: the labels are those of --seed alone, the predictions drawn from this.
const modelSeed = values['model-seed'] === undefined ? undefined : Number(values['model-seed']);
const unique = values.unique === undefined ? count : Number(values.unique);
const [partIndex, partCount] = values.part.split('/').map(Number) as [number, number];
const IGNORE = 255;

const labelsDir = join(out, 'labels');
const predictionsDir = join(out, 'predictions');
mkdirSync(labelsDir, { recursive: true });
mkdirSync(predictionsDir, { recursive: true });
// VOC colours for the first 256 ids; class ids above that never occur in 8-bit palette files.
const palette = vocColormap();
const extension = values.soft ? 'npy' : 'png';
const nameOf = (i: number): string => `img_${String(i).padStart(6, '0')}`;

/** Write-then-rename, so a concurrent part (or an interrupted run) never sees half a file. */
function writeAtomic(file: string, write: (temporary: string) => void): void {
  const temporary = `${file}.${process.pid}.tmp`;
  write(temporary);
  renameSync(temporary, file);
}

function writeScene(i: number): void {
  const name = nameOf(i);
  const labelFile = join(labelsDir, `${name}.png`);
  const predictionFile = join(predictionsDir, `${name}.${extension}`);
  // The label is written last, so its presence means the pair is complete.
  if (existsSync(labelFile)) return;
  if (i >= unique) {
    const source = nameOf(i % unique);
    writeScene(i % unique);
    writeAtomic(predictionFile, (tmp) => copyFileSync(join(predictionsDir, `${source}.${extension}`), tmp));
    writeAtomic(labelFile, (tmp) => copyFileSync(join(labelsDir, `${source}.png`), tmp));
    return;
  }
  const { width, height } = sizes[i % sizes.length]!;
  // Void bands scale with the image, like VOC's band of a few pixels at 500x375.
  const voidBand = Math.max(1, Math.round(Math.min(width, height) / 125));
  const scene = generateScene(seed * 100_003 + i, {
    width,
    height,
    numClasses,
    ignoreIndex: IGNORE,
    voidBand,
    ...(modelSeed === undefined ? {} : { modelSeed: modelSeed * 100_003 + i }),
  });
  const predictionBytes = values.soft
    ? encodeNpy([numClasses, height, width], logitsFor(scene, numClasses, seed * 7919 + i))
    : encodeIndexPng(width, height, scene.prediction, { kind: 'palette', palette });
  writeAtomic(predictionFile, (tmp) => writeFileSync(tmp, predictionBytes));
  writeAtomic(labelFile, (tmp) =>
    writeFileSync(tmp, encodeIndexPng(width, height, scene.label, { kind: 'palette', palette })),
  );
}

for (let i = partIndex; i < count; i += partCount) writeScene(i);
