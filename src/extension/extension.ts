import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { loadRunSettings, type RunSettings } from './configuration';
import { DatasetPanel } from './datasetPanel';
import { EvaluationRunner } from './evaluationRunner';
import { FolderSettingsStore } from './folderSettingsStore';
import { GalleryPanel } from './galleryPanel';
import { HardExamplesProvider } from './hardExamplesView';
import { CONTEXT_KEYS, OUTPUT_CHANNEL, STATE_KEYS, VIEWS, WEBVIEW_PANELS } from './ids';
import { IdRangeWarnings } from './idRangeWarnings';
import { InspectorPanels } from './inspectorPanel';
import { LabelFolderResolver } from './labelFolderResolver';
import { withFolderSettings } from './logic/folderSettings';
import { isSortKey } from './logic/sortKeys';
import { UserActivityGate } from './logic/userActivityGate';
import { restoreLastResults } from './lastResults';
import { ResultsStore } from './resultsStore';
import { ThumbnailService } from './thumbnailService';

/** Wires the engine to VS Code: one store, one view, one inspector, one runner, all disposed with the extension. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
  context.subscriptions.push(log);
  // Results are cached in the extension's storage, never in the user's folders.
  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const packageVersion = (context.extension.packageJSON as { version?: unknown }).version;
  const engineVersion = typeof packageVersion === 'string' ? packageVersion : '0';

  const savedSort = context.workspaceState.get<unknown>(STATE_KEYS.sortKey);
  const store = new ResultsStore(
    isSortKey(savedSort) ? savedSort : 'adaptive',
    undefined,
    path.join(storageDir, 'records'),
  );
  const folders = new FolderSettingsStore(context.workspaceState);
  // A prediction folder's own settings on top of `seglens.*`, which are only the defaults.
  const loadSettings = async (scope: vscode.Uri | undefined): Promise<RunSettings> =>
    withFolderSettings(await loadRunSettings(scope, log), scope !== undefined ? folders.get(scope.fsPath) : undefined);
  const tree = new HardExamplesProvider(store);
  const view = vscode.window.createTreeView(VIEWS.hardExamples, { treeDataProvider: tree, showCollapseAll: false });
  tree.showProgressIn(view);
  const idRanges = new IdRangeWarnings(log);
  // What the user does in SegLens holds back a run's next jobs for a moment: the editor answers first.
  const activity = new UserActivityGate();
  const runner = new EvaluationRunner(store, log, storageDir, engineVersion, idRanges, activity);
  const inspector = new InspectorPanels(
    context.extensionUri,
    store,
    context.workspaceState,
    log,
    loadSettings,
    activity,
  );
  const labels = new LabelFolderResolver(folders, log);
  const dataset = new DatasetPanel(context.extensionUri, store, inspector, log, activity);
  const thumbnails = new ThumbnailService(storageDir, engineVersion, log);
  const gallery = new GalleryPanel(context.extensionUri, store, inspector, thumbnails, log, activity);

  let lastHasResults = false;
  let lastComparing = false;
  context.subscriptions.push(
    activity,
    store,
    folders,
    tree,
    view,
    runner,
    inspector,
    dataset,
    thumbnails,
    gallery,
    vscode.window.registerWebviewPanelSerializer(WEBVIEW_PANELS.inspector, inspector),
    inspector.onDidShowImage((name) => tree.revealImage(view, name)),
    vscode.window.registerWebviewPanelSerializer(WEBVIEW_PANELS.gallery, gallery),
    vscode.window.registerWebviewPanelSerializer(WEBVIEW_PANELS.dataset, dataset),
    store.onDidChange(() => {
      // setContext is a round trip to the workbench: send it only when the answer changes, not per image.
      const hasResults = store.imageCount > 0;
      if (hasResults !== lastHasResults) {
        lastHasResults = hasResults;
        void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasResults, hasResults);
      }
      const comparing = store.comparison !== undefined;
      if (comparing !== lastComparing) {
        lastComparing = comparing;
        void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.comparing, comparing);
      }
    }),
  );
  registerCommands({
    context,
    log,
    store,
    runner,
    inspector,
    dataset,
    gallery,
    labels,
    folders,
    idRanges,
    activity,
    storageDir,
    loadSettings,
  });
  void restoreLastResults({
    workspaceState: context.workspaceState,
    log,
    store,
    runner,
    storageDir,
    engineVersion,
    loadSettings,
  });
  log.info(
    `SegLens activated (storage ${storageDir}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`,
  );
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
