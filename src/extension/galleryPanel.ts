import * as path from 'node:path';
import type * as vscode from 'vscode';
import { errorText } from '../core';
import {
  checkGalleryMessage,
  type GalleryQuery,
  type HostToGalleryMessage,
  type ThumbnailItem,
} from '../shared/protocol/gallery';
import { WEBVIEW_PANELS } from './ids';
import { inspectorTargetFor, type InspectorPanels } from './inspectorPanel';
import { createPagePanel, noFilesOptions, loadPage } from './webviewPage';
import { Disposable, DisposableStore, toDisposable } from './logic/dispose';
import { galleryItemsMessage, galleryOrder, normalizeQuery, type GalleryContext } from './logic/galleryOrder';
import type { ResultsStore } from './resultsStore';
import type { ThumbnailService } from './thumbnailService';
import type { UserActivity } from './logic/userActivityGate';

/** Thumbnails ready within this window go to the webview in one message. */
const THUMBNAIL_BATCH_MS = 40;
/** While results stream in, the open gallery's list is rebuilt at most this often. */
const REFRESH_MS = 1000;

/**
 * The gallery panel: every evaluated image as a thumbnail in a virtualised grid, sorted and
 * filtered on the host (logic/galleryOrder.ts), with thumbnails made on request for the rows on
 * screen. The webview names images only; each name is looked up among the current results.
 */
export class GalleryPanel extends Disposable implements vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;
  private readonly panelScope = this.register(new DisposableStore());
  private ready = false;
  private query: GalleryQuery | undefined;
  private order: readonly string[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private batch: ThumbnailItem[] = [];
  /** Images whose thumbnail is being made or read: asked again while on screen, made once. */
  private readonly inFlight = new Set<string>();
  private batchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly inspector: InspectorPanels,
    private readonly thumbnails: ThumbnailService,
    private readonly log: vscode.LogOutputChannel,
    private readonly activity: UserActivity,
  ) {
    super();
    this.register(
      store.onDidChange(() => {
        if (this.panel === undefined || !this.ready || this.refreshTimer !== undefined) return;
        this.refreshTimer = setTimeout(() => {
          this.refreshTimer = undefined;
          void this.sendItems();
        }, REFRESH_MS);
      }),
    );
    this.register(
      toDisposable(() => {
        this.panel?.dispose();
        this.forget();
      }),
    );
  }

  /** The gallery's current list (filtered and sorted as the user set it), for stepping through in the inspector. */
  currentOrder(): readonly string[] {
    return this.order;
  }

  show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.adopt(createPagePanel(WEBVIEW_PANELS.gallery, 'SegLens: Gallery'));
  }

  /** After a reload: the webview sends its saved query with `galleryReady`. */
  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    if (this.panel !== undefined) panel.dispose();
    else this.adopt(panel);
    return Promise.resolve();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    // Thumbnails arrive as data: URIs, so the page needs no folder of the user's.
    panel.webview.options = noFilesOptions();
    this.panelScope.add(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this.panelScope.add(panel.onDidDispose(() => this.forget()));
    loadPage(panel, this.extensionUri, 'gallery');
  }

  private context(): GalleryContext | undefined {
    const numClasses = this.store.source?.settings.engine.metric.numClasses;
    if (numClasses === undefined) return undefined;
    const comparison = this.store.comparison;
    return { numClasses, ...(comparison !== undefined ? { comparison: comparison.records } : {}) };
  }

  private defaultQuery(): GalleryQuery {
    return { sortKey: this.store.sortKey, classId: null, cell: null, delta: 'any' };
  }

  private async post(message: HostToGalleryMessage): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  private async sendItems(): Promise<void> {
    const source = this.store.source;
    const context = this.context();
    if (source === undefined || context === undefined) return;
    const columns = this.store.columns;
    if (columns === undefined) return;
    const query = normalizeQuery(this.query ?? this.defaultQuery(), context);
    this.query = query;
    const entries = galleryOrder(columns, query, context);
    this.order = entries.map((entry) => entry.name);
    await this.post(
      galleryItemsMessage({
        title: path.basename(source.predictionsDir),
        columns,
        entries,
        query,
        context,
        classNames: source.settings.classNames,
        summary: this.store.summary(),
      }),
    );
  }

  private onMessage(raw: unknown): void {
    const checked = checkGalleryMessage(raw, this.context()?.numClasses ?? 1);
    // The user acts in the panel: a run in progress lets the editor have the cores for a moment.
    if (checked.ok) this.activity.touch();
    if (!checked.ok) {
      this.log.warn(`gallery: refused a webview message (${checked.error})`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case 'galleryReady':
        this.ready = true;
        this.query = message.query ?? this.query;
        void this.sendItems();
        return;
      case 'setQuery':
        this.query = message.query;
        void this.sendItems();
        return;
      case 'requestThumbnails':
        this.requestThumbnails(message.names);
        return;
      case 'openImage':
        void this.openImage(message.name).catch((error: unknown) => this.log.error(`gallery: ${errorText(error)}`));
        return;
    }
  }

  private requestThumbnails(names: readonly string[]): void {
    const source = this.store.source;
    if (source === undefined) return;
    const records = names.flatMap((name) => this.store.findByName(name) ?? []);
    this.thumbnails.keepOnly(records);
    for (const record of records) {
      if (this.inFlight.has(record.name)) continue;
      this.inFlight.add(record.name);
      this.thumbnails
        .thumbnail(record, source)
        .then(
          (jpeg) =>
            this.queueThumbnail({
              name: record.name,
              dataUri: `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`,
            }),
          (error: unknown) => {
            if (error instanceof Error && error.name === 'ThumbnailCancelled') return;
            this.log.warn(`gallery: no thumbnail for ${record.name}: ${errorText(error)}`);
            this.queueThumbnail({ name: record.name, error: errorText(error).slice(0, 500) });
          },
        )
        .finally(() => this.inFlight.delete(record.name));
    }
  }

  private queueThumbnail(item: ThumbnailItem): void {
    this.batch.push(item);
    this.batchTimer ??= setTimeout(() => {
      this.batchTimer = undefined;
      const items = this.batch.splice(0);
      void this.post({ type: 'thumbnails', items });
    }, THUMBNAIL_BATCH_MS);
  }

  /** Only an image of the current results opens: the name is looked up, never used as a path. */
  private async openImage(name: string): Promise<void> {
    const record = this.store.findByName(name);
    const target = record !== undefined ? inspectorTargetFor(this.store, record) : undefined;
    if (target === undefined) {
      this.log.warn(`gallery: ${name} is not among the evaluated images`);
      return;
    }
    await this.inspector.show(target);
  }

  private forget(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.refreshTimer = undefined;
    this.batchTimer = undefined;
    this.batch = [];
    this.panelScope.clear();
    this.panel = undefined;
    this.ready = false;
    this.order = [];
  }
}
