import type * as vscode from 'vscode';
import type { RunSettings } from './configuration';
import type { DatasetPanel } from './datasetPanel';
import type { EvaluationRunner } from './evaluationRunner';
import type { GalleryPanel } from './galleryPanel';
import type { InspectorPanels } from './inspectorPanel';
import type { LabelFolderResolver } from './labelFolderResolver';
import type { ResultsStore } from './resultsStore';

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
  readonly storageDir: string;
  readonly loadSettings: (scope: vscode.Uri | undefined) => Promise<RunSettings>;
}
