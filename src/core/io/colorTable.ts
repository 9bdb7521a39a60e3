import { readFile } from 'node:fs/promises';
import { pascalVocColor } from '../colors';
import { cityscapesVoidColors } from '../datasets/cityscapesLabels';

/** Maps RGB colours of colour-coded label/prediction PNGs to class ids (255 or any id >= C is void). */
export interface ColorTable {
  readonly name: string;
  readonly classNames: readonly string[];
  /** Colour of each class id, for drawing. */
  readonly classColors: readonly (readonly [number, number, number])[];
  /** packRgb(r,g,b) -> class id; void colours map to the ignore id. */
  readonly idOfColor: ReadonlyMap<number, number>;
}

export const packRgb = (r: number, g: number, b: number): number => (r << 16) | (g << 8) | b;

/** The Pascal VOC colour map: id bits spread over the high bits of R, G and B. */
export function vocColormap(size = 256): (readonly [number, number, number])[] {
  return Array.from({ length: size }, (_, id) => pascalVocColor(id));
}

export const VOC_CLASS_NAMES: readonly string[] = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

export const CITYSCAPES_CLASSES: readonly (readonly [string, readonly [number, number, number]])[] = [
  ['road', [128, 64, 128]],
  ['sidewalk', [244, 35, 232]],
  ['building', [70, 70, 70]],
  ['wall', [102, 102, 156]],
  ['fence', [190, 153, 153]],
  ['pole', [153, 153, 153]],
  ['traffic light', [250, 170, 30]],
  ['traffic sign', [220, 220, 0]],
  ['vegetation', [107, 142, 35]],
  ['terrain', [152, 251, 152]],
  ['sky', [70, 130, 180]],
  ['person', [220, 20, 60]],
  ['rider', [255, 0, 0]],
  ['car', [0, 0, 142]],
  ['truck', [0, 0, 70]],
  ['bus', [0, 60, 100]],
  ['train', [0, 80, 100]],
  ['motorcycle', [0, 0, 230]],
  ['bicycle', [119, 11, 32]],
];

const VOID_ID = 255;

function tableFrom(
  name: string,
  classes: readonly (readonly [string, readonly [number, number, number]])[],
  voidColors: readonly (readonly [number, number, number])[],
): ColorTable {
  const idOfColor = new Map<number, number>();
  classes.forEach(([, [r, g, b]], id) => {
    if (!idOfColor.has(packRgb(r, g, b))) idOfColor.set(packRgb(r, g, b), id);
  });
  for (const [r, g, b] of voidColors) idOfColor.set(packRgb(r, g, b), VOID_ID);
  return {
    name,
    classNames: classes.map(([n]) => n),
    classColors: classes.map(([, color]) => [color[0], color[1], color[2]] as const),
    idOfColor,
  };
}

export function vocColorTable(): ColorTable {
  const colors = vocColormap();
  return tableFrom(
    'voc',
    VOC_CLASS_NAMES.map((n, id) => [n, colors[id]!] as const),
    [colors[VOID_ID]!],
  );
}

export function cityscapesColorTable(): ColorTable {
  // Every colour of a label that is not evaluated (ground, parking, ...) decodes to void, not to an error.
  return tableFrom('cityscapes', CITYSCAPES_CLASSES, cityscapesVoidColors());
}

export class ColorTableError extends Error {
  override readonly name = 'ColorTableError';
}

const isRgb = (v: unknown): v is [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every((c) => Number.isInteger(c) && c >= 0 && c <= 255);

/**
 * Parses a custom table: `{"classes": [{"name": "road", "color": [128, 64, 128]}, ...], "void": [[0, 0, 0]]}`;
 * class ids are the positions in `classes`.
 */
export function parseColorTable(text: string, source: string): ColorTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ColorTableError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const root = json as { classes?: unknown; void?: unknown };
  if (typeof json !== 'object' || json === null || !Array.isArray(root.classes) || root.classes.length === 0) {
    throw new ColorTableError(`${source}: expected {"classes": [{"name", "color": [r, g, b]}, ...]}`);
  }
  const classes = root.classes.map((entry: unknown, id: number) => {
    const { name, color } = (entry ?? {}) as { name?: unknown; color?: unknown };
    if (typeof name !== 'string' || !isRgb(color)) {
      throw new ColorTableError(`${source}: class ${id} needs a string "name" and a "color" of three integers 0-255`);
    }
    return [name, color] as const;
  });
  const voidList: unknown = root.void ?? [];
  if (!Array.isArray(voidList) || !voidList.every(isRgb)) {
    throw new ColorTableError(`${source}: "void" must be a list of [r, g, b] colours`);
  }
  return tableFrom(source, classes, voidList);
}

/** 'voc', 'cityscapes', or the path of a JSON table. */
export async function loadColorTable(nameOrPath: string): Promise<ColorTable> {
  if (nameOrPath === 'voc') return vocColorTable();
  if (nameOrPath === 'cityscapes') return cityscapesColorTable();
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (error) {
    throw new ColorTableError(
      `${nameOrPath}: cannot read colour table (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return parseColorTable(text, nameOrPath);
}
