import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Folder names that usually hold ground-truth label maps, most specific first (VOC, then generic). */
export const LABEL_FOLDER_NAMES: readonly string[] = [
  'SegmentationClass',
  'SegmentationClassAug',
  'labels',
  'gt',
  'annotations',
  'ground_truth',
];

/** Folder names that usually hold the RGB input images. */
export const IMAGE_FOLDER_NAMES: readonly string[] = ['JPEGImages', 'images', 'img'];

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];

export async function isDirectory(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

async function childDirectories(parent: string): Promise<string[]> {
  try {
    const entries = await readdir(parent, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * Finds a folder named like one of `names` (case-insensitive) beside `folder`, then beside its
 * parent: predictions often live one level deeper than the dataset root (e.g. `results/model-a/`).
 * The folder itself is never returned, so a prediction folder called `labels` cannot pair with itself.
 */
export async function findSiblingFolder(folder: string, names: readonly string[]): Promise<string | undefined> {
  const self = path.resolve(folder);
  for (const parent of [path.dirname(self), path.dirname(path.dirname(self))]) {
    const children = await childDirectories(parent);
    for (const wanted of names) {
      const match = children.find((child) => child.toLowerCase() === wanted.toLowerCase());
      if (match !== undefined && path.join(parent, match) !== self) return path.join(parent, match);
    }
    if (parent === path.dirname(parent)) break;
  }
  return undefined;
}

const PREDICTION_WORD = /predictions|prediction|preds|pred/i;

/**
 * Label names built from the prediction folder's own name (`soft-predictions` → `soft-labels`,
 * `val_preds` → `val_gt`), so parallel layouts pair with their own labels before a generic folder.
 * A folder named just `predictions` derives nothing: the generic order applies.
 */
export function labelNamesDerivedFrom(predictionsDir: string): string[] {
  const name = path.basename(path.resolve(predictionsDir));
  const match = PREDICTION_WORD.exec(name);
  if (match === null || match[0].length === name.length) return [];
  return ['labels', 'label', 'gt', 'annotations', 'ground_truth'].map((word) => name.replace(PREDICTION_WORD, word));
}

export function findSiblingLabelFolder(predictionsDir: string): Promise<string | undefined> {
  return findSiblingFolder(predictionsDir, [...labelNamesDerivedFrom(predictionsDir), ...LABEL_FOLDER_NAMES]);
}

export function stemOf(file: string): string {
  return path.basename(file, path.extname(file));
}

/**
 * The RGB image shown under the overlays: same stem as the prediction, in the configured images
 * folder or in a `JPEGImages`-like folder beside the predictions or the labels.
 */
export async function findRgbImage(
  stem: string,
  places: { readonly imagesFolder?: string; readonly predictionsDir: string; readonly labelsDir: string },
): Promise<string | undefined> {
  const folders: string[] = [];
  if (places.imagesFolder !== undefined) folders.push(places.imagesFolder);
  for (const base of [places.predictionsDir, places.labelsDir]) {
    const sibling = await findSiblingFolder(base, IMAGE_FOLDER_NAMES);
    if (sibling !== undefined && !folders.includes(sibling)) folders.push(sibling);
  }
  for (const folder of folders) {
    for (const extension of IMAGE_EXTENSIONS) {
      const candidate = path.join(folder, stem + extension);
      if (await isFile(candidate)) return candidate;
    }
  }
  return undefined;
}
