import type * as vscode from 'vscode';
import type { RunSettings } from './configuration';
import type { DatasetPanel } from './datasetPanel';
import type { EvaluationRunner } from './evaluationRunner';
import type { FolderSettingsStore } from './folderSettingsStore';
import type { IdRangeWarnings } from './idRangeWarnings';
import type { GalleryPanel } from './galleryPanel';
import type { InspectorPanels } from './inspectorPanel';
import type { LabelFolderResolver } from './labelFolderResolver';
import type { ResultsStore } from './resultsStore';
import type { UserActivityGate } from './logic/userActivityGate';

/** What every command handler may use: the long-lived parts the extension assembles at activation. */
export interface CommandServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly store: ResultsStore;
  readonly runner: EvaluationRunner;
  readonly inspector: InspectorPanels;
  readonly dataset: DatasetPanel;
  readonly gallery: GalleryPanel;
  readonly labels: LabelFolderResolver;
  readonly folders: FolderSettingsStore;
  readonly idRanges: IdRangeWarnings;
  /** Held while the user waits on a command, so that a run in progress yields the cores. */
  readonly activity: UserActivityGate;
  readonly storageDir: string;
  /** `seglens.*` for `scope`, with the folder's own settings on top when `scope` is an evaluated prediction folder. */
  readonly loadSettings: (scope: vscode.Uri | undefined) => Promise<RunSettings>;
}
