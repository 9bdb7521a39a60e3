import { defaultClassColors } from '../colors';
import { cityscapesColorTable, VOC_CLASS_NAMES, vocColorTable, CITYSCAPES_CLASSES } from '../io/colorTable';
import { ADE20K_CLASS_NAMES } from './ade20kClasses';
import { CITYSCAPES_LABEL_TO_TRAIN } from './cityscapesLabels';
import type { DatasetPreset } from './preset';

const VOID = 255;

export function vocPreset(): DatasetPreset {
  const table = vocColorTable();
  return {
    name: 'voc',
    classNames: VOC_CLASS_NAMES,
    classColors: table.classColors,
    ignoreIndex: VOID,
    labelIds: 'train',
    colorTable: table,
    suffixes: [],
    imageFolders: ['JPEGImages', 'images'],
  };
}

export function cityscapesPreset(): DatasetPreset {
  return {
    name: 'cityscapes',
    classNames: CITYSCAPES_CLASSES.map(([name]) => name),
    classColors: CITYSCAPES_CLASSES.map(([, color]) => color),
    ignoreIndex: VOID,
    labelToTrain: CITYSCAPES_LABEL_TO_TRAIN,
    // Unsuffixed Cityscapes labels are taken as the official label ids; `_labelTrainIds` says otherwise.
    labelIds: 'label',
    colorTable: cityscapesColorTable(),
    suffixes: [
      { suffix: '_labelTrainIds', role: 'label', ids: 'train', rank: 0 },
      { suffix: '_labelIds', role: 'label', ids: 'label', rank: 1 },
    ],
    imageFolders: ['leftImg8bit'],
  };
}

/** SceneParsing: 0 = other (void), k → k − 1. */
export function ade20kPreset(): DatasetPreset {
  const colors = defaultClassColors(ADE20K_CLASS_NAMES.length);
  return {
    name: 'ade20k',
    classNames: ADE20K_CLASS_NAMES,
    classColors: colors,
    ignoreIndex: VOID,
    labelToTrain: [VOID, ...ADE20K_CLASS_NAMES.map((_, k) => k)],
    labelIds: 'label',
    colorTable: {
      name: 'ade20k',
      classNames: ADE20K_CLASS_NAMES,
      classColors: colors,
      idOfColor: new Map(),
    },
    suffixes: [],
    imageFolders: ['images'],
  };
}

export const BUILTIN_PRESETS = ['voc', 'cityscapes', 'ade20k'] as const;
export type BuiltinPresetName = (typeof BUILTIN_PRESETS)[number];

export function builtinPreset(name: BuiltinPresetName): DatasetPreset {
  return name === 'voc' ? vocPreset() : name === 'cityscapes' ? cityscapesPreset() : ade20kPreset();
}
