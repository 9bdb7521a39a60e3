import type { Writable } from 'node:stream';
import { AtomicFile } from '../core/io/atomicFile';
import { lossVariantName, optionsRecord } from '../core/options';
import { csvHeaderLine, csvRowLine, optionsComment } from '../core/report/csv';
import {
  buildJsonReport,
  classColumnNames,
  jsonImage,
  jsonReportFrame,
  type ReportOptions,
  type DatasetInfo,
} from '../core/report/jsonReport';
import { labelIssueLines, softIssueSources, toJsonLines } from '../core/report/labelIssues';
import type { StreamingReport } from '../core/report/streamingReport';
import type { OutputOptions } from './args';
import { formatTable } from './table';

/** What the report says besides the images: how they were computed and what was evaluated. */
export interface ReportContext {
  readonly backend: string;
  /** Every option the numbers were computed with (the JSON's `options`, the CSV's first line). */
  readonly engine: ReportOptions;
  readonly seconds: number;
  readonly info?: DatasetInfo;
  /** The text report's first line, when it covers part of a run or a merge ("shard 2/3: 4 of 12 pairs"). */
  readonly scope?: string;
}

/** Writes to stdout (or any stream), waiting while its buffer is full so a slow pipe never piles text up. */
async function send(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((done) => stream.once('drain', () => done()));
}

/**
 * The report of a run from its streamed state: `--csv FILE` and `--json` list every image hardest first
 * from one pass over the report's external sort (the CSV through a temporary file renamed at the end, so
 * a failed or killed run leaves none); the text report its hardest `--top`. The bytes are those of
 * sorting every record in memory and printing them at once.
 */
export async function writeReport(
  output: OutputOptions,
  report: StreamingReport,
  context: ReportContext,
): Promise<void> {
  const { engine, backend, info } = context;
  const { metric } = engine;
  const dataset = report.summary();
  const classColumns = classColumnNames(metric.numClasses, info?.classNames);
  const csv = output.csv !== undefined ? AtomicFile.open(output.csv) : undefined;
  const issues = output.labelIssues !== undefined ? AtomicFile.open(output.labelIssues) : undefined;
  const json = output.json
    ? jsonReportFrame(buildJsonReport(backend, engine, [], dataset, report.skipped, info))
    : undefined;
  try {
    if (csv !== undefined || json !== undefined || issues !== undefined) {
      await csv?.write(
        `${optionsComment(optionsRecord(engine))}\n${csvHeaderLine(metric.scales, classColumns, report.soft)}`,
      );
      if (json !== undefined) await send(process.stdout, json.prefix);
      let first = true;
      for await (const row of report.ranked()) {
        await csv?.write(csvRowLine(row, metric.scales, classColumns, report.soft));
        if (issues !== undefined && row.labelIssueRegions !== undefined && row.labelIssueRegions.length > 0)
          await issues.write(toJsonLines(labelIssueLines(softIssueSources([row]), 'soft')));
        if (json !== undefined) await send(process.stdout, `${first ? '' : ','}${JSON.stringify(jsonImage(row))}`);
        first = false;
      }
      await csv?.commit();
      await issues?.commit();
      if (json !== undefined) await send(process.stdout, `${json.suffix}\n`);
    }
  } catch (error) {
    await csv?.discard();
    await issues?.discard();
    throw error;
  } finally {
    await report.dispose();
  }
  if (!output.json)
    await send(
      process.stdout,
      (context.scope !== undefined ? `${context.scope}\n` : '') +
        formatTable(
          report.hardest(),
          dataset,
          report.skipped,
          `${backend}, loss ${lossVariantName(metric)}`,
          context.seconds,
          info,
          report.rankBy,
        ),
    );
}
