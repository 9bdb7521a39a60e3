import * as vscode from 'vscode';
import { DatasetAccumulator, type DatasetSummary, type ImageRecord, type SkippedFile } from '../core';
import type { ConfusionPair } from '../shared/protocol';
import { rankByRegression, type Comparison, type CompareSortKey } from './logic/comparison';
import { cellCount } from './logic/confusionImages';
import { Disposable } from './logic/dispose';
import { advanceProgress, NO_PROGRESS, startProgress, type RunProgress } from './logic/runProgress';
import { withAgreementCounts, type AgreedImageRecord, type AgreementResults } from './logic/agreement';
import { filterByClass, LIKELY_LABEL_ERRORS, rankRecords, type ViewSortKey } from './logic/sortKeys';
import type { RunSettings } from './configuration';

/** Where the shown results come from. */
export interface ResultSource {
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly settings: RunSettings;
}

/** `restored`: read back without a run, from the result cache after a window reload or from a results file. */
export type RunState = 'running' | 'done' | 'cancelled' | 'failed' | 'restored';

export interface RunStatus {
  readonly state: RunState;
  readonly startedAt: number;
  readonly elapsedMs: number;
  readonly total: number;
  readonly fromCache: number;
  readonly backend: string | undefined;
  readonly error?: string;
  /** Shown with a restored list, e.g. "12 of 14 from cache — re-run to refresh". */
  readonly note?: string;
}

/**
 * The results of the latest evaluation and how the user wants them ordered. The tree view and the
 * inspector's next/previous both read the order from here, so they always agree.
 */
export class ResultsStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  private currentSource: ResultSource | undefined;
  private readonly records = new Map<string, ImageRecord>();
  private skippedFiles: SkippedFile[] = [];
  private runStatus: RunStatus | undefined;
  private orderedCache: AgreedImageRecord[] | undefined;
  private cellFilter: ConfusionPair | undefined;
  private comparedWith: Comparison | undefined;
  /** The order while comparing: B's regression by this key, largest first. */
  private compareSort: CompareSortKey = 'miou';
  private runProgress: RunProgress = NO_PROGRESS;
  private agreedWith: AgreementResults | undefined;
  /** The sort key before the agreement took over the order: back to it when the agreement goes. */
  private sortBeforeAgreement: ViewSortKey | undefined;

  constructor(
    private sort: ViewSortKey,
    private classFilter: number | undefined,
  ) {
    super();
  }

  get source(): ResultSource | undefined {
    return this.currentSource;
  }
  get status(): RunStatus | undefined {
    return this.runStatus;
  }
  get skipped(): readonly SkippedFile[] {
    return this.skippedFiles;
  }
  get sortKey(): ViewSortKey {
    return this.sort;
  }
  get compareSortKey(): CompareSortKey {
    return this.compareSort;
  }
  get filterClass(): number | undefined {
    return this.classFilter;
  }
  /** When set, only images with pixels of this confusion cell, most such pixels first. */
  get filterConfusion(): ConfusionPair | undefined {
    return this.cellFilter;
  }
  get imageCount(): number {
    return this.records.size;
  }
  /** The one count of the run: the notification, the view's message and the summary all show it. */
  get progress(): RunProgress {
    return this.runProgress;
  }

  begin(source: ResultSource, total: number): void {
    this.currentSource = source;
    this.cellFilter = undefined;
    this.comparedWith = undefined;
    this.dropAgreement();
    this.records.clear();
    this.skippedFiles = [];
    this.runStatus = { state: 'running', startedAt: Date.now(), elapsedMs: 0, total, fromCache: 0, backend: undefined };
    this.runProgress = startProgress(total);
    this.touch();
  }

  /** A pair's result, from the cache or computed: one more pair done. */
  add(record: ImageRecord, fromCache = false): void {
    this.records.set(record.predictionFile, record);
    if (fromCache && this.runStatus !== undefined)
      this.runStatus = { ...this.runStatus, fromCache: this.runStatus.fromCache + 1 };
    this.runProgress = advanceProgress(this.runProgress);
    this.touch();
  }

  /**
   * A file left out. `pairFailed`: a pair of the run that could not be read, which is done as well;
   * a file without a partner was never one of the run's pairs and leaves the count alone.
   */
  skip(entry: SkippedFile, pairFailed = false): void {
    this.skippedFiles.push(entry);
    if (pairFailed) this.runProgress = advanceProgress(this.runProgress);
    this.touch();
  }

  /** Shows results read back from the cache; `total` is how many the cache held, `records` the still-valid ones. */
  restore(source: ResultSource, records: readonly ImageRecord[], total: number, note: string): void {
    this.currentSource = source;
    this.comparedWith = undefined;
    this.dropAgreement();
    this.records.clear();
    for (const record of records) this.records.set(record.predictionFile, record);
    this.skippedFiles = [];
    this.runStatus = {
      state: 'restored',
      startedAt: Date.now(),
      elapsedMs: 0,
      total,
      fromCache: records.length,
      backend: 'result cache',
      note,
    };
    this.runProgress = { done: records.length, total };
    this.touch();
  }

  /** Shows results read from a file (a merged cluster run, an export); `backend` is the one the file names. */
  showOpened(
    source: ResultSource,
    records: readonly ImageRecord[],
    skipped: readonly SkippedFile[],
    backend: string,
    note: string,
  ): void {
    this.currentSource = source;
    this.dropAgreement();
    this.records.clear();
    for (const record of records) this.records.set(record.predictionFile, record);
    this.skippedFiles = [...skipped];
    this.runStatus = {
      state: 'restored',
      startedAt: Date.now(),
      elapsedMs: 0,
      total: records.length,
      fromCache: 0,
      backend,
      note,
    };
    this.runProgress = { done: records.length, total: records.length };
    this.touch();
  }

  finish(state: 'done' | 'cancelled' | 'failed', backend: string | undefined, error?: string): void {
    if (this.runStatus === undefined) return;
    this.runStatus = {
      ...this.runStatus,
      state,
      backend,
      elapsedMs: Date.now() - this.runStatus.startedAt,
      ...(error !== undefined ? { error } : {}),
    };
    this.touch();
  }

  setSort(key: ViewSortKey): void {
    this.sort = key;
    this.touch();
  }

  /** The order of the list while comparing (the sort menu offers these keys then). */
  setCompareSort(key: CompareSortKey): void {
    this.compareSort = key;
    this.touch();
  }

  setClassFilter(classId: number | undefined): void {
    this.classFilter = classId;
    this.touch();
  }

  /** B, when the current results (A) are compared with a second prediction folder. */
  get comparison(): Comparison | undefined {
    return this.comparedWith;
  }

  setComparison(comparison: Comparison | undefined): void {
    this.comparedWith = comparison;
    this.touch();
  }

  /** The agreement of the evaluated folder with other models (Find Likely Label Errors With Other Models…). */
  get agreement(): AgreementResults | undefined {
    return this.agreedWith;
  }

  /** Shows the agreement's results, ordered by likely-label-error pixels until the user sorts otherwise. */
  setAgreement(agreement: AgreementResults): void {
    this.agreedWith = agreement;
    if (this.sort !== LIKELY_LABEL_ERRORS) this.sortBeforeAgreement = this.sort;
    this.sort = LIKELY_LABEL_ERRORS;
    this.touch();
  }

  /** Other results (a run, a restore, a file) replace the agreement; its sort key goes with it. */
  private dropAgreement(): void {
    this.agreedWith = undefined;
    if (this.sort === LIKELY_LABEL_ERRORS) this.sort = this.sortBeforeAgreement ?? 'adaptive';
    this.sortBeforeAgreement = undefined;
  }

  setConfusionFilter(pair: ConfusionPair | undefined): void {
    this.cellFilter = pair;
    this.touch();
  }

  /** Hardest first under the current sort key, after the class filter. */
  ordered(): readonly AgreedImageRecord[] {
    this.orderedCache ??= this.rank();
    return this.orderedCache;
  }

  private rank(): AgreedImageRecord[] {
    const filtered = filterByClass(withAgreementCounts([...this.records.values()], this.agreedWith), this.classFilter);
    const ranked =
      this.comparedWith !== undefined
        ? rankByRegression(filtered, this.comparedWith.records, this.compareSort)
        : rankRecords(filtered, this.sort);
    const pair = this.cellFilter;
    const numClasses = this.currentSource?.settings.engine.metric.numClasses;
    if (pair === undefined || numClasses === undefined) return ranked;
    const count = (record: ImageRecord): number => cellCount(record, numClasses, pair);
    // A stable sort keeps the sort key's order among images with as many such pixels.
    return ranked.filter((record) => count(record) > 0).sort((a, b) => count(b) - count(a));
  }

  all(): ImageRecord[] {
    return [...this.records.values()];
  }

  find(predictionFile: string): ImageRecord | undefined {
    return this.records.get(predictionFile);
  }

  /** The record of an image name (names are unique within one set of results). */
  findByName(name: string): ImageRecord | undefined {
    for (const record of this.records.values()) if (record.name === name) return record;
    return undefined;
  }

  summary(): DatasetSummary | undefined {
    const source = this.currentSource;
    if (source === undefined) return undefined;
    const accumulator = new DatasetAccumulator(source.settings.engine.metric.numClasses);
    for (const record of this.records.values()) accumulator.add(record);
    return accumulator.summary();
  }

  private touch(): void {
    this.orderedCache = undefined;
    this.changed.fire();
  }
}
