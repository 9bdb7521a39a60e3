import { rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorText, optionsRecord, VOC_CLASS_NAMES } from '../core';
import { formatCount } from '../core/report/format';
import { cellOptions } from './logic/galleryOrder';
import { activeEditorFile } from './activeResource';
import type { CommandServices } from './commandServices';
import type { RunSettings } from './configuration';
import { compareWithFolder, stopComparing } from './compareFolders';
import { COMMANDS, STATE_KEYS, VIEWS, type CommandName } from './ids';
import { inspectorTargetFor } from './inspectorPanel';
import { recordsToCsv } from '../core/report/csv';
import { resultsHeader } from '../core/report/resultsFile';
import { runHash } from '../core/report/shards';
import { exportResultsFile } from './logic/exportResults';
import { MAX_RESULTS_FILE_BYTES, openResultsFile } from './logic/openResults';
import { classNamesFor } from './logic/settings';
import {
  isViewSortKey,
  LIKELY_LABEL_ERRORS,
  SORT_KEYS,
  viewSortKeyInfo,
  type SortKey,
  type ViewSortKey,
} from './logic/sortKeys';
import { isCompareSortKey, WORST_CLASS_DROP, type CompareSortKey } from './logic/comparison';
import { runLossOnFile } from './currentImage';
import { exportLabelIssues, findLikelyLabelErrors } from './labelIssueCommands';
import { changeDataset, changeLabelsFolder, evaluateFolder, setPairing, startRun } from './folderCommands';

type Handler = (services: CommandServices, ...args: unknown[]) => Promise<void>;

/**
 * What each command does, keyed like `COMMANDS`: the type makes the table complete and registration
 * goes through it, so every id in `COMMANDS` (and `package.json`, see test/extension/ids.test.ts) is
 * registered exactly once, and nothing else is.
 */
const HANDLERS: { readonly [Name in CommandName]: Handler } = {
  evaluatePredictions: (services, arg) => evaluatePredictions(services, arg instanceof vscode.Uri ? arg : undefined),
  runLossOnCurrentImage: (services, arg) =>
    runLossOnFile(services, arg instanceof vscode.Uri ? arg : activeEditorFile()),
  rerunEvaluation: (services) => rerunEvaluation(services),
  sortHardExamples: (services) => pickSort(services),
  filterByClass: (services) => pickClassFilter(services),
  exportResults: (services) => exportResults(services),
  openResults: (services, arg) => openResults(services, arg instanceof vscode.Uri ? arg : undefined),
  clearCache: (services) => clearCache(services),
  openInspector: (services, arg) => openInspector(services, arg),
  openDatasetPanel: (services) => openDatasetPanel(services),
  filterByConfusion: (services) => pickConfusionFilter(services),
  compareWithFolder: (services, arg) => compareWithFolder(services, arg instanceof vscode.Uri ? arg : undefined),
  stopComparing: (services) => stopComparing(services),
  changeLabelsFolder: (services, arg) => changeLabelsFolder(services, arg),
  changeDataset: (services, arg) => changeDataset(services, arg),
  setPairing: (services, arg) => setPairing(services, arg),
  openGallery: (services) => openGallery(services),
  findLikelyLabelErrors: (services, arg, all) => findLikelyLabelErrors(services, urisOf(arg, all)),
  exportLabelIssues: (services) => exportLabelIssues(services),
};

/**
 * Whether the user waits to see a command's answer: while such a command runs, and for a moment after,
 * a run in progress hands out no new jobs, so that the editor gets the cores (logic/userActivityGate.ts).
 * Complete like HANDLERS, so each new command is decided; false for commands that start work of their own.
 */
const WAITED_ON: { readonly [Name in CommandName]: boolean } = {
  evaluatePredictions: false,
  runLossOnCurrentImage: false,
  rerunEvaluation: false,
  sortHardExamples: true,
  filterByClass: true,
  exportResults: false,
  openResults: false,
  clearCache: false,
  openInspector: true,
  openDatasetPanel: true,
  filterByConfusion: true,
  compareWithFolder: false,
  stopComparing: true,
  changeLabelsFolder: false,
  changeDataset: false,
  setPairing: false,
  openGallery: true,
  findLikelyLabelErrors: false,
  exportLabelIssues: false,
};

/** Folders given by the explorer's context menu (the clicked one, or all selected), or by a test. */
function urisOf(arg: unknown, all: unknown): vscode.Uri[] {
  if (Array.isArray(all) && all.every((item) => item instanceof vscode.Uri)) return all;
  if (Array.isArray(arg) && arg.every((item) => item instanceof vscode.Uri)) return arg;
  return arg instanceof vscode.Uri ? [arg] : [];
}

/** Every command of the extension, registered in one place; failures become one error message and a log line. */
export function registerCommands(services: CommandServices): void {
  const { context, log } = services;
  for (const name of Object.keys(HANDLERS) as CommandName[]) {
    const id = COMMANDS[name];
    const handler = HANDLERS[name];
    const run = WAITED_ON[name]
      ? (args: unknown[]) => services.activity.during(() => handler(services, ...args))
      : (args: unknown[]) => handler(services, ...args);
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await run(args);
        } catch (error) {
          log.error(`${id}: ${errorText(error)}`);
          void vscode.window.showErrorMessage(`SegLens: ${errorText(error)}`);
        }
      }),
    );
  }
}

function openGallery(services: CommandServices): Promise<void> {
  if (services.store.source === undefined || services.store.imageCount === 0)
    void vscode.window.showInformationMessage('SegLens: evaluate a prediction folder first.');
  else services.gallery.show();
  return Promise.resolve();
}

function openDatasetPanel(services: CommandServices): Promise<void> {
  if (services.store.source === undefined || services.store.imageCount === 0)
    void vscode.window.showInformationMessage('SegLens: evaluate a prediction folder first.');
  else services.dataset.show();
  return Promise.resolve();
}

/** Quick pick of the confusion cells (label a → predicted b, a ≠ b), largest first, to filter the view by. */
async function pickConfusionFilter(services: CommandServices): Promise<void> {
  const summary = services.store.summary();
  const names = services.store.source?.settings.classNames ?? [];
  if (summary === undefined) return;
  const name = (id: number): string => names[id] ?? `class ${id}`;
  // The quick pick filters as the user types, so it offers many more cells than the gallery's menu.
  const cells = cellOptions(summary, 500);
  const items: (vscode.QuickPickItem & { pair: { label: number; predicted: number } | undefined })[] = [
    { label: 'No confusion filter', pair: undefined },
    ...cells.map((cell) => ({
      label: `${name(cell.label)} → ${name(cell.predicted)}`,
      description: `${formatCount(cell.pixels)} px`,
      pair: { label: cell.label, predicted: cell.predicted },
    })),
  ];
  const choice = await vscode.window.showQuickPick(items, {
    title: 'SegLens: show images with pixels labelled A and predicted B, most first',
  });
  if (choice !== undefined) services.store.setConfusionFilter(choice.pair);
}

async function pickFolder(title: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    ...(vscode.workspace.workspaceFolders?.[0] !== undefined
      ? { defaultUri: vscode.workspace.workspaceFolders[0].uri }
      : {}),
    openLabel: 'Evaluate',
    title,
  });
  return picked?.[0];
}

async function evaluatePredictions(services: CommandServices, folder: vscode.Uri | undefined): Promise<void> {
  const predictions = folder ?? (await pickFolder('SegLens: prediction folder to evaluate'));
  if (predictions === undefined) return;
  if (predictions.scheme !== 'file') throw new Error('SegLens evaluates folders on the local disk only');
  await evaluateFolder(services, predictions.fsPath);
}

async function rerunEvaluation(services: CommandServices): Promise<void> {
  const source = services.store.source;
  if (source === undefined) return evaluatePredictions(services, undefined);
  const settings = await services.loadSettings(vscode.Uri.file(source.predictionsDir));
  await startRun(services, source.predictionsDir, source.labelsDir, settings);
}

async function openInspector(services: CommandServices, arg: unknown): Promise<void> {
  const record = typeof arg === 'string' ? services.store.find(arg) : undefined;
  const target = record !== undefined ? inspectorTargetFor(services.store, record) : undefined;
  if (target !== undefined) await services.inspector.show(target);
}

async function pickSort(services: CommandServices): Promise<void> {
  const { store } = services;
  if (store.comparison !== undefined) return pickCompareSort(services);
  // The agreement's count only once it has run: before, every image would lack it.
  const keys: ViewSortKey[] = [
    ...(store.agreement !== undefined ? ([LIKELY_LABEL_ERRORS] as const) : []),
    ...(Object.keys(SORT_KEYS) as SortKey[]),
  ];
  const items = keys.map((key) => ({
    key,
    label: viewSortKeyInfo(key).label,
    detail: viewSortKeyInfo(key).detail,
    picked: key === store.sortKey,
    description: key === store.sortKey ? 'current' : undefined,
  }));
  const choice = await vscode.window.showQuickPick(items, { title: 'SegLens: sort hard examples by' });
  if (choice === undefined || !isViewSortKey(choice.key)) return;
  store.setSort(choice.key);
  await services.context.workspaceState.update(STATE_KEYS.sortKey, choice.key);
}

/** While comparing: B's regression by any metric, or the largest drop of one class IoU. */
async function pickCompareSort(services: CommandServices): Promise<void> {
  const { store } = services;
  const keys: CompareSortKey[] = ['worstClassDrop', ...(Object.keys(SORT_KEYS) as SortKey[])];
  const items = keys.map((key) => ({
    key,
    label: key === 'worstClassDrop' ? WORST_CLASS_DROP.label : `${SORT_KEYS[key].label} regression`,
    detail:
      key === 'worstClassDrop' ? WORST_CLASS_DROP.detail : `B − A of ${SORT_KEYS[key].label}, largest regression first`,
    description: key === store.compareSortKey ? 'current' : undefined,
  }));
  const choice = await vscode.window.showQuickPick(items, { title: 'SegLens: order the comparison by' });
  if (choice !== undefined && isCompareSortKey(choice.key)) store.setCompareSort(choice.key);
}

async function pickClassFilter(services: CommandServices): Promise<void> {
  const names = services.store.source?.settings.classNames ?? [];
  const counts = services.store.columns?.classImageCounts(names.length) ?? names.map(() => 0);
  const items: (vscode.QuickPickItem & { classId: number | undefined })[] = [
    { label: 'All classes', description: `${services.store.imageCount} images`, classId: undefined },
    ...names
      .map((name, id) => ({ label: name, description: `id ${id} · ${counts[id]} images`, classId: id }))
      .filter((item) => counts[item.classId]! > 0),
  ];
  const choice = await vscode.window.showQuickPick(items, {
    title: 'SegLens: show images whose label or prediction contains',
    matchOnDescription: true,
  });
  if (choice !== undefined) services.store.setClassFilter(choice.classId);
}

/** The only place SegLens writes into the user's folders: where the save dialog says. */
async function exportResults(services: CommandServices): Promise<void> {
  const { store } = services;
  const source = store.source;
  if (source === undefined || store.imageCount === 0) {
    void vscode.window.showInformationMessage('SegLens: nothing evaluated yet.');
    return;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(
      path.join(path.dirname(source.predictionsDir), `${path.basename(source.predictionsDir)}-seglens.jsonl`),
    ),
    // JSON lines first: the results file Open Results… and `seglens merge` read; CSV is for spreadsheets.
    filters: { 'SegLens results (JSON lines)': ['jsonl'], 'CSV (spreadsheets)': ['csv'] },
    title: 'SegLens: export results',
  });
  if (target === undefined) return;
  const records = store.ordered();
  const { settings } = source;
  if (target.fsPath.toLowerCase().endsWith('.csv'))
    await writeFile(
      target.fsPath,
      recordsToCsv(records, settings.engine.metric.scales, settings.classNames, optionsRecord(settings.engine)),
    );
  else
    await exportResultsFile(
      target.fsPath,
      resultsHeader({
        shard: '0/1',
        run: runHash(settings.engine, source.predictionsDir, source.labelsDir),
        backend: store.status?.backend ?? 'unknown',
        engine: settings.engine,
        predictionsDir: source.predictionsDir,
        labelsDir: source.labelsDir,
        info: {
          preset: settings.datasetName ?? null,
          predictionIds: settings.engine.ids?.predictionIds ?? 'train',
          detection: settings.datasetDescription ?? '',
          ignored: [],
        },
        classNames: settings.classNames,
        photosFolders: settings.imagesFolder !== undefined ? [settings.imagesFolder] : [],
        photoFolderNames: settings.imageFolderNames ?? [],
      }),
      records,
      store.skipped,
    );
  services.log.info(`exported ${records.length} images to ${target.fsPath}`);
  void vscode.window.showInformationMessage(
    `SegLens: exported ${records.length} images to ${path.basename(target.fsPath)}`,
  );
}

/** Shows a results file (merged.jsonl of a cluster run, one part, or an export) as if it had just run here. */
async function openResults(services: CommandServices, given: vscode.Uri | undefined): Promise<void> {
  const file =
    given ??
    (
      await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        filters: { 'SegLens results': ['jsonl'] },
        openLabel: 'Open',
        title: 'SegLens: open results (merged.jsonl of a cluster run, seglens --out, or an export)',
      })
    )?.[0];
  if (file === undefined) return;
  if (file.scheme !== 'file') throw new Error('SegLens opens results files on the local disk only');
  const { size } = await stat(file.fsPath);
  if (size > MAX_RESULTS_FILE_BYTES)
    throw new Error(`${path.basename(file.fsPath)} is ${Math.round(size / 2 ** 20)} MB, above the 1 GB limit`);
  const opened = await openResultsFile(file.fsPath);
  const loaded = await services.loadSettings(vscode.Uri.file(opened.predictionsDir));
  const numClasses = opened.metric.numClasses;
  const { display } = opened;
  // The file's options are the ones its numbers were computed with; its names, colours, id mapping and
  // photo folders are the ones they were shown with. Settings fill in only what an older file lacks.
  const settings: RunSettings = {
    ...loaded,
    // A version 3 file says which colour table and id mapping it used (or none): the settings' are not mixed in.
    engine:
      display !== undefined
        ? { ...withoutDataset(loaded.engine), ...opened.engine }
        : { ...loaded.engine, ...opened.engine },
    classNames:
      display?.classNames.length === numClasses
        ? display.classNames
        : loaded.classNames.length === numClasses
          ? loaded.classNames
          : classNamesFor(numClasses, undefined, undefined, VOC_CLASS_NAMES),
    ...(opened.header.info?.preset ? { datasetName: opened.header.info.preset } : {}),
    ...(opened.header.info?.detection ? { datasetDescription: opened.header.info.detection } : {}),
    ...(display?.photosFolders[0] !== undefined ? { imagesFolder: display.photosFolders[0] } : {}),
    ...(display !== undefined && display.photoFolderNames.length > 0
      ? { imageFolderNames: display.photoFolderNames }
      : {}),
  };
  const note = `from ${path.basename(file.fsPath)}`;
  services.store.showOpened(
    { predictionsDir: opened.predictionsDir, labelsDir: opened.labelsDir, settings },
    opened.records,
    opened.skipped,
    opened.backend,
    note,
  );
  services.log.info(`${note}: ${opened.records.length} images, ${opened.skipped.length} skipped (${file.fsPath})`);
  await vscode.commands.executeCommand(`${VIEWS.hardExamples}.focus`);
}

function withoutDataset(engine: RunSettings['engine']): RunSettings['engine'] {
  const { colorTable: _colorTable, ids: _ids, ...rest } = engine;
  return rest;
}

async function clearCache(services: CommandServices): Promise<void> {
  await rm(path.join(services.storageDir, 'results'), { recursive: true, force: true });
  services.log.info('cleared cached results');
  void vscode.window.showInformationMessage('SegLens: cached results cleared.');
}
