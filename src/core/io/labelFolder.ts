import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Where the labels of a prediction folder are when nobody said: the CLI's `eval` without `--labels`
 * and the extension (before it asks) both search with this module, so they find the same folder.
 */

/** Folder names that usually hold ground-truth label maps, most specific first (VOC, then generic). */
export const LABEL_FOLDER_NAMES: readonly string[] = [
  'SegmentationClass',
  'SegmentationClassAug',
  'gtFine',
  'labels',
  'gt',
  'annotations',
  'ground_truth',
];

/** Split folders inside a label tree (`gtFine/val`, `annotations/validation`): the one predictions are usually for. */
const VALIDATION_SPLITS: readonly string[] = ['val', 'validation'];

export async function isDirectory(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isDirectory();
  } catch {
    return false;
  }
}

export async function childDirectories(parent: string): Promise<string[]> {
  try {
    const entries = await readdir(parent, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** The folders searched for siblings of `folder`: its parent, then its grandparent. */
function siblingParents(folder: string): string[] {
  const parent = path.dirname(path.resolve(folder));
  const grandparent = path.dirname(parent);
  return grandparent === parent ? [parent] : [parent, grandparent];
}

/**
 * Finds a folder named like one of `names` (case-insensitive) beside `folder`, then beside its
 * parent: predictions often live one level deeper than the dataset root (e.g. `results/model-a/`).
 * The folder itself is never returned, so a prediction folder called `labels` cannot pair with itself.
 */
export async function findSiblingFolder(folder: string, names: readonly string[]): Promise<string | undefined> {
  const self = path.resolve(folder);
  for (const parent of siblingParents(self)) {
    const children = await childDirectories(parent);
    for (const wanted of names) {
      const match = children.find((child) => child.toLowerCase() === wanted.toLowerCase());
      if (match !== undefined && path.join(parent, match) !== self) return path.join(parent, match);
    }
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

/** Label files named as such (`_target`, `_gtFine_labelIds`, `<id>gt`): the folder holds its own labels. */
const LABEL_NAME = /(_gtFine_labelTrainIds|_gtFine_labelIds|_gtFine_color|_target|_labels?|_mask|_?gt)\.(png|npy)$/i;

async function holdsLabels(folder: string): Promise<boolean> {
  try {
    return (await readdir(folder)).some((name) => LABEL_NAME.test(name));
  } catch {
    return false;
  }
}

/** What a search for the label folder found, and where it looked (for the message when it found nothing). */
export interface LabelFolderSearch {
  /** The label folder, or undefined when none was found. */
  readonly folder: string | undefined;
  /** How it was found, e.g. `the folder SegmentationClass beside the predictions`. */
  readonly how?: string;
  /** The places searched, one line each: a folder and the names looked for in it. */
  readonly looked: readonly string[];
}

/**
 * The label folder for a prediction folder: a sibling named like one (entering its `val` or
 * `validation` split when it has one, as Cityscapes' `gtFine/val` and ADE20K's
 * `annotations/validation`), else the prediction folder itself when it holds label-named files.
 */
export async function searchLabelFolder(predictionsDir: string): Promise<LabelFolderSearch> {
  const names = [...labelNamesDerivedFrom(predictionsDir), ...LABEL_FOLDER_NAMES];
  const self = path.resolve(predictionsDir);
  const looked = [
    ...siblingParents(self).map(
      (parent) => `${parent}: a folder named ${names.join(', ')} (any case; its val or validation split if any)`,
    ),
    `${self}: label files named *_gtFine_labelIds, *_target, *_label, *_mask, *gt, ... beside the predictions`,
  ];
  const sibling = await findSiblingFolder(predictionsDir, names);
  if (sibling !== undefined) {
    const children = await childDirectories(sibling);
    const split = VALIDATION_SPLITS.map((name) => children.find((c) => c.toLowerCase() === name)).find(
      (c) => c !== undefined,
    );
    const where =
      path.dirname(sibling) === path.dirname(self) ? 'beside the predictions' : "beside the predictions' parent folder";
    const folderName = path.basename(sibling) + (split !== undefined ? `/${split}` : '');
    return {
      folder: split !== undefined ? path.join(sibling, split) : sibling,
      how: `the folder ${folderName} ${where}`,
      looked,
    };
  }
  if (await holdsLabels(predictionsDir))
    return { folder: predictionsDir, how: 'label-named files among the predictions', looked };
  return { folder: undefined, looked };
}

/** The label folder of `searchLabelFolder`, or undefined. */
export async function findSiblingLabelFolder(predictionsDir: string): Promise<string | undefined> {
  return (await searchLabelFolder(predictionsDir)).folder;
}
