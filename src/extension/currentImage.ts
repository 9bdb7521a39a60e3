import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FilePair, PreparedDataset } from '../core';
import { KNOWN_SUFFIXES, orderRules, parseName } from '../core/io/fileRoles';
import type { CommandServices } from './commandServices';
import { settingsForFolders, type RunSettings } from './configuration';
import { askPairing } from './folderCommands';
import { shortFolder } from './logic/folderSettings';

const CHOOSE_LABEL = 'Choose Label File…';
const SET_PAIRING = 'Set Pairing…';

/**
 * The settings for one file: those of the evaluated folder holding it; for a file in no evaluated
 * folder, the dataset detected from its folder, and the `seglens.dataset` setting only when
 * nothing is detected (a setting meant for one dataset never silently scores another).
 */
async function settingsForFile(
  services: CommandServices,
  file: string,
): Promise<{ predictionsDir: string; requested: RunSettings; held: boolean }> {
  const held = services.folders.holding(file);
  if (held !== undefined)
    return {
      predictionsDir: held.predictionsDir,
      requested: await services.loadSettings(vscode.Uri.file(held.predictionsDir)),
      held: true,
    };
  return {
    predictionsDir: path.dirname(file),
    requested: await services.loadSettings(vscode.Uri.file(file)),
    held: false,
  };
}

async function prepare(
  requested: RunSettings,
  held: boolean,
  predictionsDir: string,
  labelsDir: string,
): Promise<{ settings: RunSettings; prepared: PreparedDataset; origin: string }> {
  if (held) return { ...(await settingsForFolders(requested, predictionsDir, labelsDir)), origin: 'its folder’s own' };
  if (requested.dataset.dataset !== 'auto') {
    const detected = await settingsForFolders(
      { ...requested, dataset: { ...requested.dataset, dataset: 'auto' } },
      predictionsDir,
      labelsDir,
    );
    if (detected.prepared.preset !== undefined) return { ...detected, origin: 'detected; seglens.dataset not used' };
  }
  return {
    ...(await settingsForFolders(requested, predictionsDir, labelsDir)),
    origin: requested.dataset.dataset === 'auto' ? 'detected' : 'seglens.dataset',
  };
}

/**
 * *Run Loss on Current Image*: pairs the file with its label by the same folder logic as a whole
 * folder and inspects it. With no label found, it says so with two ways out.
 */
export async function runLossOnFile(services: CommandServices, file: vscode.Uri | undefined): Promise<void> {
  if (file === undefined || file.scheme !== 'file' || !/\.(png|npy)$/i.test(file.fsPath)) {
    void vscode.window.showWarningMessage('SegLens: open a prediction (.png or .npy) in the editor first.');
    return;
  }
  const { predictionsDir, requested, held } = await settingsForFile(services, file.fsPath);
  const labelsDir = await services.labels.resolve(predictionsDir, requested.labelsFolder);
  if (labelsDir === undefined) return;
  const { settings, prepared, origin } = await prepare(requested, held, predictionsDir, labelsDir);
  const { pairs, unpaired } = prepared.pairing;
  const pair = pairs.find((p) => p.predictionFile === file.fsPath);
  const dataset = `dataset ${settings.datasetName ?? 'none'} (${origin})`;
  if (pair === undefined) {
    const reason =
      unpaired.find((u) => u.file === file.fsPath)?.reason ??
      `no label with the same name in ${shortFolder(labelsDir)}`;
    services.log.warn(`no label for ${file.fsPath}: ${reason}`);
    await offerLabelChoices(services, file.fsPath, predictionsDir, labelsDir, settings, reason);
    return;
  }
  services.log.info(`inspect ${pair.predictionFile} against ${pair.labelFile}, ${dataset}`);
  await services.inspector.show({ pair, predictionsDir, labelsDir, settings });
  await services.idRanges.checkImage(predictionsDir, settings, pair);
}

async function offerLabelChoices(
  services: CommandServices,
  file: string,
  predictionsDir: string,
  labelsDir: string,
  settings: RunSettings,
  reason: string,
): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `SegLens: no label found for ${path.basename(file)}: ${reason}`,
    CHOOSE_LABEL,
    SET_PAIRING,
  );
  if (choice === SET_PAIRING) {
    if (await askPairing(services, predictionsDir)) await runLossOnFile(services, vscode.Uri.file(file));
    return;
  }
  if (choice !== CHOOSE_LABEL) return;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(labelsDir),
    filters: { 'Label maps': ['png', 'npy'] },
    openLabel: 'Use as Label',
    title: `SegLens: the label of ${path.basename(file)}`,
  });
  const labelFile = picked?.[0]?.fsPath;
  if (labelFile === undefined) return;
  const stem = path.basename(file, path.extname(file));
  // The label's own suffix still says how it writes ids (`_gtFine_color` → colours).
  const rule = parseName(path.basename(labelFile, path.extname(labelFile)), orderRules(KNOWN_SUFFIXES)).rule;
  const pair: FilePair = {
    name: stem,
    predictionFile: file,
    labelFile,
    ...(rule?.role === 'label' && rule.ids !== undefined ? { labelIds: rule.ids } : {}),
  };
  services.log.info(`inspect ${file} against ${labelFile} (chosen by hand), dataset ${settings.datasetName ?? 'none'}`);
  await services.inspector.show({
    pair,
    predictionsDir: path.dirname(file),
    labelsDir: path.dirname(labelFile),
    settings,
  });
}
