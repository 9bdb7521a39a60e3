import { readFile } from 'node:fs/promises';
import { isInputError } from '../errors';
import { cityscapesColorTable, vocColorTable, vocColormap } from '../io/colorTable';
import type { ListView } from '../io/packedPairs';
import type { FilePair, PairingResult } from '../io/pairing';
import { listChunks, readHeader } from '../io/pngChunks';
import { readPngClassMap } from '../io/pngClassMap';
import type { BuiltinPresetName } from './builtinPresets';

export interface Detection {
  readonly preset: BuiltinPresetName;
  /** What gave it away, for the first line of the output. */
  readonly evidence: string;
  /** False when another dataset could leave the same trace: the output then names the flag. */
  readonly certain: boolean;
}

const segments = (path: string): string[] => path.split(/[\\/]+/);

/** Where a path's last separator is (`/` or `\\`), -1 when it has none. */
const lastSeparator = (path: string): number => Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));

/**
 * From names and folder layout alone: `_gtFine_` → cityscapes, `ADE_` or `annotations/` → ade20k, `SegmentationClass` → voc.
 * One pass over the names: the folders are split into segments once each, not once per file (a folder of
 * 200,000 pairs has a handful of folders and would otherwise make millions of segment strings).
 */
export function detectFromNames(files: Iterable<string>, labelsDir: string): Detection | undefined {
  let gtFineName = false;
  let adeName = false;
  const folders = new Set<string>();
  for (const file of files) {
    const cut = lastSeparator(file);
    const name = file.slice(cut + 1);
    gtFineName ||= name.includes('_gtFine_');
    adeName ||= name.startsWith('ADE_');
    if (cut >= 0) folders.add(file.slice(0, cut));
  }
  const dirs = new Set(segments(labelsDir));
  for (const folder of folders) for (const segment of segments(folder)) dirs.add(segment);
  if (gtFineName) return { preset: 'cityscapes', evidence: '_gtFine_ in file names', certain: true };
  if (dirs.has('gtFine')) return { preset: 'cityscapes', evidence: 'a gtFine/ folder', certain: true };
  if (adeName) return { preset: 'ade20k', evidence: 'ADE_ file names', certain: true };
  if (dirs.has('SegmentationClass') || dirs.has('SegmentationClassAug'))
    return { preset: 'voc', evidence: 'a SegmentationClass folder', certain: true };
  if (dirs.has('annotations'))
    return { preset: 'ade20k', evidence: 'an annotations/ folder (ADE20K layout)', certain: false };
  return undefined;
}

/** Palette entries 1–20 are the VOC colour map: written by VOC tools. */
function hasVocPalette(buffer: Buffer): boolean {
  const chunks = listChunks(buffer);
  const palette = chunks.find((c) => c.type === 'PLTE');
  if (!palette || palette.dataLength < 21 * 3) return false;
  const colors = vocColormap(21);
  return colors.every((rgb, id) => rgb.every((v, i) => buffer[palette.dataStart + id * 3 + i] === v));
}

/** From one label's content: a VOC palette, or colours that all belong to the VOC or Cityscapes map. */
export async function detectFromContent(labelFile: string, maxMegapixels: number): Promise<Detection | undefined> {
  let buffer: Buffer;
  try {
    buffer = await readFile(labelFile);
    const header = readHeader(buffer, listChunks(buffer));
    if (header.colorType === 3)
      return hasVocPalette(buffer) ? { preset: 'voc', evidence: 'the VOC colour palette', certain: true } : undefined;
    if (header.colorType !== 2 && header.colorType !== 6) return undefined;
  } catch {
    return undefined; // not a PNG, or damaged: the evaluation reports it on its own
  }
  for (const [preset, table] of [
    ['voc', vocColorTable()],
    ['cityscapes', cityscapesColorTable()],
  ] as const) {
    try {
      readPngClassMap(labelFile, buffer, { maxMegapixels, colorTable: table });
      return { preset, evidence: `every label colour is in the ${preset} colour map`, certain: false };
    } catch (error) {
      if (!isInputError(error)) throw error;
    }
  }
  return undefined;
}

/** Names first (cheap and telling), then the first label's content. */
export async function detectPreset(
  pairing: PairingResult<ListView<FilePair>>,
  labelsDir: string,
  maxMegapixels: number,
): Promise<Detection | undefined> {
  function* files(): Generator<string> {
    for (let i = 0; i < pairing.pairs.length; i++) {
      const pair = pairing.pairs.at(i)!;
      yield* [pair.labelFile, pair.predictionFile];
    }
    for (const entry of pairing.ignored) yield entry.file;
  }
  const byName = detectFromNames(files(), labelsDir);
  if (byName) return byName;
  for (let i = 0; i < pairing.pairs.length; i++) {
    const pair = pairing.pairs.at(i)!;
    if (pair.labelFile.toLowerCase().endsWith('.png')) return detectFromContent(pair.labelFile, maxMegapixels);
  }
  return undefined;
}
