import * as path from 'node:path';
import * as vscode from 'vscode';
import { createNonce, inspectorHtml } from '../shared/inspectorHtml';
import { checkDatasetMessage, type ConfusionPair, type HostToDatasetMessage } from '../shared/protocol';
import { resourceOriginForCsp, type InspectorPanels } from './inspectorPanel';
import { datasetMessage, imagesForCell } from './logic/confusionImages';
import { classColorsFor } from './logic/inspectorMessage';
import type { ResultsStore } from './resultsStore';

export const DATASET_VIEW_TYPE = 'seglens.dataset';

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The dataset panel: the pooled confusion matrix and per-class table of the current results, and
 * the drill-down from a cell to its images and on to the inspector with the confusion layer. It
 * reads only the store (no file access): the webview names cells and image names, never paths.
 */
export class DatasetPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private disposables: vscode.Disposable[] = [];
  private ready = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly storeListener: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly inspector: InspectorPanels,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Results stream in image by image: refresh the open panel at most twice a second.
    this.storeListener = store.onDidChange(() => {
      if (this.panel === undefined || !this.ready || this.refreshTimer !== undefined) return;
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        void this.sendDataset();
      }, 500);
    });
  }

  show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, false);
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(DATASET_VIEW_TYPE, 'SegLens: Dataset', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [dist],
    });
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'seglens.svg');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidDispose(() => this.forget()),
    );
    panel.webview.html = inspectorHtml({
      cspSource: resourceOriginForCsp(panel.webview.cspSource),
      nonce: createNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dataset.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dataset.css')).toString(),
      title: 'SegLens Dataset',
      rootId: 'dataset',
    });
  }

  private get numClasses(): number | undefined {
    return this.store.source?.settings.engine.metric.numClasses;
  }

  private async post(message: HostToDatasetMessage): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  private async sendDataset(): Promise<void> {
    const source = this.store.source;
    const summary = this.store.summary();
    if (source === undefined || summary === undefined) return;
    const { settings } = source;
    await this.post(
      datasetMessage(
        path.basename(source.predictionsDir),
        summary,
        settings.classNames,
        classColorsFor(settings.engine.metric.numClasses, settings.engine.colorTable),
      ),
    );
  }

  private onMessage(raw: unknown): void {
    const numClasses = this.numClasses;
    if (numClasses === undefined) return;
    const checked = checkDatasetMessage(raw, numClasses);
    if (!checked.ok) {
      this.log.warn(`dataset panel: refused a webview message (${checked.error})`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case 'datasetReady':
        this.ready = true;
        void this.sendDataset();
        return;
      case 'selectCell':
        void this.post({
          type: 'cellImages',
          pair: message.pair,
          ...imagesForCell(this.store.all(), numClasses, message.pair),
        });
        return;
      case 'openCellImage':
        void this.openImage(message.imageName, message.pair).catch((error: unknown) =>
          this.log.error(`dataset panel: ${errorText(error)}`),
        );
        return;
    }
  }

  /** Only an image of the current results can be opened: the name is looked up, never used as a path. */
  private async openImage(name: string, pair: ConfusionPair): Promise<void> {
    const source = this.store.source;
    const record = this.store.all().find((r) => r.name === name);
    if (source === undefined || record === undefined) {
      this.log.warn(`dataset panel: ${name} is not among the evaluated images`);
      return;
    }
    await this.inspector.show({
      pair: { name: record.name, predictionFile: record.predictionFile, labelFile: record.labelFile },
      predictionsDir: source.predictionsDir,
      labelsDir: source.labelsDir,
      settings: source.settings,
      confusion: pair,
    });
  }

  private forget(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    for (const disposable of this.disposables) disposable.dispose();
    this.disposables = [];
    this.panel = undefined;
    this.ready = false;
  }

  dispose(): void {
    this.panel?.dispose();
    this.forget();
    this.storeListener.dispose();
  }
}
