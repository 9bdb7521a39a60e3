import { hasSoftFigures } from './csv';
import { DatasetAccumulator, type AccumulatorState, type DatasetSummary } from '../evaluate/datasetSummary';
import { withoutConfusion, type ImageRecord, type ImageRow } from '../evaluate/record';
import type { SkippedFile } from '../types';
import { ExternalSort, type ExternalSortOptions } from './externalSort';
import { hardestFirst, type RankingKey } from './ranking';
import { TopN } from './topN';

/**
 * What a report built elsewhere (a worker thread's, over some of the records) adds to this one: its
 * dataset sums, its hardest images and its counts. Its rows for --json/--csv go through `addRow`.
 */
export interface ReportPartial {
  readonly accumulator: AccumulatorState;
  readonly hardest: readonly ImageRow[];
  readonly images: number;
  readonly softImages: number;
}

export interface StreamingReportOptions {
  /** How many of the hardest images the text report lists. */
  readonly top: number;
  /** Keep every image's row, hardest first, for `--json` and `--csv` (spilled to disk past one chunk). */
  readonly ranked: boolean;
  /** What "hardest" means (`--sort`); the adaptive loss unless given. */
  readonly rankBy?: RankingKey;
  readonly sort?: ExternalSortOptions;
}

/**
 * A report built as records arrive, in bounded memory: the dataset figures from the pooled matrices
 * and exact running sums (DatasetAccumulator), the hardest images of the text report from a top-N heap,
 * and, only when every row is asked for, the rows through an external sort into hardest-first order.
 * Nothing per image stays in memory but the skipped files. What it reports is exactly what sorting all
 * records in memory would report (the order is total: ties go by name).
 */
export class StreamingReport {
  readonly accumulator: DatasetAccumulator;
  readonly skipped: SkippedFile[] = [];
  private readonly hardestN: TopN<ImageRow>;
  private readonly all: ExternalSort<ImageRow> | undefined;
  private count = 0;
  private softImages = 0;
  readonly rankBy: RankingKey;
  /** How many of the hardest images it keeps (`--top`). */
  readonly top: number;

  constructor(numClasses: number, options: StreamingReportOptions) {
    this.rankBy = options.rankBy ?? 'adaptive';
    this.top = options.top;
    const order = hardestFirst(this.rankBy);
    this.accumulator = new DatasetAccumulator(numClasses);
    this.hardestN = new TopN(options.top, order);
    this.all = options.ranked ? new ExternalSort(order, options.sort) : undefined;
  }

  get images(): number {
    return this.count;
  }

  /** Whether every row is kept for --json/--csv (`ranked`). */
  get keepsRows(): boolean {
    return this.all !== undefined;
  }

  /** Whether any image's prediction was soft (the CSV then has the soft-only columns). */
  get soft(): boolean {
    return this.softImages > 0;
  }

  async add(record: ImageRecord): Promise<void> {
    this.fold(record);
    if (this.all) await this.all.add(withoutConfusion(record));
  }

  /** What `add` does but keep the row for --json/--csv (give it to `addRow`, here or elsewhere). */
  fold(record: ImageRecord): void {
    this.accumulator.add(record);
    // The row (a copy without the pooled counts) is made only for an image among the hardest so far.
    if (this.hardestN.wouldKeep(record)) this.hardestN.add(withoutConfusion(record));
    this.count++;
    if (hasSoftFigures(record)) this.softImages++;
  }

  /** A row folded elsewhere, for --json/--csv (nothing when rows are not kept). */
  async addRow(row: ImageRow): Promise<void> {
    await this.all?.add(row);
  }

  /** This report's state, to be added to another with `addPartial` (its rows are not in it). */
  partial(): ReportPartial {
    return {
      accumulator: this.accumulator.state(),
      hardest: this.hardestN.sorted(),
      images: this.count,
      softImages: this.softImages,
    };
  }

  /**
   * Adds a report folded elsewhere: the same figures as folding its records here, since the sums add
   * exactly and the hardest N of all are among the hardest N of each part (the order is total).
   */
  addPartial(partial: ReportPartial): void {
    this.accumulator.addState(partial.accumulator);
    for (const row of partial.hardest) this.hardestN.add(row);
    this.count += partial.images;
    this.softImages += partial.softImages;
  }

  skip(entry: SkippedFile): void {
    this.skipped.push(entry);
  }

  summary(): DatasetSummary {
    return this.accumulator.summary();
  }

  /** The text report's hardest images, hardest first. */
  hardest(): ImageRow[] {
    return this.hardestN.sorted();
  }

  /** Every row, hardest first (one pass; only with `ranked`). */
  ranked(): AsyncGenerator<ImageRow> {
    if (this.all === undefined) throw new Error('StreamingReport: rows were not kept (ranked: false)');
    return this.all.sorted();
  }

  /** How many sorted runs went to disk (0: the rows fitted in memory). */
  get spilledRuns(): number {
    return this.all?.spilledRuns ?? 0;
  }

  async dispose(): Promise<void> {
    await this.all?.dispose();
  }
}
