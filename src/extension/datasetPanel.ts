import * as path from 'node:path';
import type * as vscode from 'vscode';
import { errorText } from '../core';
import {
  checkDatasetMessage,
  embeddedDatasetJson,
  type ConfusionPair,
  type DatasetMessage,
  type HostToDatasetMessage,
} from '../shared/protocol/dataset';
import { WEBVIEW_PANELS } from './ids';
import { inspectorTargetFor, type InspectorPanels } from './inspectorPanel';
import { createPagePanel, noFilesOptions, loadPage } from './webviewPage';
import { Disposable, DisposableStore, toDisposable } from './logic/dispose';
import { datasetMessage, imagesForCell } from './logic/confusionImages';
import { classColorsFor } from './logic/inspectorMessage';
import type { ResultsStore } from './resultsStore';
import type { UserActivity } from './logic/userActivityGate';

/**
 * The dataset panel: the pooled confusion matrix and per-class table of the current results, and
 * the drill-down from a cell to its images and on to the inspector with the confusion layer. It
 * reads only the store (no file access): the webview names cells and image names, never paths.
 */
export class DatasetPanel extends Disposable implements vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;
  /** Listeners of the open panel, dropped when it closes. */
  private readonly panelScope = this.register(new DisposableStore());
  private ready = false;
  /** The dataset written into the page's HTML is still the store's: the page's ready asks for nothing new. */
  private embeddedIsCurrent = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly inspector: InspectorPanels,
    private readonly log: vscode.LogOutputChannel,
    private readonly activity: UserActivity,
  ) {
    super();
    // Results stream in image by image: refresh the open panel at most twice a second.
    this.register(
      store.onDidChange(() => {
        this.embeddedIsCurrent = false;
        if (this.panel === undefined || !this.ready || this.refreshTimer !== undefined) return;
        this.refreshTimer = setTimeout(() => {
          this.refreshTimer = undefined;
          void this.sendDataset();
        }, 500);
      }),
    );
    this.register(
      toDisposable(() => {
        this.panel?.dispose();
        this.forget();
      }),
    );
  }

  show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.adopt(createPagePanel(WEBVIEW_PANELS.dataset, 'SegLens: Dataset'));
  }

  /**
   * After a reload VS Code hands the panel back: it asks for the data again when its script is ready
   * (the store has restored the results by then, or sends them when they arrive), and keeps its own
   * selection and zoom in its validated webview state.
   */
  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    if (this.panel !== undefined) panel.dispose();
    else this.adopt(panel);
    return Promise.resolve();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = noFilesOptions();
    this.panelScope.add(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this.panelScope.add(panel.onDidDispose(() => this.forget()));
    // The dataset goes in with the page: the matrix is drawn as soon as the script runs, without
    // waiting for the page's ready to reach the extension host and the data to come back (a busy host
    // during a run delays both).
    const dataset = this.datasetMessage();
    this.embeddedIsCurrent = dataset !== undefined;
    loadPage(panel, this.extensionUri, 'dataset', dataset !== undefined ? embeddedDatasetJson(dataset) : undefined);
  }

  private get numClasses(): number | undefined {
    return this.store.source?.settings.engine.metric.numClasses;
  }

  private async post(message: HostToDatasetMessage): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  /** The current results' dataset figures for the page; undefined without results. */
  private datasetMessage(): DatasetMessage | undefined {
    const source = this.store.source;
    const summary = this.store.summary();
    if (source === undefined || summary === undefined) return undefined;
    const { settings } = source;
    return datasetMessage(
      path.basename(source.predictionsDir),
      summary,
      settings.classNames,
      classColorsFor(settings.engine.metric.numClasses, settings.engine.colorTable),
    );
  }

  private async sendDataset(): Promise<void> {
    const message = this.datasetMessage();
    if (message !== undefined) await this.post(message);
  }

  private onMessage(raw: unknown): void {
    // Without results no cell is valid (0 classes), but the panel may still say it is ready.
    const numClasses = this.numClasses ?? 0;
    const checked = checkDatasetMessage(raw, numClasses);
    // The user acts in the panel: a run in progress lets the editor have the cores for a moment.
    if (checked.ok) this.activity.touch();
    if (!checked.ok) {
      this.log.warn(`dataset panel: refused a webview message (${checked.error})`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case 'datasetReady':
        this.ready = true;
        if (!this.embeddedIsCurrent) void this.sendDataset();
        this.embeddedIsCurrent = false;
        return;
      case 'selectCell':
        void this.post({
          type: 'cellImages',
          pair: message.pair,
          ...imagesForCell(this.store.columns?.cellImages(message.pair) ?? []),
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
    const record = this.store.findByName(name);
    const target =
      record !== undefined ? inspectorTargetFor(this.store, record, 'a', { kind: 'confusionCell', pair }) : undefined;
    if (target === undefined) {
      this.log.warn(`dataset panel: ${name} is not among the evaluated images`);
      return;
    }
    await this.inspector.show(target);
  }

  private forget(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.panelScope.clear();
    this.panel = undefined;
    this.ready = false;
    this.embeddedIsCurrent = false;
  }
}
