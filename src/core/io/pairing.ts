import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../errors';
import { READABLE_EXTENSIONS } from './readFiles';

export interface FilePair {
  /** File stem shared by prediction and label, e.g. `2007_000032`. */
  readonly name: string;
  readonly predictionFile: string;
  readonly labelFile: string;
}

export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

export interface PairingResult {
  readonly pairs: FilePair[];
  /** Predictions without a label, and stems present twice. */
  readonly unpaired: SkippedFile[];
  /** How many labels have no prediction (usually a partial run; not an error). */
  readonly labelsWithoutPrediction: number;
}

const isReadable = (file: string): boolean =>
  (READABLE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());

/** Regular files of a folder (symlinks followed once; loops and dangling links reported, never followed). */
async function listDataFiles(dir: string, skipped: SkippedFile[]): Promise<Map<string, string[]>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InputError(
      dir,
      'unreadable',
      code === 'ENOENT'
        ? 'folder does not exist'
        : code === 'ENOTDIR'
          ? 'is not a folder'
          : `cannot list folder (${code})`,
    );
  }
  const byStem = new Map<string, string[]>();
  for (const entry of entries) {
    if (!isReadable(entry.name) || entry.name.startsWith('.')) continue;
    const file = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      try {
        if (!(await stat(file)).isFile()) continue;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        skipped.push({ file, reason: code === 'ELOOP' ? 'symbolic link loop' : 'dangling symbolic link' });
        continue;
      }
    } else if (!entry.isFile()) {
      continue;
    }
    const stem = entry.name.slice(0, -extname(entry.name).length);
    const list = byStem.get(stem) ?? [];
    list.push(file);
    byStem.set(stem, list);
  }
  return byStem;
}

/** Pairs `STEM.png|.npy` predictions with `STEM.png|.npy` labels, sorted by stem. */
export async function pairFiles(predictionsDir: string, labelsDir: string): Promise<PairingResult> {
  const unpaired: SkippedFile[] = [];
  const predictions = await listDataFiles(predictionsDir, unpaired);
  const labels = await listDataFiles(labelsDir, unpaired);
  const pairs: FilePair[] = [];
  for (const stem of [...predictions.keys()].sort()) {
    const predictionFiles = predictions.get(stem)!;
    const labelFiles = labels.get(stem);
    if (predictionFiles.length > 1) {
      unpaired.push({
        file: predictionFiles[0]!,
        reason: `two predictions share the name ${stem}: ${predictionFiles.map((f) => extname(f)).join(' and ')}`,
      });
      continue;
    }
    if (!labelFiles) {
      unpaired.push({ file: predictionFiles[0]!, reason: `no label ${stem}.png or ${stem}.npy in ${labelsDir}` });
      continue;
    }
    const labelFile = labelFiles.find((f) => extname(f).toLowerCase() === '.png') ?? labelFiles[0]!;
    pairs.push({ name: stem, predictionFile: predictionFiles[0]!, labelFile });
  }
  let labelsWithoutPrediction = 0;
  for (const stem of labels.keys()) if (!predictions.has(stem)) labelsWithoutPrediction++;
  return { pairs, unpaired, labelsWithoutPrediction };
}
