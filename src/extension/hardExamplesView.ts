import * as path from 'node:path';
import * as vscode from 'vscode';
import { lossVariantName } from '../core';
import { formatCount, formatFixed, formatPercent, MISSING } from '../core/report/format';
import { COMMANDS } from './ids';
import { Disposable } from './logic/dispose';
import { RefreshPacer, streamingRefreshMs } from './logic/refreshPace';
import { describeDelta } from './logic/comparison';
import { progressText } from './logic/runProgress';
import { describeValue, LIKELY_LABEL_ERRORS, SORT_KEYS, viewSortKeyInfo } from './logic/sortKeys';
import type { RunSettings } from './configuration';
import { metricFirstLabel } from './logic/treeLabel';
import type { ResultsStore } from './resultsStore';

type Node =
  | { readonly kind: 'summary' }
  | {
      readonly kind: 'fact';
      readonly label: string;
      readonly value: string;
      /** A folder setting: clicking the row runs the command that changes it. */
      readonly change?: { readonly command: string; readonly title: string };
    }
  | { readonly kind: 'skippedGroup' }
  | { readonly kind: 'skipped'; readonly file: string; readonly reason: string }
  /** An image by its row in the results' columns: the record itself stays on disk until a row needs it. */
  | { readonly kind: 'image'; readonly slot: number }
  /** The filters in force, above the images they filter: seen without opening the summary. */
  | { readonly kind: 'filter' }
  /** The images past the list's cut, counted, with the gallery a click away. */
  | { readonly kind: 'more'; readonly images: number };

const percent = (value: number | null | undefined): string => formatPercent(value);
const decimal = (value: number | null | undefined): string => formatFixed(value, 4);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** A confusion cell by its classes' names: "cat → dog". */
const cellText = (cell: { readonly label: string; readonly predicted: string }): string =>
  `${cell.label} → ${cell.predicted}`;

/**
 * The view lists this many images, hardest first; the gallery shows every one. VS Code builds, sends
 * and lays out every row a tree returns, on every refresh: at 100,000 images 5,000 rows kept the
 * workbench's renderer busy and the extension host's garbage high while a run streamed in, and 1,000
 * rows still made each sort or filter take 150-200 ms longer to show than 50 rows (the scale bench,
 * timed from the click). A hundred rows is four screens of the sidebar.
 */
export const MAX_TREE_IMAGES = 100;

/** The "Hard examples" tree: dataset summary first, then skipped files, then images hardest first. */
export class HardExamplesProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly pacer = this.register(
    new RefreshPacer(() => {
      this.changed.fire(undefined);
      this.updateMessage();
    }),
  );
  private view: vscode.TreeView<Node> | undefined;

  constructor(private readonly store: ResultsStore) {
    super();
    // Streaming results wait longer the more images there are (logic/refreshPace.ts); a sort, a
    // filter or a run's end is shown on the next turn.
    this.register(
      store.onDidChange((change) =>
        this.pacer.request(change === 'records' ? streamingRefreshMs(store.imageCount) : 0),
      ),
    );
  }

  /** The view whose message line shows "Evaluating… n of N" while a run streams in. */
  showProgressIn(view: vscode.TreeView<Node>): void {
    this.view = view;
  }

  private updateMessage(): void {
    if (this.view === undefined) return;
    const status = this.store.status;
    this.view.message =
      status?.state === 'running'
        ? `Evaluating… ${progressText(this.store.progress)} done`
        : status?.state === 'restored'
          ? `Restored ${status.note ?? ''}`
          : undefined;
  }

  /** Image and summary rows sit at the top level; facts under the summary, skipped files under their group. */
  getParent(node: Node): Node | undefined {
    if (node.kind === 'fact') return { kind: 'summary' };
    if (node.kind === 'skipped') return { kind: 'skippedGroup' };
    return undefined;
  }

  /**
   * Selects the row of an image (the inspector stepped to it), when the view is visible and lists it:
   * the view is never opened for it, and focus stays where it is.
   */
  revealImage(view: vscode.TreeView<Node>, name: string): void {
    if (!view.visible) return;
    const slot = this.store.columns?.slotOfName(name);
    const listed = this.store.orderedSlots().indexOf(slot ?? -1);
    if (slot === undefined || listed < 0 || listed >= MAX_TREE_IMAGES) return;
    view.reveal({ kind: 'image', slot }, { select: true, focus: false }).then(undefined, () => undefined);
  }

  getChildren(node?: Node): Node[] {
    if (node === undefined) return this.rootNodes();
    if (node.kind === 'summary') return this.summaryFacts();
    if (node.kind === 'skippedGroup')
      return this.store.skipped.map((s) => ({ kind: 'skipped', file: s.file, reason: s.reason }));
    return [];
  }

  private rootNodes(): Node[] {
    if (this.store.source === undefined) return []; // the welcome view explains what to do
    const nodes: Node[] = [{ kind: 'summary' }];
    if (this.store.skipped.length > 0) nodes.push({ kind: 'skippedGroup' });
    const slots = this.store.orderedSlots();
    if (this.store.filterClass !== undefined || this.store.filterConfusion !== undefined)
      nodes.push({ kind: 'filter' });
    for (const slot of slots.slice(0, MAX_TREE_IMAGES)) nodes.push({ kind: 'image', slot });
    if (slots.length > MAX_TREE_IMAGES) nodes.push({ kind: 'more', images: slots.length - MAX_TREE_IMAGES });
    return nodes;
  }

  /** The filters in force by the classes' names; undefined for a filter not set (a class may be named "none"). */
  private filterNames(): {
    readonly byClass: string | undefined;
    readonly byConfusion: { readonly label: string; readonly predicted: string } | undefined;
  } {
    const names = this.store.source?.settings.classNames ?? [];
    const name = (id: number): string => names[id] ?? `class ${id}`;
    const filter = this.store.filterClass;
    const cell = this.store.filterConfusion;
    return {
      byClass: filter === undefined ? undefined : name(filter),
      byConfusion: cell === undefined ? undefined : { label: name(cell.label), predicted: name(cell.predicted) },
    };
  }

  private summaryFacts(): Node[] {
    const summary = this.store.summary();
    const status = this.store.status;
    const source = this.store.source;
    const { byClass, byConfusion } = this.filterNames();
    const facts: [string, string][] = [
      ['mIoU (pooled confusion matrix)', percent(summary?.miou)],
      ['mIoU (mean per image)', percent(summary?.meanImageMiou)],
      ['boundary mIoU (pooled)', percent(summary?.boundaryMiou)],
      ['pixel accuracy', percent(summary?.pixelAccuracy)],
      ['mean CE', decimal(summary?.meanCe)],
      ['loss variant', source === undefined ? '…' : lossVariantName(source.settings.engine.metric)],
      ['mean adaptive loss', decimal(summary?.meanAdaptive)],
      ['mean merge effect', decimal(summary?.meanMergeEffect)],
      ['backend', status?.backend ?? '…'],
      [
        'time',
        status === undefined || status.state === 'restored'
          ? MISSING
          : seconds(status.state === 'running' ? Date.now() - status.startedAt : status.elapsedMs),
      ],
      ['from cache', `${status?.fromCache ?? 0} of ${status?.total ?? 0}`],
      ['skipped', String(this.store.skipped.length)],
      ['sorted by', viewSortKeyInfo(this.store.sortKey).label],
      ['class filter', byClass ?? 'none'],
      ['confusion filter', byConfusion === undefined ? 'none' : cellText(byConfusion)],
      ['predictions', source?.predictionsDir ?? ''],
    ];
    const comparison = this.store.comparison;
    if (comparison !== undefined) {
      const b = comparison.summary;
      facts.unshift(
        ['model A', source?.predictionsDir ?? ''],
        ['model B', comparison.predictionsDir],
        ['A / B mIoU (pooled)', `${percent(summary?.miou)} / ${percent(b.miou)}`],
        ['A / B mIoU (mean per image)', `${percent(summary?.meanImageMiou)} / ${percent(b.meanImageMiou)}`],
        ['A / B boundary mIoU', `${percent(summary?.boundaryMiou)} / ${percent(b.boundaryMiou)}`],
        ['A / B pixel accuracy', `${percent(summary?.pixelAccuracy)} / ${percent(b.pixelAccuracy)}`],
        [
          'order',
          this.store.compareSortKey === 'worstClassDrop'
            ? 'largest class IoU drop of B first'
            : `largest ${SORT_KEYS[this.store.compareSortKey].label} regression of B first`,
        ],
      );
    }
    return [
      ...facts.map(([label, value]): Node => ({ kind: 'fact', label, value })),
      ...(source !== undefined ? this.folderFacts(source.labelsDir, source.settings) : []),
    ];
  }

  /** The evaluated folder's own settings, each row a click away from the command that changes it. */
  private folderFacts(labelsDir: string, settings: RunSettings): Node[] {
    const request = settings.dataset;
    const chosen = request.dataset === 'auto' ? 'detect' : request.dataset;
    return [
      {
        kind: 'fact',
        label: 'labels',
        value: labelsDir,
        change: { command: COMMANDS.changeLabelsFolder, title: 'Change Labels Folder…' },
      },
      {
        kind: 'fact',
        label: 'dataset',
        value: `${settings.datasetDescription ?? '…'} · chosen: ${chosen}`,
        change: { command: COMMANDS.changeDataset, title: 'Change Dataset…' },
      },
      {
        kind: 'fact',
        label: 'prediction ids',
        value: request.predictionIds === 'auto' ? 'detect' : request.predictionIds,
        change: { command: COMMANDS.changeDataset, title: 'Change Dataset…' },
      },
      {
        kind: 'fact',
        label: 'pairing',
        value: request.pair ?? 'by file name (known suffixes)',
        change: { command: COMMANDS.setPairing, title: 'Set Pairing…' },
      },
      {
        kind: 'fact',
        label: 'photos',
        value: settings.imagesFolder ?? 'searched beside the predictions and labels',
      },
    ];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'summary':
        return this.summaryItem();
      case 'fact': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.value;
        if (node.change !== undefined) {
          const predictionsDir = this.store.source?.predictionsDir;
          item.command = { ...node.change, arguments: predictionsDir !== undefined ? [predictionsDir] : [] };
          item.tooltip = `${node.value}\n\nThis folder's own setting (the seglens.* settings are only defaults). Click: ${node.change.title}`;
          item.iconPath = new vscode.ThemeIcon('edit');
        }
        return item;
      }
      case 'skippedGroup': {
        const count = this.store.skipped.length;
        const item = new vscode.TreeItem(
          `Skipped files (${count})`,
          count <= 5 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
      case 'skipped': {
        const item = new vscode.TreeItem(`skipped: ${path.basename(node.file)} — ${node.reason}`);
        item.tooltip = `${node.file}\n${node.reason}`;
        item.resourceUri = vscode.Uri.file(node.file);
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        return item;
      }
      case 'image':
        return this.imageItem(node.slot);
      case 'filter':
        return this.filterItem();
      case 'more': {
        const item = new vscode.TreeItem(`${formatCount(node.images)} more images: Open Gallery to see them all`);
        // A narrow sidebar cuts the label: the whole of it on hover.
        item.tooltip = `${formatCount(node.images)} more images than the ${MAX_TREE_IMAGES} hardest listed here. Click: Open Gallery to see them all, sorted and filtered as this view.`;
        item.id = 'seglens.more';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: COMMANDS.openGallery, title: 'Open Gallery' };
        return item;
      }
    }
  }

  /** An image row's tooltip needs its record: read when the row is hovered, not for every row listed. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.kind !== 'image' || node.slot >= this.store.imageCount) return item;
    const record = this.store.record(node.slot);
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.appendText(`${record.name} (${record.width}×${record.height})\n\n`);
    tooltip.appendText(
      [
        `adaptive ${decimal(record.adaptive)}`,
        `CE ${decimal(record.ce)}`,
        `merge effect ${decimal(record.mergeEffect)}`,
        `mIoU ${percent(record.miou)}`,
        `pixel accuracy ${percent(record.pixelAccuracy)}`,
        ...record.warnings,
      ].join('\n'),
    );
    item.tooltip = tooltip;
    return item;
  }

  /** The image's value of the view's sort key, from the columns (the agreement's count by name). */
  private sortValue(slot: number): number | null {
    const columns = this.store.columns!;
    const key = this.store.sortKey;
    if (key !== LIKELY_LABEL_ERRORS) return columns.value(key, slot);
    return this.store.agreement?.records.get(columns.name(slot))?.likelyLabelErrorPixels ?? null;
  }

  private summaryItem(): vscode.TreeItem {
    const summary = this.store.summary();
    const status = this.store.status;
    const item = new vscode.TreeItem(
      `Dataset mIoU ${percent(summary?.miou)}`,
      vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = 'seglens.summary';
    const state = status === undefined || status.state === 'done' ? '' : ` · ${status.state}`;
    const parts = [
      status?.state === 'running' ? progressText(this.store.progress) : `${summary?.images ?? 0} images`,
      status?.backend ?? undefined,
      status !== undefined && status.state !== 'running' && status.state !== 'restored'
        ? seconds(status.elapsedMs)
        : undefined,
      `${this.store.skipped.length} skipped`,
    ].filter((part): part is string => part !== undefined);
    item.description = parts.join(' · ') + state;
    item.tooltip = status?.error !== undefined ? `Evaluation failed: ${status.error}` : status?.note;
    item.iconPath = new vscode.ThemeIcon(
      status?.state === 'running' ? 'sync~spin' : status?.state === 'failed' ? 'error' : 'graph',
    );
    item.contextValue = 'summary';
    return item;
  }

  /**
   * "class: cat · 1,234 of 100,000 images": which filters hold and how many images pass them. It comes
   * in the same answer as the filtered rows, so the list and what filters it are shown together; the
   * summary's facts, a level down, come a round trip later.
   */
  private filterItem(): vscode.TreeItem {
    const { byClass, byConfusion } = this.filterNames();
    const parts = [
      ...(byClass !== undefined ? [`class: ${byClass}`] : []),
      ...(byConfusion !== undefined ? [`confusion: ${cellText(byConfusion)}`] : []),
    ];
    const item = new vscode.TreeItem(parts.join(' · '));
    item.id = 'seglens.filter';
    item.description = `${formatCount(this.store.orderedSlots().length)} of ${formatCount(this.store.imageCount)} images`;
    item.iconPath = new vscode.ThemeIcon('filter');
    item.contextValue = 'filter';
    const [command, title] =
      byClass !== undefined
        ? [COMMANDS.filterByClass, 'Filter Hard Examples by Class…']
        : [COMMANDS.filterByConfusion, 'Filter by Confusion…'];
    item.command = { command, title };
    item.tooltip = [
      byClass !== undefined ? `Only images whose label or prediction contains ${byClass}.` : undefined,
      byConfusion !== undefined
        ? `Only images with pixels labelled ${byConfusion.label} and predicted ${byConfusion.predicted}, most first.`
        : undefined,
      `Click: ${title.replace('…', '')} (its first choice clears it).`,
    ]
      .filter((line): line is string => line !== undefined)
      .join('\n');
    return item;
  }

  private imageItem(slot: number): vscode.TreeItem {
    const columns = this.store.columns!;
    const name = columns.name(slot);
    const predictionFile = columns.predictionFile(slot);
    const comparison = this.store.comparison;
    // The metric first in a fixed width, so a narrow sidebar cuts the name, never the number. While
    // comparing, the name leads and the description carries the deltas (logic/comparison.ts).
    const info = viewSortKeyInfo(this.store.sortKey);
    const value = this.sortValue(slot);
    const item = new vscode.TreeItem(
      comparison === undefined ? metricFirstLabel(value === null ? MISSING : info.format(value), name) : name,
    );
    item.id = `image:${predictionFile}`;
    if (comparison === undefined)
      item.accessibilityInformation = { label: `${name}, ${describeValue(this.store.sortKey, value)}` };
    else
      item.description = describeDelta(
        this.store.record(slot),
        comparison.records.get(name),
        this.store.compareSortKey,
        this.store.source?.settings.classNames,
      );
    item.iconPath = new vscode.ThemeIcon(columns.warnings(slot) > 0 ? 'warning' : 'file-media');
    item.contextValue = 'image';
    item.command = { command: COMMANDS.openInspector, title: 'Open in Inspector', arguments: [predictionFile] };
    return item;
  }
}
