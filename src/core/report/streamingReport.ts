import { hasSoftFigures } from './csv';
import { DatasetAccumulator, type DatasetSummary } from '../evaluate/datasetSummary';
import { withoutConfusion, type ImageRecord, type ImageRow } from '../evaluate/record';
import type { SkippedFile } from '../types';
import { ExternalSort, type ExternalSortOptions } from './externalSort';
import { hardestFirst, type RankingKey } from './ranking';
import { TopN } from './topN';

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

  constructor(numClasses: number, options: StreamingReportOptions) {
    this.rankBy = options.rankBy ?? 'adaptive';
    const order = hardestFirst(this.rankBy);
    this.accumulator = new DatasetAccumulator(numClasses);
    this.hardestN = new TopN(options.top, order);
    this.all = options.ranked ? new ExternalSort(order, options.sort) : undefined;
  }

  get images(): number {
    return this.count;
  }

  /** Whether any image's prediction was soft (the CSV then has the soft-only columns). */
  get soft(): boolean {
    return this.softImages > 0;
  }

  async add(record: ImageRecord): Promise<void> {
    this.accumulator.add(record);
    const row = withoutConfusion(record);
    this.hardestN.add(row);
    this.count++;
    if (hasSoftFigures(row)) this.softImages++;
    await this.all?.add(row);
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
