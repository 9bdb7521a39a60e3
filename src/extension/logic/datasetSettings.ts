// Engine modules directly, not the core index: this runs in the extension host without TensorFlow.js.
import type { PreparedDataset } from '../../core/datasets/prepareDataset';
import type { EngineOptions } from '../../core/io/readFiles';

/** The part of the run settings a dataset preset changes. */
export interface DatasetDependent {
  readonly engine: EngineOptions;
  /** The dataset's name (`voc`, `cityscapes`, a dataset JSON's `name`) when one applies. */
  readonly datasetName?: string;
  readonly classNames: readonly string[];
  /** True when `seglens.classes` / `seglens.ignoreIndex` were set by the user: they win over the preset. */
  readonly explicit: { readonly classes: boolean; readonly ignore: boolean; readonly classNames: boolean };
  /** What was detected, for the view's summary and the log. */
  readonly datasetDescription?: string;
  /** The dataset's own photo folder names (a dataset JSON's `imageFolders`), searched for the inspector. */
  readonly imageFolderNames?: readonly string[];
}

/**
 * Settings for one folder once its dataset is known: the preset's class count, void, names, colour
 * table and id mapping, unless the user set them. They are engine options, so they join the options
 * identity (the cache key) by content: a result computed under another preset is never reused.
 */
export function applyDataset<T extends DatasetDependent>(settings: T, prepared: PreparedDataset): T {
  const preset = prepared.preset;
  if (preset === undefined) return { ...settings, datasetDescription: prepared.description, datasetName: 'none' };
  const metric = {
    ...settings.engine.metric,
    ...(settings.explicit.classes ? {} : { numClasses: preset.classNames.length }),
    ...(settings.explicit.ignore ? {} : { ignoreIndex: preset.ignoreIndex }),
  };
  const engine: EngineOptions = {
    ...settings.engine,
    metric,
    colorTable: settings.engine.colorTable ?? preset.colorTable,
    ...(prepared.ids !== undefined ? { ids: prepared.ids } : {}),
    ...(preset.name === 'cityscapes' ? { cityscapesInstances: true } : {}),
  };
  const classNames = Array.from(
    { length: metric.numClasses },
    (_, id) =>
      (settings.explicit.classNames ? settings.classNames[id] : preset.classNames[id]) ??
      settings.classNames[id] ??
      `class ${id}`,
  );
  return {
    ...settings,
    engine,
    classNames,
    datasetName: preset.name,
    datasetDescription: prepared.description,
    imageFolderNames: preset.imageFolders,
  };
}
