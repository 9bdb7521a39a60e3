import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  effectiveLabelIssueThreshold,
  errorText,
  evaluateImage,
  lossVariantName,
  optionsRecord,
  optionsText,
  type FilePair,
  type ImageRecord,
} from '../core';
import { createPagePanel, loadPage } from './webviewPage';
import {
  checkWebviewMessage,
  imageNameFromPersistedState,
  type HostToWebviewMessage,
  type NavigateDirection,
  type ConfusionPair,
  type AgreementLayer,
  type ImageComparison,
  type Model,
  type SourceKind,
} from '../shared/protocol/inspector';
import type { RunSettings } from './configuration';
import { STATE_KEYS, WEBVIEW_PANELS } from './ids';
import { Disposable, DisposableStore, toDisposable } from './logic/dispose';
import { findRgbImage } from './logic/folderDiscovery';
import { comparisonMessage, imageMessage } from './logic/inspectorMessage';
import { agreementLayer } from './logic/agreement';
import { agreeImageWithMaps } from '../core/evaluate/agreeImage';
import { describeOpenedFrom, navigationNames, positionIn, stepIn, type OpenedFrom } from './logic/navigationList';
import type { ResultsStore } from './resultsStore';
import type { UserActivity } from './logic/userActivityGate';

/** One image to show and everything needed to compute it again. */
export interface InspectorTarget {
  readonly pair: FilePair;
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly settings: RunSettings;
  /** Opened from this confusion-matrix cell: the confusion layer lights its pixels. */
  readonly confusion?: ConfusionPair;
  /** The list Next/Previous step through; none for a single image (Run Loss on Current Image). */
  readonly from?: OpenedFrom;
  /** Comparing two prediction folders: `pair` is the shown model's, `other` the other's of the same image. */
  readonly comparison?: { readonly shown: Model; readonly other: FilePair; readonly otherPredictionsDir: string };
}

/**
 * The inspector target for one of the current results (A); while comparing, it carries B's prediction
 * of the same image, and `shown` picks which model is drawn (B only when B has the image).
 */
export function inspectorTargetFor(
  store: ResultsStore,
  record: ImageRecord,
  shown: Model = 'a',
  from: OpenedFrom = { kind: 'hardExamples' },
): InspectorTarget | undefined {
  const source = store.source;
  if (source === undefined) return undefined;
  const aPair: FilePair = { name: record.name, predictionFile: record.predictionFile, labelFile: record.labelFile };
  const confusion = from.kind === 'confusionCell' ? from.pair : undefined;
  const base = { labelsDir: source.labelsDir, settings: source.settings, from, ...(confusion ? { confusion } : {}) };
  const comparison = store.comparison;
  const b = comparison?.records.get(record.name);
  if (comparison === undefined || b === undefined)
    return { ...base, pair: aPair, predictionsDir: source.predictionsDir };
  const bPair: FilePair = { name: b.name, predictionFile: b.predictionFile, labelFile: b.labelFile };
  return shown === 'a'
    ? {
        ...base,
        pair: aPair,
        predictionsDir: source.predictionsDir,
        comparison: { shown: 'a', other: bPair, otherPredictionsDir: comparison.predictionsDir },
      }
    : {
        ...base,
        pair: bPair,
        predictionsDir: comparison.predictionsDir,
        comparison: { shown: 'b', other: aPair, otherPredictionsDir: source.predictionsDir },
      };
}

/** What survives a window reload (in workspaceState): files only, settings are read afresh. */
export interface StoredTarget {
  readonly pair: FilePair;
  readonly predictionsDir: string;
  readonly labelsDir: string;
}

function isStoredTarget(value: unknown): value is StoredTarget {
  const v = value as { pair?: Partial<FilePair>; predictionsDir?: unknown; labelsDir?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.predictionsDir === 'string' &&
    typeof v.labelsDir === 'string' &&
    typeof v.pair === 'object' &&
    v.pair !== null &&
    typeof v.pair.name === 'string' &&
    typeof v.pair.predictionFile === 'string' &&
    typeof v.pair.labelFile === 'string'
  );
}

/** An image's photo, if found, and the folders its page may load files from. */
interface Located {
  readonly rgbImage: string | undefined;
  readonly folders: readonly string[];
}

/**
 * The single Inspector panel: computes the per-pixel maps of one image on demand, sends them as
 * binary, and walks the hard-example order on next/previous. Everything the webview sends is
 * checked with the shared protocol validator; it never names a file, only an image we sent.
 */
export class InspectorPanels extends Disposable implements vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;
  /** Listeners of the open panel, dropped when it closes. */
  private readonly panelScope = this.register(new DisposableStore());
  private target: InspectorTarget | undefined;
  private rgbImage: string | undefined;
  private webviewReady = false;
  private resourceRootsKey: string | undefined;
  /** An error to show once the webview listens (messages posted earlier are lost). */
  private pendingError: string | undefined;
  /** Bumped per request so a slow earlier image never overwrites a later one. */
  private generation = 0;
  /**
   * Each time VS Code writes the page into the webview (a new panel, or its roots changed): messages
   * posted before a page's first write has loaded wait for it, later rewrites drop them.
   */
  private pageWrites = 0;
  /** The page write an image was sent to before that page said it was ready (it needs no other). */
  private sentBeforeReady: number | undefined;
  private readonly shownImage = this.register(new vscode.EventEmitter<string>());
  /** Fires with the image's name each time the panel shows an image of the results (the view's selection follows). */
  readonly onDidShowImage = this.shownImage.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private readonly loadSettings: (scope: vscode.Uri) => Promise<RunSettings>,
    private readonly activity: UserActivity,
  ) {
    super();
    this.register(
      toDisposable(() => {
        this.panel?.dispose();
        this.forgetPanel();
      }),
    );
  }

  /** Opens (or reuses) the panel on `target`. */
  async show(target: InspectorTarget): Promise<void> {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, false);
      await this.display(target);
      return;
    }
    // A new page is written once, with its image's folders as its roots already: options changed
    // after the page was set make VS Code write the page into the webview again.
    const located = await this.locate(target);
    const madeMeanwhile = this.openPanel(); // by another show while the photo was searched for
    if (madeMeanwhile !== undefined) madeMeanwhile.reveal(undefined, false);
    else
      this.adopt(
        createPagePanel(WEBVIEW_PANELS.inspector, `SegLens: ${target.pair.name}`, this.optionsFor(located.folders)),
        located.folders,
      );
    await this.display(target, located);
  }

  /**
   * Restores a panel VS Code kept across a reload. The image comes from workspaceState, which the
   * host updates each time it shows an image; the webview's own state can lag behind it, so a
   * different name there is only logged.
   */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (this.panel !== undefined) {
      panel.dispose(); // only one inspector at a time
      return;
    }
    // The page is written once its roots are known: the settings and the photo are looked up first.
    let closed = false;
    const closing = panel.onDidDispose(() => (closed = true));
    /** Adopts the panel with `folders` as its roots; false when it was closed, or an image was opened meanwhile. */
    const take = (folders: readonly string[]): boolean => {
      closing.dispose();
      if (closed) return false;
      if (this.openPanel() !== undefined) {
        panel.dispose(); // only one inspector at a time
        return false;
      }
      panel.webview.options = this.optionsFor(folders);
      this.adopt(panel, folders);
      return true;
    };
    const stored = this.workspaceState.get<unknown>(STATE_KEYS.inspectorTarget);
    const shownName = imageNameFromPersistedState(state);
    if (!isStoredTarget(stored)) {
      if (!take([])) return;
      this.log.warn(`inspector: cannot restore ${shownName ?? 'the panel'}: no image recorded`);
      this.pendingError = 'The image shown before the reload is no longer known. Open one from the Hard examples view.';
      return;
    }
    this.log.info(
      `inspector: restoring ${stored.pair.name}${shownName !== undefined && shownName !== stored.pair.name ? ` (webview state said ${shownName})` : ''}`,
    );
    let target: InspectorTarget;
    let located: Located;
    try {
      target = { ...stored, settings: await this.loadSettings(vscode.Uri.file(stored.predictionsDir)) };
      located = await this.locate(target);
    } catch (error) {
      if (!take([])) return;
      this.log.error(`inspector: restore failed: ${errorText(error)}`);
      this.pendingError = `Could not restore the inspector: ${errorText(error)}`;
      return;
    }
    if (take(located.folders)) await this.display(target, located);
  }

  /** The panel, read anew after an await (another call may have made or closed it meanwhile). */
  private openPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** Takes `panel`, whose options already allow `folders` (optionsFor), and writes its page. */
  private adopt(panel: vscode.WebviewPanel, folders: readonly string[]): void {
    this.panel = panel;
    this.webviewReady = false;
    this.pageWrites++;
    this.resourceRootsKey = folders.join('\0');
    this.panelScope.add(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this.panelScope.add(panel.onDidDispose(() => this.forgetPanel()));
    loadPage(panel, this.extensionUri, 'inspector');
  }

  /** Scripts on, and localResourceRoots: the folders of the image shown (the page itself is written into its HTML). */
  private optionsFor(folders: readonly string[]): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: folders.map((folder) => vscode.Uri.file(folder)) };
  }

  private configureWebview(folders: readonly string[]): void {
    if (this.panel === undefined) return;
    // Reassigning options makes VS Code write the page into the webview again: only when the roots change.
    const key = folders.join('\0');
    if (key === this.resourceRootsKey) return;
    this.resourceRootsKey = key;
    this.panel.webview.options = this.optionsFor(folders);
    this.pageWrites++;
  }

  /** The image's photo, if one is found, and the folders the page may load from: the prediction's, the label's and the photo's. */
  private async locate(target: InspectorTarget): Promise<Located> {
    const rgbImage = await findRgbImage(target.pair, {
      ...(target.settings.imageFolderNames !== undefined ? { folderNames: target.settings.imageFolderNames } : {}),
      ...(target.settings.imagesFolder !== undefined ? { imagesFolder: target.settings.imagesFolder } : {}),
      predictionsDir: target.predictionsDir,
      labelsDir: target.labelsDir,
    });
    const folders = [
      target.predictionsDir,
      target.labelsDir,
      ...(rgbImage !== undefined ? [path.dirname(rgbImage)] : []),
    ];
    return { rgbImage, folders };
  }

  private async display(target: InspectorTarget, known?: Located): Promise<void> {
    this.target = target;
    this.pendingError = undefined;
    const stored: StoredTarget = {
      pair: target.pair,
      predictionsDir: target.predictionsDir,
      labelsDir: target.labelsDir,
    };
    // Remembered for a reload while the image is made: a round trip to the workbench the user need not wait for.
    const remembered = this.workspaceState.update(STATE_KEYS.inspectorTarget, stored);
    if (target.from !== undefined) this.shownImage.fire(target.pair.name);
    if (this.panel !== undefined) this.panel.title = `SegLens: ${target.pair.name}`;
    const { rgbImage, folders } = known ?? (await this.locate(target));
    this.rgbImage = rgbImage;
    this.configureWebview(folders);
    // A new panel's page takes a few hundred ms to load: the image is computed and posted meanwhile,
    // not after the page says it is ready. VS Code holds the messages until the page's first write
    // has loaded, after its script has begun to listen. That post settles only once the page is
    // there, so it is not awaited: a panel VS Code brings back after a reload is shown only when its
    // deserializer returns.
    if (this.webviewReady) await this.sendCurrent();
    else void this.sendCurrent();
    await remembered;
  }

  /** Computes the maps of the current target and posts them, whether or not the page is ready yet. */
  private async sendCurrent(): Promise<void> {
    const target = this.target;
    const panel = this.panel;
    if (target === undefined || panel === undefined) return;
    const generation = ++this.generation;
    this.sentBeforeReady = this.webviewReady ? undefined : this.pageWrites;
    const started = Date.now();
    try {
      // "Computing…" is posted and the image computed at once; its acknowledgement (a round trip
      // through the workbench, 50-60 ms here) is not awaited: messages arrive in the order they are
      // posted, so the image can never be overwritten by it.
      void this.post({ type: 'loading', name: target.pair.name }).then(undefined, () => undefined);
      const { record, maps } = await evaluateImage(target.pair, target.settings.engine);
      const comparison = await this.comparisonFor(target, record);
      if (generation !== this.generation || this.panel !== panel) return; // superseded or closed meanwhile
      const position = this.positionOf(target);
      const imageUri =
        this.rgbImage !== undefined ? panel.webview.asWebviewUri(vscode.Uri.file(this.rgbImage)).toString() : null;
      await this.post(
        imageMessage({
          record,
          maps,
          numClasses: target.settings.engine.metric.numClasses,
          ignoreIndex: target.settings.engine.metric.ignoreIndex,
          classNames: target.settings.classNames,
          colorTable: target.settings.engine.colorTable,
          imageUri,
          position: position ?? { index: 0, total: 1 },
          lossVariant: lossVariantName(target.settings.engine.metric),
          datasetName: target.settings.datasetName ?? 'none',
          labelsFolder: vscode.workspace.asRelativePath(target.labelsDir, false),
          options: optionsText(optionsRecord(target.settings.engine)),
          confusionPair: target.confusion ?? null,
          comparison,
          labelIssueThreshold: effectiveLabelIssueThreshold(target.settings.engine.metric),
          agreement: this.agreementFor(target),
          ...(target.from !== undefined ? { openedFrom: target.from.kind } : {}),
        }),
      );
      this.log.info(
        `inspector: ${record.name} (${maps.width}×${maps.height}) in ${Date.now() - started} ms, photo ${this.rgbImage ?? 'none'}`,
      );
    } catch (error) {
      if (generation !== this.generation) return;
      this.log.error(`inspector: ${target.pair.predictionFile}: ${errorText(error)}`);
      await this.post({ type: 'error', message: `${target.pair.name}: ${errorText(error)}` });
    }
  }

  /**
   * The likely label errors of the image when the agreement covered it: the engine judges the image
   * again (the same files and k as the run) for its per-pixel maps, which the run does not keep.
   */
  private agreementFor(target: InspectorTarget): AgreementLayer | null {
    const agreement = this.store.agreement;
    const job = agreement?.jobs.get(target.pair.name);
    if (agreement === undefined || job === undefined) return null;
    const { outcome, maps } = agreeImageWithMaps(job, agreement.setup);
    for (const skipped of outcome.skipped)
      this.log.warn(`inspector: agreement left out ${skipped.file}: ${skipped.reason}`);
    return outcome.record === null || maps === null ? null : agreementLayer(outcome.record, maps, agreement.minAgree);
  }

  /** The other model's prediction of the same image and the B − A deltas, when comparing. */
  private async comparisonFor(target: InspectorTarget, shown: ImageRecord): Promise<ImageComparison | null> {
    const comparison = target.comparison;
    if (comparison === undefined) return null;
    const other = await evaluateImage(comparison.other, target.settings.engine);
    const folder = (dir: string): string => vscode.workspace.asRelativePath(dir, false);
    const [aDir, bDir] =
      comparison.shown === 'a'
        ? [target.predictionsDir, comparison.otherPredictionsDir]
        : [comparison.otherPredictionsDir, target.predictionsDir];
    return comparisonMessage(comparison.shown, shown, other, { a: folder(aDir), b: folder(bDir) });
  }

  /** A|B: the same image from the other prediction folder, same label, same layers. */
  private async switchModel(model: Model): Promise<void> {
    const target = this.target;
    const comparison = target?.comparison;
    if (target === undefined || comparison === undefined || comparison.shown === model) return;
    await this.display({
      ...target,
      pair: comparison.other,
      predictionsDir: comparison.otherPredictionsDir,
      comparison: { shown: model, other: target.pair, otherPredictionsDir: target.predictionsDir },
    });
  }

  private async post(message: HostToWebviewMessage): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const checked = checkWebviewMessage(raw);
    // The user acts in the panel: a run in progress lets the editor have the cores for a moment.
    if (checked.ok) this.activity.touch();
    if (!checked.ok) {
      this.log.warn(`inspector: refused a webview message (${checked.error})`);
      return;
    }
    const message = checked.value;
    switch (message.type) {
      case 'ready':
        this.log.info(`inspector: webview ready (restored image ${message.restoredImageName ?? 'none'})`);
        this.webviewReady = true;
        if (this.pendingError !== undefined && this.target === undefined) {
          void this.post({ type: 'error', message: this.pendingError });
          return;
        }
        // The image already sent to this page write reaches it (or is on its way): none is computed twice.
        if (this.sentBeforeReady !== this.pageWrites) void this.sendCurrent();
        this.sentBeforeReady = undefined;
        return;
      case 'navigate':
        void this.navigate(message.direction);
        return;
      case 'switchModel':
        void this.switchModel(message.model);
        return;
      case 'openSource':
        if (this.target !== undefined && message.imageName === this.target.pair.name)
          void this.openSource(message.which);
        return;
    }
  }

  /** The names of the list the target was opened from, when it belongs to the current results. */
  private listOf(target: InspectorTarget): readonly string[] | undefined {
    const source = this.store.source;
    // While B is shown, A's folder is the other one; either way the list is of A's results.
    const aDir = target.comparison?.shown === 'b' ? target.comparison.otherPredictionsDir : target.predictionsDir;
    if (target.from === undefined || source === undefined || source.predictionsDir !== aDir) return undefined;
    const columns = this.store.columns;
    if (columns === undefined) return undefined;
    return navigationNames(target.from, { orderedNames: () => this.store.orderedNames(), columns });
  }

  /** Where the target sits in its list, with the list named; undefined for a lone image. */
  private positionOf(target: InspectorTarget): { index: number; total: number; list: string } | undefined {
    const names = this.listOf(target);
    const at = names === undefined ? undefined : positionIn(names, target.pair.name);
    if (at === undefined || target.from === undefined) return undefined;
    return { ...at, list: describeOpenedFrom(target.from, target.settings.classNames) };
  }

  /** Next/previous in the list the image was opened from (see navigationList.ts). */
  private async navigate(direction: NavigateDirection): Promise<void> {
    const target = this.target;
    const names = target === undefined ? undefined : this.listOf(target);
    if (target === undefined || names === undefined) {
      void vscode.window.showInformationMessage(
        "SegLens: evaluate this image's folder to step through its hard examples.",
      );
      return;
    }
    const next = stepIn(names, target.pair.name, direction === 'next' ? 1 : -1);
    const record = next === undefined ? undefined : this.store.findByName(next.name);
    if (record === undefined || target.from === undefined) return;
    const nextTarget = inspectorTargetFor(this.store, record, target.comparison?.shown ?? 'a', target.from);
    if (nextTarget !== undefined) await this.display(nextTarget);
  }

  private async openSource(which: SourceKind): Promise<void> {
    const target = this.target;
    if (target === undefined) return;
    const file =
      which === 'image' ? this.rgbImage : which === 'label' ? target.pair.labelFile : target.pair.predictionFile;
    if (file === undefined) return;
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
    });
  }

  private forgetPanel(): void {
    this.generation++; // drops any image still being computed for the closed panel
    this.sentBeforeReady = undefined;
    this.panelScope.clear();
    this.panel = undefined;
    this.target = undefined;
    this.webviewReady = false;
  }
}
