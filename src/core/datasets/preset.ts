import type { Rgb } from '../colors';
import type { ColorTable } from '../io/colorTable';
import type { SuffixRule } from '../io/fileRoles';

/** Which ids a folder of predictions is written in. */
export type IdSpace = 'train' | 'label';

/**
 * Everything SegLens needs to know about a dataset: classes, void, how label files encode ids and how
 * names pair. Plain data (it crosses to worker threads inside the engine options).
 */
export interface DatasetPreset {
  /** `voc`, `cityscapes`, `ade20k`, or the name given in a dataset JSON file. */
  readonly name: string;
  readonly classNames: readonly string[];
  readonly classColors: readonly Rgb[];
  /** The train-space void id every unmapped id becomes. */
  readonly ignoreIndex: number;
  /** label id → train id (ignoreIndex when not evaluated); absent when files already hold train ids. */
  readonly labelToTrain?: readonly number[];
  /** How label files without an explicit suffix write their ids. */
  readonly labelIds: IdSpace;
  /** Colour-coded labels and predictions are decoded with this table straight to train ids. */
  readonly colorTable: ColorTable;
  /** The dataset's own name suffixes, tried with the known ones. */
  readonly suffixes: readonly SuffixRule[];
  /** Folder names that hold the photos (searched recursively for the inspector). */
  readonly imageFolders: readonly string[];
}
