import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DatasetAccumulator, type DatasetSummary, type ImageRecord, type SkippedFile } from '../core';
import type { ConfusionPair } from '../shared/protocol';
import { rankByRegression, type Comparison, type CompareSortKey } from './logic/comparison';
import { Disposable } from './logic/dispose';
import { advanceProgress, NO_PROGRESS, startProgress, type RunProgress } from './logic/runProgress';
import {
  rankByLikelyLabelErrors,
  withAgreementCounts,
  type AgreedImageRecord,
  type AgreementResults,
} from './logic/agreement';
import { LIKELY_LABEL_ERRORS, type ViewSortKey } from './logic/sortKeys';
import type { RecordColumns } from './logic/recordColumns';
import { RecordFile } from './logic/recordFile';
import { StreamingRanking } from './logic/streamingRank';
import type { RunSettings } from './configuration';

/** Where the shown results come from. */
export interface ResultSource {
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly settings: RunSettings;
}

/**
 * What changed: `records` as a run streams in (the views may batch these), `view` for what the user
 * asked (sort, filter, comparison) and a run's start and end, which the views show at once.
 */
export type StoreChange = 'records' | 'view';

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
  private readonly changed = this.register(new vscode.EventEmitter<StoreChange>());
  /** `records`: a run's result or skip arrived; `view`: anything the user or a run's start and end changed. */
  readonly onDidChange = this.changed.event;

  private currentSource: ResultSource | undefined;
  /** The records of the shown results, on disk (logic/recordFile.ts): only their columns stay in memory. */
  private records: RecordFile | undefined;
  /** The dataset sums, kept up as records arrive, so the summary never reads the records back. */
  private accumulator: DatasetAccumulator | undefined;
  /** An image was replaced by a newer record: the running sums hold the old one, so they are summed afresh. */
  private summaryStale = false;
  private summaryCache: DatasetSummary | undefined;
  private skippedFiles: SkippedFile[] = [];
  private runStatus: RunStatus | undefined;
  private orderedCache: readonly number[] | undefined;
  private orderedNamesCache: readonly string[] | undefined;
  /** The sort key's order, kept while a run only adds images: each ask ranks only the new ones. */
  private readonly ranking = new StreamingRanking();
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
    /** Where the record files go (the extension's storage); each window's file is removed when it closes. */
    private readonly recordsDir: string,
  ) {
    super();
    removeOrphanedRecordFiles(recordsDir);
    this.register({ dispose: () => this.records?.delete() });
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
    return this.records?.size ?? 0;
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
    this.newRecords(source);
    this.skippedFiles = [];
    this.runStatus = { state: 'running', startedAt: Date.now(), elapsedMs: 0, total, fromCache: 0, backend: undefined };
    this.runProgress = startProgress(total);
    this.touch();
  }

  /** A pair's result, from the cache or computed: one more pair done. */
  add(record: ImageRecord, fromCache = false): void {
    this.keep(record);
    if (fromCache && this.runStatus !== undefined)
      this.runStatus = { ...this.runStatus, fromCache: this.runStatus.fromCache + 1 };
    this.runProgress = advanceProgress(this.runProgress);
    this.touch('records');
  }

  /**
   * A file left out. `pairFailed`: a pair of the run that could not be read, which is done as well;
   * a file without a partner was never one of the run's pairs and leaves the count alone.
   */
  skip(entry: SkippedFile, pairFailed = false): void {
    this.skippedFiles.push(entry);
    if (pairFailed) this.runProgress = advanceProgress(this.runProgress);
    this.touch('records');
  }

  /** Shows results read back from the cache; `total` is how many the cache held, `records` the still-valid ones. */
  restore(source: ResultSource, records: Iterable<ImageRecord>, total: number, note: string): void {
    this.currentSource = source;
    this.comparedWith = undefined;
    this.dropAgreement();
    this.newRecords(source);
    for (const record of records) this.keep(record);
    this.skippedFiles = [];
    this.runStatus = {
      state: 'restored',
      startedAt: Date.now(),
      elapsedMs: 0,
      total,
      fromCache: this.imageCount,
      backend: 'result cache',
      note,
    };
    this.runProgress = { done: this.imageCount, total };
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
    this.newRecords(source);
    for (const record of records) this.keep(record);
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

  /** A fresh record file for new results; the previous one is removed. */
  private newRecords(source: ResultSource): void {
    this.records?.delete();
    const name = `records-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`;
    this.records = RecordFile.create(path.join(this.recordsDir, name));
    this.accumulator = new DatasetAccumulator(source.settings.engine.metric.numClasses);
    this.summaryStale = false;
  }

  private keep(record: ImageRecord): void {
    if (this.records === undefined) throw new Error('results store: a record arrived before its results began');
    const { replaced } = this.records.append(record);
    if (replaced) {
      this.summaryStale = true;
      this.ranking.forget();
    } else if (!this.summaryStale) this.accumulator?.add(record);
  }

  /** The columns the views sort, filter and label rows by (names, metric values, classes, cells). */
  get columns(): RecordColumns | undefined {
    return this.records?.columns;
  }

  /** The slots of the listed images: hardest first under the current sort key, after the filters. */
  orderedSlots(): readonly number[] {
    this.orderedCache ??= this.rank();
    return this.orderedCache;
  }

  /** The names of the listed images, in the list's order (kept like the order: each image opened asks for them). */
  orderedNames(): readonly string[] {
    this.orderedNamesCache ??= this.columns?.namesOf(this.orderedSlots()) ?? [];
    return this.orderedNamesCache;
  }

  /** The listed images' records, read back from disk (exports: every record at once). */
  ordered(): AgreedImageRecord[] {
    return this.orderedSlots().map((slot) => this.record(slot));
  }

  /** An image's record, read back from disk, with the agreement's count when there is one. */
  record(slot: number): AgreedImageRecord {
    if (this.records === undefined) throw new RangeError(`no results: no record in slot ${slot}`);
    return withAgreementCounts([this.records.read(slot)], this.agreedWith)[0]!;
  }

  private rank(): readonly number[] {
    const columns = this.records?.columns;
    if (columns === undefined) return [];
    const ranked = this.rankedBySortKey(columns);
    const pair = this.cellFilter;
    // A stable sort keeps the sort key's order among images with as many such pixels.
    return pair === undefined ? ranked : columns.withCell(ranked, pair);
  }

  /** The listed images in the list's order before the confusion filter: after the class filter, by the sort key. */
  private rankedBySortKey(columns: RecordColumns): readonly number[] {
    const comparison = this.comparedWith;
    const filtered = (): number[] => columns.withClass(columns.slots(), this.classFilter);
    if (comparison !== undefined)
      return rankByRegression(
        filtered().map((slot) => this.record(slot)),
        comparison.records,
        this.compareSort,
      ).map((record) => columns.slotOfName(record.name)!);
    if (this.sort === LIKELY_LABEL_ERRORS) return rankByLikelyLabelErrors(columns, filtered(), this.agreedWith);
    // While a run adds images, only the new ones are ranked (logic/streamingRank.ts).
    return this.ranking.order(columns, this.sort, this.classFilter);
  }

  find(predictionFile: string): ImageRecord | undefined {
    const slot = this.columns?.slotOfPredictionFile(predictionFile);
    return slot === undefined ? undefined : this.records?.read(slot);
  }

  /** The record of an image name (names are unique within one set of results). */
  findByName(name: string): ImageRecord | undefined {
    const slot = this.columns?.slotOfName(name);
    return slot === undefined ? undefined : this.records?.read(slot);
  }

  summary(): DatasetSummary | undefined {
    const source = this.currentSource;
    if (source === undefined) return undefined;
    if (this.summaryStale || this.accumulator === undefined) {
      const accumulator = new DatasetAccumulator(source.settings.engine.metric.numClasses);
      for (const record of this.records?.records() ?? []) accumulator.add(record);
      this.accumulator = accumulator;
      this.summaryStale = false;
      this.summaryCache = undefined;
    }
    this.summaryCache ??= this.accumulator.summary();
    return this.summaryCache;
  }

  private touch(change: StoreChange = 'view'): void {
    this.orderedCache = undefined;
    this.orderedNamesCache = undefined;
    this.summaryCache = undefined;
    this.changed.fire(change);
  }
}

/** Record files of extension hosts that are gone (a crash, a kill): theirs to remove, nobody reads them. */
function removeOrphanedRecordFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet
  }
  for (const name of names) {
    const pid = /^records-(\d+)-[0-9a-f]+\.jsonl$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    rmSync(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
