/**
 * Naive, engine-independent reading of the real files in ../shared/data/real and naive metrics over
 * train ids: PNGs decoded with pngjs, palettes read from the PLTE chunk by hand, colours and label ids
 * mapped through tables typed out here again from the datasets' documentation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { REPO_ROOT } from './golden';

/** `../shared/data/real` beside the checkout, as CI has it. */
export const REAL = join(REPO_ROOT, '..', 'shared', 'data', 'real');
export const REAL_SKIP = existsSync(REAL) ? false : `real data not found at ${REAL} (clone shared/ beside the project)`;

export interface Decoded {
  width: number;
  height: number;
  /** Per pixel: the palette index (palette PNGs), the gray value, or the packed colour r<<16|g<<8|b. */
  values: number[];
  kind: 'palette' | 'gray' | 'rgb';
}

/** The PLTE chunk, walked by hand from the file's bytes. */
function palette(buffer: Buffer): [number, number, number][] {
  let at = 8;
  while (at < buffer.length) {
    const length = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    if (type === 'PLTE') {
      const entries: [number, number, number][] = [];
      for (let i = 0; i < length; i += 3)
        entries.push([buffer[at + 8 + i]!, buffer[at + 9 + i]!, buffer[at + 10 + i]!]);
      return entries;
    }
    at += 12 + length;
  }
  throw new Error('no PLTE chunk');
}

export function decode(file: string): Decoded {
  const buffer = readFileSync(file);
  const colorType = buffer[25]!;
  const png = PNG.sync.read(buffer);
  const values: number[] = [];
  const n = png.width * png.height;
  if (colorType === 3) {
    // pngjs expands indices to colours: take the first palette entry of each colour back.
    const index = new Map<number, number>();
    palette(buffer).forEach(([r, g, b], i) => {
      const key = (r << 16) | (g << 8) | b;
      if (!index.has(key)) index.set(key, i);
    });
    for (let p = 0; p < n; p++) {
      const key = (png.data[p * 4]! << 16) | (png.data[p * 4 + 1]! << 8) | png.data[p * 4 + 2]!;
      values.push(index.get(key)!);
    }
    return { width: png.width, height: png.height, values, kind: 'palette' };
  }
  const gray = colorType === 0 || colorType === 4;
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [png.data[p * 4]!, png.data[p * 4 + 1]!, png.data[p * 4 + 2]!];
    values.push(gray ? r : (r << 16) | (g << 8) | b);
  }
  return { width: png.width, height: png.height, values, kind: gray ? 'gray' : 'rgb' };
}

/** The VOC devkit's colour map, bit by bit, for ids 0–255. */
export function vocColour(id: number): number {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let shift = 7, c = id; shift >= 0; shift--, c >>= 3) {
    r |= (c & 1) << shift;
    g |= ((c >> 1) & 1) << shift;
    b |= ((c >> 2) & 1) << shift;
  }
  return (r << 16) | (g << 8) | b;
}

export function vocIdsFromColours(values: readonly number[]): number[] {
  const byColour = new Map<number, number>();
  for (let id = 0; id <= 20; id++) byColour.set(vocColour(id), id);
  byColour.set((224 << 16) | (224 << 8) | 192, 255);
  return values.map((v) => {
    const id = byColour.get(v);
    if (id === undefined) throw new Error(`colour ${v.toString(16)} is not a VOC colour`);
    return id;
  });
}

/** Cityscapes labelId → trainId (cityscapesscripts labels.py), 255 where not evaluated. */
export const CS_LABEL_TO_TRAIN: Record<number, number> = {
  7: 0,
  8: 1,
  11: 2,
  12: 3,
  13: 4,
  17: 5,
  19: 6,
  20: 7,
  21: 8,
  22: 9,
  23: 10,
  24: 11,
  25: 12,
  26: 13,
  27: 14,
  28: 15,
  31: 16,
  32: 17,
  33: 18,
};
export const csTrain = (labelId: number): number => CS_LABEL_TO_TRAIN[labelId] ?? 255;

/** The 19 train classes' colours (labels.py); any other colour is void. */
const CS_TRAIN_COLOURS: [number, number, number][] = [
  [128, 64, 128],
  [244, 35, 232],
  [70, 70, 70],
  [102, 102, 156],
  [190, 153, 153],
  [153, 153, 153],
  [250, 170, 30],
  [220, 220, 0],
  [107, 142, 35],
  [152, 251, 152],
  [70, 130, 180],
  [220, 20, 60],
  [255, 0, 0],
  [0, 0, 142],
  [0, 0, 70],
  [0, 60, 100],
  [0, 80, 100],
  [0, 0, 230],
  [119, 11, 32],
];
export function csTrainFromColours(values: readonly number[]): number[] {
  const byColour = new Map(CS_TRAIN_COLOURS.map(([r, g, b], id) => [(r << 16) | (g << 8) | b, id]));
  return values.map((v) => byColour.get(v) ?? 255);
}

export interface NaiveMetrics {
  ce: number;
  miou: number | null;
  pixelAccuracy: number;
  perClassIoU: (number | null)[];
  validPixels: number;
}

/** Hard-prediction metrics of the spec over train ids, one pixel at a time (label >= C or 255 is void). */
export function naiveMetrics(
  label: readonly number[],
  predicted: readonly number[],
  C: number,
  eps = 1e-3,
): NaiveMetrics {
  let ce = 0;
  let valid = 0;
  let correct = 0;
  const tp = new Array<number>(C).fill(0);
  const fp = new Array<number>(C).fill(0);
  const fn = new Array<number>(C).fill(0);
  for (let p = 0; p < label.length; p++) {
    const y = label[p]!;
    if (y === 255 || y >= C) continue;
    const q = predicted[p]!;
    valid++;
    const probability = q < 0 || q >= C ? 1 / C : q === y ? 1 - eps : eps / (C - 1);
    ce += -Math.log(Math.max(probability, 1e-12));
    if (q === y) {
      correct++;
      tp[y]!++;
    } else {
      fn[y]!++;
      if (q >= 0 && q < C) fp[q]!++;
    }
  }
  const perClassIoU = tp.map((t, c) => (t + fp[c]! + fn[c]! === 0 ? null : t / (t + fp[c]! + fn[c]!)));
  const defined = perClassIoU.filter((v): v is number => v !== null);
  return {
    ce: ce / valid,
    miou: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    pixelAccuracy: correct / valid,
    perClassIoU,
    validPixels: valid,
  };
}
