import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { walkFiles } from './boundedWalk';
import { shortFolder } from './folderSettings';

/**
 * A label map is flat: neighbouring pixels almost always share their class, except along
 * boundaries. A photo is texture and noise: most neighbours differ. Below this share of equal
 * right-hand neighbours an image is taken for a photo. Measured on ../shared/data/real: the 60
 * label maps and predictions (VOC palette and colour, Cityscapes colour and ids) 0.956–0.996, the
 * 15 photos 0.004–0.623 (a VOC crop with a flat padded border the highest); the samples' synthetic
 * photos about 0.065 (test/extension/logic/labelsFolderCheck.test.ts).
 */
export const PHOTO_EQUAL_NEIGHBOUR_SHARE = 0.8;

/** Files looked at before deciding whether to count all of them. */
const FIRST_LOOK = 12;
/** At most this many files are read to count the photos in a folder that looks wrong. */
const MAX_COUNTED = 400;

/** Share of pixels (in every `rowStep`-th row) whose right-hand neighbour has the same RGBA value. */
export function equalNeighbourShare(rgba: Uint8Array, width: number, height: number, rowStep = 1): number {
  let equal = 0;
  let total = 0;
  for (let y = 0; y < height; y += rowStep) {
    let p = y * width * 4;
    for (let x = 0; x + 1 < width; x++, p += 4) {
      total++;
      if (rgba[p] === rgba[p + 4] && rgba[p + 1] === rgba[p + 5] && rgba[p + 2] === rgba[p + 6]) equal++;
    }
  }
  return total === 0 ? 1 : equal / total;
}

/** True for a JPEG (label maps are never lossy) or a PNG whose pixels look like a photo; false if unreadable. */
export async function looksLikePhoto(file: string): Promise<boolean> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.jpg' || extension === '.jpeg') return true;
  if (extension !== '.png') return false;
  try {
    const png = PNG.sync.read(await readFile(file));
    const rowStep = Math.max(1, Math.floor(png.height / 64));
    return equalNeighbourShare(png.data, png.width, png.height, rowStep) < PHOTO_EQUAL_NEIGHBOUR_SHARE;
  } catch {
    return false; // an unreadable file is reported by the run itself, with its reason
  }
}

/** `count` files spread evenly over `files`, first and last included. */
function spread<T>(files: readonly T[], count: number): T[] {
  if (files.length <= count) return [...files];
  return Array.from({ length: count }, (_, i) => files[Math.round((i * (files.length - 1)) / (count - 1))]!);
}

export interface PhotoCount {
  readonly photos: number;
  readonly checked: number;
  readonly total: number;
}

/**
 * How many of the label files are photos: a quick look at a few; only when most of those are
 * photos, a count over (up to 400 of) all of them, for the message.
 */
export async function countPhotos(files: readonly string[]): Promise<PhotoCount> {
  const first = spread(files, FIRST_LOOK);
  const firstPhotos = (await Promise.all(first.map(looksLikePhoto))).filter(Boolean).length;
  if (firstPhotos * 2 <= first.length || files.length <= first.length)
    return { photos: firstPhotos, checked: first.length, total: files.length };
  const counted = spread(files, MAX_COUNTED);
  let photos = 0;
  for (const file of counted) if (await looksLikePhoto(file)) photos++;
  return { photos, checked: counted.length, total: files.length };
}

/** "233 of 233 files in …/CamVid/test are RGB photos, not label maps", when most are. */
export function photosProblem(labelsDir: string, count: PhotoCount): string | undefined {
  if (count.checked === 0 || count.photos * 2 <= count.checked) return undefined;
  const sample = count.checked < count.total ? ` (${count.checked} of its ${count.total} files checked)` : '';
  const files = count.checked < count.total ? 'checked files' : 'files';
  return `${count.photos} of ${count.checked} ${files} in ${shortFolder(labelsDir)} are RGB photos, not label maps${sample}. Pick the folder of label maps.`;
}

/** Why a run paired nothing, naming both folders and the first prediction's reason. */
export function nothingPairsProblem(
  predictionsDir: string,
  labelsDir: string,
  unpaired: readonly { readonly file: string; readonly reason: string }[],
): string {
  const first = unpaired[0];
  const example = first !== undefined ? ` (${path.basename(first.file)}: ${first.reason})` : '';
  const what =
    unpaired.length > 0
      ? `none of the ${unpaired.length} predictions in ${shortFolder(predictionsDir)} has a label in ${shortFolder(labelsDir)}`
      : `no prediction (.png or .npy) was found in ${shortFolder(predictionsDir)}`;
  return `Nothing pairs: ${what}${example}. Pick another labels folder, or set the pairing (e.g. {stem}_seg.png:{stem}_gtFine_color.png).`;
}

const PICTURE = /\.(png|jpe?g)$/i;

/** The pictures in a folder and its sub-folders (two levels, at most `limit`), sorted: what a labels folder holds. */
export async function picturesIn(folder: string, limit = 5000): Promise<string[]> {
  const found: string[] = [];
  if (limit > 0)
    await walkFiles(folder, 2, (entry, file) => {
      if (entry.isFile() && PICTURE.test(entry.name)) found.push(file);
      return found.length < limit;
    });
  return found.sort();
}

/**
 * What is wrong with the labels folder of a run, before anything is computed, or undefined: most
 * of its label files are photos, or nothing pairs. Never a silent zero.
 */
export async function labelsFolderProblem(
  predictionsDir: string,
  labelsDir: string,
  pairing: {
    readonly pairs: readonly { readonly labelFile: string }[];
    readonly unpaired: readonly { readonly file: string; readonly reason: string }[];
  },
): Promise<string | undefined> {
  if (pairing.pairs.length > 0)
    return photosProblem(labelsDir, await countPhotos(pairing.pairs.map((pair) => pair.labelFile)));
  const photos = photosProblem(labelsDir, await countPhotos(await picturesIn(labelsDir)));
  return photos ?? nothingPairsProblem(predictionsDir, labelsDir, pairing.unpaired);
}

/** A run refused before computing anything because its labels folder is wrong; the message says why. */
export class LabelsFolderProblem extends Error {
  override readonly name = 'LabelsFolderProblem';
  constructor(
    message: string,
    readonly predictionsDir: string,
    readonly labelsDir: string,
  ) {
    super(message);
  }
}
