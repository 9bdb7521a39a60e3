import * as path from 'node:path';

/** How prediction ids are written (`seglens.predictionIds`). */
export type PredictionIdsChoice = 'auto' | 'train' | 'label';
const PREDICTION_IDS: readonly PredictionIdsChoice[] = ['auto', 'train', 'label'];

/**
 * What one evaluated prediction folder keeps between runs, whatever the `seglens.*` settings say
 * later: the settings are the defaults a folder starts from; these are its own, changed only by
 * the commands *Change Labels Folder…*, *Change Dataset…* and *Set Pairing…*. Kept in workspace
 * state, never in the user's folders.
 */
export interface FolderSettings {
  readonly labelsFolder?: string;
  /** `auto`, a built-in dataset name, or the path of a dataset JSON file. */
  readonly dataset?: string;
  readonly predictionIds?: PredictionIdsChoice;
  /** `--pair` patterns, `P:L`; the empty string means "pair by name" even when `seglens.pair` is set. */
  readonly pair?: string;
  readonly photosFolder?: string;
}

/** Folder settings by absolute prediction-folder path. */
export type FolderSettingsMap = Readonly<Record<string, FolderSettings>>;

/** Longest text kept from the stored state; anything longer was not written by us. */
const MAX_TEXT = 4096;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_TEXT ? value : undefined;
}

function parseOne(value: unknown): FolderSettings | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const labelsFolder = text(v['labelsFolder']);
  const dataset = text(v['dataset']);
  const predictionIds = PREDICTION_IDS.find((choice) => choice === v['predictionIds']);
  const pair = text(v['pair']);
  const photosFolder = text(v['photosFolder']);
  return {
    ...(labelsFolder !== undefined && labelsFolder !== '' ? { labelsFolder } : {}),
    ...(dataset !== undefined && dataset !== '' ? { dataset } : {}),
    ...(predictionIds !== undefined ? { predictionIds } : {}),
    ...(pair !== undefined ? { pair } : {}),
    ...(photosFolder !== undefined && photosFolder !== '' ? { photosFolder } : {}),
  };
}

/**
 * Reads the stored map back (workspace state is ours, but older versions and damage exist):
 * malformed entries are dropped. `legacyLabels` is the labels-folder-by-predictions map earlier
 * versions kept; its answers become the labels folder of folders that have none yet.
 */
export function parseFolderSettingsMap(stored: unknown, legacyLabels?: unknown): Record<string, FolderSettings> {
  const map: Record<string, FolderSettings> = {};
  if (typeof legacyLabels === 'object' && legacyLabels !== null && !Array.isArray(legacyLabels)) {
    for (const [folder, labels] of Object.entries(legacyLabels as Record<string, unknown>)) {
      const labelsFolder = text(labels);
      if (path.isAbsolute(folder) && labelsFolder !== undefined && labelsFolder !== '') map[folder] = { labelsFolder };
    }
  }
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    for (const [folder, entry] of Object.entries(stored as Record<string, unknown>)) {
      const parsed = parseOne(entry);
      if (path.isAbsolute(folder) && parsed !== undefined) map[folder] = { ...map[folder], ...parsed };
    }
  }
  return map;
}

/** True when `file` is `folder` or lies inside it (path-wise, no file access). */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The evaluated folder whose settings apply to `target` (a prediction folder or a file in one):
 * the deepest stored folder holding it, so a sub-folder evaluated on its own keeps its own settings.
 */
export function folderHolding(
  map: FolderSettingsMap,
  target: string,
): { readonly predictionsDir: string; readonly settings: FolderSettings } | undefined {
  let best: string | undefined;
  for (const folder of Object.keys(map))
    if (isInside(target, folder) && (best === undefined || folder.length > best.length)) best = folder;
  return best !== undefined ? { predictionsDir: best, settings: map[best]! } : undefined;
}

/** The part of the run settings folder settings replace. */
export interface FolderDependent {
  readonly labelsFolder: string | undefined;
  readonly imagesFolder: string | undefined;
  readonly dataset: { readonly dataset: string; readonly predictionIds: PredictionIdsChoice; readonly pair?: string };
}

/**
 * The settings with a folder's own choices on top (none: the settings as they are). The dataset a
 * folder's choice leads to changes the engine options, which the cache keys by content, so a result
 * of one dataset is never served for another.
 */
export function withFolderSettings<T extends FolderDependent>(settings: T, folder: FolderSettings | undefined): T {
  const pair = folder?.pair ?? settings.dataset.pair;
  const dataset = {
    dataset: folder?.dataset ?? settings.dataset.dataset,
    predictionIds: folder?.predictionIds ?? settings.dataset.predictionIds,
    ...(pair !== undefined && pair !== '' ? { pair } : {}),
  };
  return {
    ...settings,
    labelsFolder: folder?.labelsFolder ?? settings.labelsFolder,
    imagesFolder: folder?.photosFolder ?? settings.imagesFolder,
    dataset,
  };
}

/** What a folder keeps after a run with these settings and this labels folder. */
export function settingsAfterRun(
  labelsFolder: string,
  run: { readonly imagesFolder: string | undefined; readonly dataset: FolderDependent['dataset'] },
  before: FolderSettings | undefined,
): FolderSettings {
  return {
    ...before,
    labelsFolder,
    dataset: run.dataset.dataset,
    predictionIds: run.dataset.predictionIds,
    pair: run.dataset.pair ?? '',
    ...(run.imagesFolder !== undefined ? { photosFolder: run.imagesFolder } : {}),
  };
}

/** A folder name as a person reads it in a message: the last two parts (`…/CamVid/test`). */
export function shortFolder(folder: string): string {
  const parts = path
    .resolve(folder)
    .split(path.sep)
    .filter((part) => part !== '');
  return parts.length <= 2 ? path.resolve(folder) : `…/${parts.slice(-2).join('/')}`;
}
