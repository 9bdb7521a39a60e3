import * as vscode from 'vscode';
import {
  BUILTIN_PRESETS,
  errorText,
  loadColorTable,
  validateMetricOptions,
  VOC_CLASS_NAMES,
  type DatasetRequest,
  type EngineOptions,
  type PreparedDataset,
} from '../core';
import { prepareDatasetWith } from '../core/datasets/prepareDataset';
import { parsePairPattern } from '../core/io/fileRoles';
import { pairFilesInMemoryInThread } from '../core/io/pairingThread';
import { applyDataset } from './logic/datasetSettings';
import { resolvePathSetting } from './logic/pathPolicy';
import { classNamesFor, readSettings, type SegLensSettings } from './logic/settings';

/** Settings resolved for one run: engine options built, path settings checked against workspace trust. */
export interface RunSettings {
  readonly engine: EngineOptions;
  /** The dataset's name when one applies (set by `settingsForFolders`). */
  readonly datasetName?: string;
  readonly classNames: readonly string[];
  readonly labelsFolder: string | undefined;
  readonly imagesFolder: string | undefined;
  readonly workers: number | undefined;
  /** `seglens.dataset` and `seglens.predictionIds`, applied per folder by `settingsForFolders`. */
  readonly dataset: DatasetRequest;
  readonly explicit: { readonly classes: boolean; readonly ignore: boolean; readonly classNames: boolean };
  /** What was detected for the folder being evaluated (set by `settingsForFolders`). */
  readonly datasetDescription?: string;
  readonly imageFolderNames?: readonly string[];
}

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}

/** Applies the trust policy to one path setting, logging why a value is ignored. */
function trustedPath(value: string | undefined, name: string, log: vscode.LogOutputChannel): string | undefined {
  const resolved = resolvePathSetting(value, workspaceFolderPaths(), vscode.workspace.isTrusted);
  if (resolved.rejected !== undefined) log.warn(`seglens.${name}: ${resolved.rejected}`);
  return resolved.path;
}

/** `seglens.pair` if the CLI would take it as `--pair`; else an error naming the setting. */
function checkedPair(pair: string): string {
  try {
    parsePairPattern(pair);
    return pair;
  } catch (error) {
    throw new Error(`seglens.pair: ${errorText(error)}`);
  }
}

/** Reads `seglens.*` for `scope` (a file or folder, so folder-level settings apply). Throws on invalid options. */
export async function loadRunSettings(
  scope: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<RunSettings> {
  const config = vscode.workspace.getConfiguration('seglens', scope);
  const settings: SegLensSettings = readSettings((key) => config.get(key));
  validateMetricOptions(settings.metric);
  const tableSetting =
    settings.colorTable === 'voc' || settings.colorTable === 'cityscapes'
      ? settings.colorTable
      : trustedPath(settings.colorTable, 'colorTable', log);
  const colorTable = tableSetting !== undefined ? await loadColorTable(tableSetting) : undefined;
  const datasetSetting =
    settings.dataset === 'auto' || (BUILTIN_PRESETS as readonly string[]).includes(settings.dataset)
      ? settings.dataset
      : trustedPath(settings.dataset, 'dataset', log);
  const isSet = (key: string): boolean => {
    const inspected = config.inspect(key);
    return (
      inspected?.globalValue !== undefined ||
      inspected?.workspaceValue !== undefined ||
      inspected?.workspaceFolderValue !== undefined
    );
  };
  return {
    engine: {
      metric: settings.metric,
      read: settings.read,
      compute: settings.compute,
      ...(colorTable !== undefined ? { colorTable } : {}),
    },
    classNames: classNamesFor(settings.metric.numClasses, settings.classNames, colorTable?.classNames, VOC_CLASS_NAMES),
    labelsFolder: trustedPath(settings.labelsFolder, 'labelsFolder', log),
    imagesFolder: trustedPath(settings.imagesFolder, 'imagesFolder', log),
    workers: settings.workers > 0 ? settings.workers : undefined,
    dataset: {
      dataset: datasetSetting ?? 'auto',
      predictionIds: settings.predictionIds,
      ...(settings.pair !== undefined ? { pair: checkedPair(settings.pair) } : {}),
    },
    explicit: { classes: isSet('classes'), ignore: isSet('ignoreIndex'), classNames: isSet('classNames') },
  };
}

/**
 * Pairs the folders and applies their dataset (given or detected) to the settings. The pairing runs
 * in a thread of its own: the extension host's event loop, which every view and command of the window
 * waits for, stays free while a folder of 100,000 files is walked and paired.
 */
export async function settingsForFolders(
  settings: RunSettings,
  predictionsDir: string,
  labelsDir: string,
): Promise<{ readonly settings: RunSettings; readonly prepared: PreparedDataset }> {
  const prepared = await prepareDatasetWith(
    pairFilesInMemoryInThread,
    predictionsDir,
    labelsDir,
    settings.dataset,
    settings.engine,
  );
  return { settings: applyDataset(settings, prepared), prepared };
}
