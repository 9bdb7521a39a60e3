import * as vscode from 'vscode';
import { loadColorTable, lossVariantName, validateMetricOptions, VOC_CLASS_NAMES, type EngineOptions } from '../core';
import { resolvePathSetting } from './logic/pathPolicy';
import { classNamesFor, readSettings, type SegLensSettings } from './logic/settings';

/** Settings resolved for one run: engine options built, path settings checked against workspace trust. */
export interface RunSettings {
  readonly engine: EngineOptions;
  /** What the cache hash is computed from: the raw settings that change results. */
  readonly fingerprint: unknown;
  readonly classNames: readonly string[];
  readonly labelsFolder: string | undefined;
  readonly imagesFolder: string | undefined;
  readonly workers: number | undefined;
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
  return {
    engine: {
      metric: settings.metric,
      read: settings.read,
      compute: settings.compute,
      ...(colorTable !== undefined ? { colorTable } : {}),
    },
    fingerprint: {
      // The loss variant by name as well: results of one variant are never served for another.
      loss: lossVariantName(settings.metric),
      metric: settings.metric,
      read: settings.read,
      colorTable: tableSetting ?? null,
      compute: settings.compute,
    },
    classNames: classNamesFor(settings.metric.numClasses, settings.classNames, colorTable?.classNames, VOC_CLASS_NAMES),
    labelsFolder: trustedPath(settings.labelsFolder, 'labelsFolder', log),
    imagesFolder: trustedPath(settings.imagesFolder, 'imagesFolder', log),
    workers: settings.workers > 0 ? settings.workers : undefined,
  };
}
