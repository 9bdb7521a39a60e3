/**
 * Every id the extension shares with VS Code: commands, views, the webview panel type, context keys
 * (when-clauses) and workspace-state keys. `package.json`'s `contributes` names the same strings;
 * test/extension/ids.test.ts checks that the two agree both ways. No VS Code import, so tests read it.
 */

/** Command ids by handler name; commands.ts registers exactly these, through a table keyed like this one. */
export const COMMANDS = {
  evaluatePredictions: 'seglens.evaluatePredictions',
  runLossOnCurrentImage: 'seglens.runLossOnCurrentImage',
  rerunEvaluation: 'seglens.rerunEvaluation',
  sortHardExamples: 'seglens.sortHardExamples',
  filterByClass: 'seglens.filterByClass',
  exportResults: 'seglens.exportResults',
  openResults: 'seglens.openResults',
  clearCache: 'seglens.clearCache',
  openInspector: 'seglens.openInspector',
  openDatasetPanel: 'seglens.openDatasetPanel',
  filterByConfusion: 'seglens.filterByConfusion',
  compareWithFolder: 'seglens.compareWithFolder',
  stopComparing: 'seglens.stopComparing',
  changeLabelsFolder: 'seglens.changeLabelsFolder',
  changeDataset: 'seglens.changeDataset',
  setPairing: 'seglens.setPairing',
  openGallery: 'seglens.openGallery',
  findLikelyLabelErrors: 'seglens.findLikelyLabelErrors',
  exportLabelIssues: 'seglens.exportLabelIssues',
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandName];

/** The activity-bar container and the views in it. */
export const VIEW_CONTAINER = 'seglens';
export const VIEWS = {
  hardExamples: 'seglens.hardExamples',
} as const;

/** Webview panel types (`onWebviewPanel:` activation events and the panel serializer). */
export const WEBVIEW_PANELS = {
  inspector: 'seglens.inspector',
  dataset: 'seglens.datasetPanel',
  gallery: 'seglens.gallery',
} as const;

/** Keys set with `setContext` and read in `when` clauses. */
export const CONTEXT_KEYS = {
  hasResults: 'seglens.hasResults',
  comparing: 'seglens.comparing',
} as const;

/** workspaceState keys. Renaming one forgets what users have stored under the old name. */
export const STATE_KEYS = {
  /** The hard-examples sort key. */
  sortKey: 'seglens.sortKey',
  /** The image the inspector showed last, to restore the panel after a reload. */
  inspectorTarget: 'seglens.inspector.lastTarget',
  /** Label folders the user picked, by prediction folder (before folderSettings; read once to migrate). */
  labelsFolderByPredictions: 'seglens.labelsFolderByPredictions',
  /** Each evaluated prediction folder's own settings (logic/folderSettings.ts), by prediction folder. */
  folderSettings: 'seglens.folderSettings',
  /** The folder pair evaluated last, to show its cached results after a reload. */
  lastEvaluated: 'seglens.lastEvaluated',
} as const;

/** The output channel every run logs to. */
export const OUTPUT_CHANNEL = 'SegLens';
