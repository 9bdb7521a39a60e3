import { stat } from 'node:fs/promises';
import * as path from 'node:path';
// The label folder is found by the engine's search, shared with the CLI; the photos are the extension's.
import { findSiblingFolder } from '../../core/io/labelFolder';
import { walkFiles } from './boundedWalk';

/** Folder names that usually hold the RGB input images. */
export const IMAGE_FOLDER_NAMES: readonly string[] = ['JPEGImages', 'leftImg8bit', 'images', 'img'];

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];

export async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

export function stemOf(file: string): string {
  return path.basename(file, path.extname(file));
}

/** Suffixes photos carry in the layouts SegLens knows (`X_leftImg8bit.png`, VainF's `N_image.png`). */
const IMAGE_SUFFIXES: readonly string[] = ['', '_leftImg8bit', '_image'];

/** Bounds of the search for photos in an images tree (Cityscapes: `leftImg8bit/<split>/<city>/`). */
const IMAGE_WALK = { maxDepth: 3, maxFiles: 100_000 };

/** Index of an images tree by stem (suffix removed), kept briefly so stepping through images stays fast. */
const imageIndexes = new Map<string, { readonly at: number; readonly index: Promise<Map<string, string>> }>();
const INDEX_LIFETIME_MS = 60_000;

function stripImageSuffix(base: string): string {
  for (const suffix of IMAGE_SUFFIXES) if (suffix !== '' && base.endsWith(suffix)) return base.slice(0, -suffix.length);
  return base;
}

async function buildImageIndex(root: string): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  if (IMAGE_WALK.maxFiles > 0)
    await walkFiles(root, IMAGE_WALK.maxDepth, (entry, file) => {
      if (IMAGE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        const stem = stripImageSuffix(stemOf(entry.name));
        if (!index.has(stem)) index.set(stem, file);
      }
      return index.size < IMAGE_WALK.maxFiles;
    });
  return index;
}

function imageIndex(root: string): Promise<Map<string, string>> {
  const cached = imageIndexes.get(root);
  if (cached !== undefined && Date.now() - cached.at < INDEX_LIFETIME_MS) return cached.index;
  const index = buildImageIndex(root);
  imageIndexes.set(root, { at: Date.now(), index });
  return index;
}

/** Where the pair's photo may be, as a relative name under an images folder: `frankfurt/X_leftImg8bit.png`. */
async function directCandidate(folder: string, name: string): Promise<string | undefined> {
  for (const suffix of IMAGE_SUFFIXES) {
    for (const extension of IMAGE_EXTENSIONS) {
      const candidate = path.join(folder, name + suffix + extension);
      if (await isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A photo next to the prediction or label file itself (`N_image.png`, `X.jpg`), never the data file. */
async function besideFile(file: string, stem: string): Promise<string | undefined> {
  const folder = path.dirname(file);
  for (const suffix of ['_image', '_leftImg8bit']) {
    for (const extension of IMAGE_EXTENSIONS) {
      const candidate = path.join(folder, stem + suffix + extension);
      if (await isFile(candidate)) return candidate;
    }
  }
  for (const extension of ['.jpg', '.jpeg']) {
    const candidate = path.join(folder, stem + extension);
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The RGB image shown under the overlays, for a pair named `frankfurt/X` (its stem is `X`): in the
 * configured images folder or a `JPEGImages` / `leftImg8bit` / `images`-like folder beside the
 * predictions or labels (searched by stem, sub-folders included), else beside the files themselves.
 */
export async function findRgbImage(
  pair: { readonly name: string; readonly predictionFile?: string; readonly labelFile?: string },
  places: {
    readonly imagesFolder?: string;
    readonly predictionsDir: string;
    readonly labelsDir: string;
    /** The dataset's own photo folder names, tried after the usual ones. */
    readonly folderNames?: readonly string[];
  },
): Promise<string | undefined> {
  const stem = pair.name.split('/').at(-1) ?? pair.name;
  const folders: string[] = [];
  if (places.imagesFolder !== undefined) folders.push(places.imagesFolder);
  for (const base of [places.predictionsDir, places.labelsDir]) {
    const sibling = await findSiblingFolder(base, [...IMAGE_FOLDER_NAMES, ...(places.folderNames ?? [])]);
    if (sibling !== undefined && !folders.includes(sibling)) folders.push(sibling);
  }
  for (const folder of folders) {
    const direct = (await directCandidate(folder, pair.name)) ?? (await directCandidate(folder, stem));
    if (direct !== undefined) return direct;
    const indexed = (await imageIndex(folder)).get(stem);
    if (indexed !== undefined) return indexed;
  }
  for (const file of [pair.predictionFile, pair.labelFile]) {
    if (file === undefined) continue;
    const beside = await besideFile(file, stem);
    if (beside !== undefined) return beside;
  }
  return undefined;
}
