/**
 * Folder layouts the e2e needs that the bundled samples do not have, written by our own code into
 * the run's temporary workspace (never real data).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';

/** Cityscapes train ids and their official colours (cityscapesScripts labels.py) used by the scenes. */
const CLASSES = {
  road: { id: 0, color: [128, 64, 128] },
  sidewalk: { id: 1, color: [244, 35, 232] },
  building: { id: 2, color: [70, 70, 70] },
  vegetation: { id: 8, color: [107, 142, 35] },
  sky: { id: 10, color: [70, 130, 180] },
  car: { id: 13, color: [0, 0, 142] },
} as const;
type ClassName = keyof typeof CLASSES;

/** A street scene: sky, buildings, a tree, road and sidewalk, a car whose place depends on `shift`. */
function scene(width: number, height: number, seed: number, shift: number): ClassName[] {
  const pixels: ClassName[] = [];
  const horizon = Math.round(height * (0.35 + 0.05 * (seed % 3)));
  const kerb = Math.round(height * 0.75);
  const carLeft = Math.round(width * (0.2 + 0.15 * (seed % 4))) + shift;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let name: ClassName = y < horizon ? (x % 97 < 60 ? 'building' : 'sky') : y < kerb ? 'road' : 'sidewalk';
      if (y < horizon && y > horizon - 20 && x > width - 50) name = 'vegetation';
      if (y > kerb - 30 && y < kerb - 5 && x >= carLeft && x < carLeft + 40) name = 'car';
      pixels.push(name);
    }
  return pixels;
}

function writePng(file: string, width: number, height: number, rgb: (p: number) => readonly number[]): void {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) png.data.set([...rgb(p), 255], p * 4);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}

function writeGray(file: string, width: number, height: number, value: (p: number) => number): void {
  const png = new PNG({ width, height });
  // pngjs writes gray as (r+g+b)/3: equal channels keep the id exact.
  for (let p = 0; p < width * height; p++) png.data.set([value(p), value(p), value(p), 255], p * 4);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
}

/**
 * The Cityscapes layout the CLI's `--pair {stem}_seg.png:{stem}_gtFine_color.png` is for: predictions
 * `X_seg.png` (train ids, gray) in `predictionsFolder`, colour labels `X_gtFine_color.png` in a sibling
 * `gt`. By name alone nothing pairs (`X_seg` is not a stem of `X_gtFine_color`).
 */
export function writeSegColorLayout(
  root: string,
  predictionsFolder: string,
  count = 3,
): { readonly predictions: string; readonly labels: string; readonly stems: string[] } {
  const predictions = path.join(root, predictionsFolder);
  const labels = path.join(root, 'gt');
  const [width, height] = [256, 128];
  const stems: string[] = [];
  for (let i = 0; i < count; i++) {
    const stem = `frankfurt_00000${i}_0000${i}9`;
    stems.push(stem);
    const truth = scene(width, height, i, 0);
    const predicted = scene(width, height, i, 6 + 9 * i).map((name, p) =>
      // Some sidewalk taken for road, more in later frames: the frames differ in difficulty.
      name === 'sidewalk' && p % width < 40 * (i + 1) ? 'road' : name,
    );
    writePng(path.join(labels, `${stem}_gtFine_color.png`), width, height, (p) => CLASSES[truth[p]!].color);
    writeGray(path.join(predictions, `${stem}_seg.png`), width, height, (p) => CLASSES[predicted[p]!].id);
  }
  return { predictions, labels, stems };
}
