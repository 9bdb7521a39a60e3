import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUILTIN_PRESETS } from '../core';
import { parsePairPattern } from '../core/io/fileRoles';
import type { CommandServices } from './commandServices';
import type { RunSettings } from './configuration';
import { VIEWS } from './ids';
import { rememberEvaluatedFolders } from './lastResults';
import { settingsAfterRun, shortFolder, type PredictionIdsChoice } from './logic/folderSettings';
import { LabelsFolderProblem } from './logic/labelsFolderCheck';

/**
 * The commands that change one evaluated prediction folder's own settings (*Change Labels
 * Folder…*, *Change Dataset…*, *Set Pairing…*) and the run they lead to. Each evaluates the folder
 * again at once, so the view shows what the change did.
 */

const PICK_ANOTHER = 'Pick Another Labels Folder…';
const SET_PAIRING = 'Set Pairing…';

/** The prediction folder a command is about: the explorer's folder, else the one shown, else asked for. */
async function targetFolder(services: CommandServices, arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
  if (typeof arg === 'string' && path.isAbsolute(arg)) return arg;
  const shown = services.store.source?.predictionsDir;
  if (shown !== undefined) return shown;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Choose',
    title: 'SegLens: which prediction folder?',
  });
  return picked?.[0]?.fsPath;
}

/** Evaluates `predictionsDir` with its own settings (asking for a labels folder when it has none). */
export async function evaluateFolder(services: CommandServices, predictionsDir: string): Promise<void> {
  const settings = await services.loadSettings(vscode.Uri.file(predictionsDir));
  const labelsDir = await services.labels.resolve(predictionsDir, settings.labelsFolder);
  if (labelsDir === undefined) return; // the user dismissed the picker
  await startRun(services, predictionsDir, labelsDir, settings);
}

/**
 * Runs the folder and keeps what it ran with as the folder's own settings. A wrong labels folder
 * (photos, nothing pairs) or a run that evaluated no image is said with the ways out as buttons.
 */
export async function startRun(
  services: CommandServices,
  predictionsDir: string,
  labelsDir: string,
  settings: RunSettings,
): Promise<void> {
  await services.folders.update(
    predictionsDir,
    settingsAfterRun(labelsDir, settings, services.folders.get(predictionsDir)),
  );
  await rememberEvaluatedFolders(services.context.workspaceState, { predictionsDir, labelsDir });
  await vscode.commands.executeCommand(`${VIEWS.hardExamples}.focus`);
  try {
    await services.runner.evaluate(predictionsDir, labelsDir, settings);
  } catch (error) {
    if (!(error instanceof LabelsFolderProblem)) throw error;
    await offerWaysOut(services, predictionsDir, error.message);
    return;
  }
  const { store } = services;
  const status = store.status;
  if (status?.state === 'done' && store.source?.predictionsDir === predictionsDir && store.imageCount === 0) {
    const first = store.skipped[0];
    const why = first !== undefined ? ` (${path.basename(first.file)}: ${first.reason})` : '';
    await offerWaysOut(
      services,
      predictionsDir,
      `No image of ${shortFolder(predictionsDir)} could be evaluated against ${shortFolder(labelsDir)}: all ${store.skipped.length} were skipped${why}.`,
    );
  }
}

/** The error with its two ways out: another labels folder, or a pairing pattern. */
async function offerWaysOut(services: CommandServices, predictionsDir: string, message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`SegLens: ${message}`, PICK_ANOTHER, SET_PAIRING);
  if (choice === PICK_ANOTHER) await changeLabelsFolder(services, predictionsDir);
  else if (choice === SET_PAIRING) await setPairing(services, predictionsDir);
}

/** *Change Labels Folder…*: the picker names the prediction folder and the labels folder it replaces. */
export async function changeLabelsFolder(services: CommandServices, arg: unknown): Promise<void> {
  const predictionsDir = await targetFolder(services, arg);
  if (predictionsDir === undefined) return;
  const current = services.folders.get(predictionsDir)?.labelsFolder;
  const why = current !== undefined ? `now ${shortFolder(current)}` : 'none chosen yet';
  const chosen = await services.labels.pick(predictionsDir, why);
  if (chosen !== undefined) await evaluateFolder(services, predictionsDir);
}

interface DatasetItem extends vscode.QuickPickItem {
  /** `auto`, a built-in name, or `file` for "ask for a dataset JSON". */
  readonly dataset: string;
}

/** *Change Dataset…*: a built-in dataset, detection, or a dataset JSON file; then, where it matters, the prediction ids. */
export async function changeDataset(services: CommandServices, arg: unknown): Promise<void> {
  const predictionsDir = await targetFolder(services, arg);
  if (predictionsDir === undefined) return;
  const own = services.folders.get(predictionsDir);
  const current = own?.dataset ?? 'auto';
  const choices: DatasetItem[] = [
    {
      label: 'Detect',
      description: 'auto',
      detail: 'From file names, layout and the labels’ colours',
      dataset: 'auto',
    },
    ...BUILTIN_PRESETS.map((name): DatasetItem => ({ label: name, dataset: name })),
    { label: 'Dataset file (JSON)…', detail: 'Classes, colours, void and ids of your own dataset', dataset: 'file' },
  ];
  const isCurrent = (item: DatasetItem): boolean =>
    item.dataset === current || (item.dataset === 'file' && !['auto', ...BUILTIN_PRESETS].includes(current));
  const items = choices.map((item) =>
    isCurrent(item) ? { ...item, description: [item.description, 'current'].filter(Boolean).join(' · ') } : item,
  );
  const choice = await vscode.window.showQuickPick(items, {
    title: `SegLens: dataset of the predictions in ${shortFolder(predictionsDir)}`,
  });
  if (choice === undefined) return;
  let dataset = choice.dataset;
  if (dataset === 'file') {
    const file = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      filters: { 'Dataset JSON': ['json'] },
      openLabel: 'Use Dataset',
      title: `SegLens: dataset file for the predictions in ${shortFolder(predictionsDir)}`,
    });
    if (file?.[0] === undefined) return;
    dataset = file[0].fsPath;
  }
  const predictionIds = await pickPredictionIds(own?.predictionIds ?? 'auto');
  if (predictionIds === undefined) return;
  await services.folders.update(predictionsDir, { dataset, predictionIds });
  services.log.info(`dataset of ${predictionsDir}: ${dataset}, prediction ids ${predictionIds}`);
  await evaluateFolder(services, predictionsDir);
}

/** How the predictions write ids; only datasets with a label-id → train-id mapping (Cityscapes, some files) care. */
async function pickPredictionIds(current: PredictionIdsChoice): Promise<PredictionIdsChoice | undefined> {
  const items: (vscode.QuickPickItem & { ids: PredictionIdsChoice })[] = [
    { label: 'Detect', description: 'auto', detail: 'Decided once per folder from a sample of its ids', ids: 'auto' },
    { label: 'Train ids', description: 'train', detail: 'e.g. Cityscapes 0–18', ids: 'train' },
    { label: 'Label ids', description: 'label', detail: 'e.g. Cityscapes 0–33, mapped to train ids', ids: 'label' },
  ];
  const choice = await vscode.window.showQuickPick(
    items.map((item) => (item.ids === current ? { ...item, description: `${item.description} · current` } : item)),
    { title: 'SegLens: prediction ids (only datasets with label and train ids, like Cityscapes, use this)' },
  );
  return choice?.ids;
}

/** Asks for the folder's pairing; true when it was set (or cleared). */
export async function askPairing(services: CommandServices, predictionsDir: string): Promise<boolean> {
  const settings = await services.loadSettings(vscode.Uri.file(predictionsDir));
  const value = await vscode.window.showInputBox({
    title: `SegLens: pairing for the predictions in ${shortFolder(predictionsDir)}`,
    prompt: 'PREDICTION:LABEL file names, each with one {stem}. Empty pairs by name (known suffixes).',
    placeHolder: '{stem}_seg.png:{stem}_gtFine_color.png',
    value: settings.dataset.pair ?? '',
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (text.trim() === '') return undefined;
      try {
        parsePairPattern(text.trim());
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message.replace(/^--pair /, '') : String(error);
      }
    },
  });
  if (value === undefined) return false;
  await services.folders.update(predictionsDir, { pair: value.trim() });
  services.log.info(`pairing of ${predictionsDir}: ${value.trim() === '' ? 'by name' : value.trim()}`);
  return true;
}

/** *Set Pairing…*: the CLI's `--pair` for one prediction folder, then evaluates it. */
export async function setPairing(services: CommandServices, arg: unknown): Promise<void> {
  const predictionsDir = await targetFolder(services, arg);
  if (predictionsDir === undefined) return;
  if (await askPairing(services, predictionsDir)) await evaluateFolder(services, predictionsDir);
}
