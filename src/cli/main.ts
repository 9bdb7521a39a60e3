import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { SkippedFile } from '../core/io/pairing';
import { errorText } from '../core/errors';
import { lossVariantName, type MetricOptions } from '../core/options';
import { computeLabel } from '../core/evaluate/computeLabel';
import { DatasetAccumulator } from '../core/evaluate/datasetSummary';
import { evaluatePairs } from '../core/evaluate/evaluatePairs';
import { withoutConfusion, type ImageRecord, type ImageRow } from '../core/evaluate/record';
import { recordsToCsv } from '../core/report/csv';
import { compareReports, compareToCsv } from '../core/report/compare';
import { buildJsonReport, type DatasetInfo, type JsonReport } from '../core/report/jsonReport';
import { hardestFirst } from '../core/report/ranking';
import { labelIssueLines, softIssueSources, toJsonLines } from '../core/report/labelIssues';
import { shardFromEnvironment } from '../core/report/shardEnvironment';
import { resultsHeader, ResultsWriter, type ResultsHeader } from '../core/report/resultsFile';
import {
  formatShard,
  inShard,
  parseShard,
  planMerge,
  readMerge,
  resultsTarget,
  runHash,
  ShardError,
  type ShardSpec,
} from '../core/report/shards';
import {
  readCommandLine,
  UsageError,
  type CompareCommand,
  type EvalCommand,
  type MergeCommand,
  type OutputOptions,
} from './args';
import { runSlurm } from './slurm';
import { formatCompareTable, formatTable } from './table';
import { prepareFolder } from './prepareFolder';
import { runAgree } from './agree';
import { packageVersion } from './version';

/** A failure that ends the command with a one-line reason. */
class CommandFailure extends Error {}

async function writeReport(
  output: OutputOptions,
  backend: string,
  rows: ImageRow[],
  accumulator: DatasetAccumulator,
  skipped: SkippedFile[],
  metric: MetricOptions,
  seconds: number,
  info?: DatasetInfo,
  scope?: string,
): Promise<void> {
  const scales = metric.scales;
  const rankBy = output.rankBy ?? 'adaptive';
  const ranked = [...rows].sort(hardestFirst(rankBy));
  const dataset = accumulator.summary();
  if (output.labelIssues)
    await writeFile(output.labelIssues, toJsonLines(labelIssueLines(softIssueSources(ranked), 'soft')));
  if (output.csv)
    await writeFile(
      output.csv,
      recordsToCsv(
        ranked,
        scales,
        Array.from({ length: accumulator.numClasses }, (_, c) => String(c)),
      ),
    );
  process.stdout.write(
    output.json
      ? `${JSON.stringify(buildJsonReport(backend, metric, ranked, dataset, skipped, info))}
`
      : (scope !== undefined ? `${scope}\n` : '') +
          formatTable(
            ranked.slice(0, output.top),
            dataset,
            skipped,
            `${backend}, loss ${lossVariantName(metric)}`,
            seconds,
            info,
            rankBy,
          ),
  );
  if (rows.length === 0) throw new CommandFailure(`no image could be evaluated (${skipped.length} skipped)`);
}

/** The shard this eval runs: `--shard i/n`, `--shard auto` (from the scheduler), or all of it as 0/1 with `--out`. */
function resolveShard(command: EvalCommand): ShardSpec | undefined {
  if (command.shard === undefined) return command.out !== undefined ? { index: 0, count: 1 } : undefined;
  const spec = command.shard === 'auto' ? shardFromEnvironment(process.env, command.shards) : parseShard(command.shard);
  if (command.shards !== undefined && command.shards !== spec.count)
    throw new ShardError(`--shard ${formatShard(spec)} but --shards ${command.shards}`);
  return spec;
}

/** The display names of the classes: the dataset's or the colour table's, else `class <id>`. */
function classNamesOf(numClasses: number, ...sources: (readonly string[] | undefined)[]): string[] {
  const source = sources.find((names) => names !== undefined && names.length > 0);
  return Array.from({ length: numClasses }, (_, id) => source?.[id] ?? `class ${id}`);
}

interface FolderRun {
  readonly backend: string;
  readonly rows: ImageRow[];
  readonly accumulator: DatasetAccumulator;
  readonly skipped: SkippedFile[];
  readonly metric: MetricOptions;
  readonly info: DatasetInfo;
  /** "shard 2/3: 4 of 12 pairs" when one shard of the folder was evaluated. */
  readonly scope?: string;
}

/**
 * Prepares the dataset of one prediction folder and evaluates it, or one shard of it written as a part
 * into `out`. eval runs it once, compare once per folder with the same options.
 */
async function evaluateFolder(
  predictionsDir: string,
  command: EvalCommand | CompareCommand,
  shard?: ShardSpec,
  outPath?: string,
  sharded = false,
): Promise<FolderRun> {
  const { prepared, metric, options, info } = await prepareFolder(predictionsDir, command);
  const { pairing, preset } = prepared;
  const backend = await computeLabel(command.compute);
  const pairs = shard ? inShard(pairing.pairs, shard) : pairing.pairs;
  const skipped: SkippedFile[] = shard ? inShard(pairing.unpaired, shard) : [...pairing.unpaired];
  const header = (): ResultsHeader =>
    resultsHeader({
      shard: formatShard(shard ?? { index: 0, count: 1 }),
      run: runHash(options, predictionsDir, command.labelsDir),
      backend,
      engine: options,
      predictionsDir,
      labelsDir: command.labelsDir,
      info,
      classNames: classNamesOf(metric.numClasses, preset?.classNames, options.colorTable?.classNames),
      photoFolderNames: preset?.imageFolders ?? [],
    });
  const out =
    shard && outPath !== undefined
      ? ResultsWriter.open(await resultsTarget(outPath, shard, sharded), header())
      : undefined;
  for (const unpaired of skipped) await out?.addSkipped(unpaired);

  const accumulator = new DatasetAccumulator(metric.numClasses);
  const rows: ImageRow[] = [];
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let complete = false;
  try {
    for await (const outcome of evaluatePairs(pairs, options, { workers: command.workers, signal: abort.signal })) {
      if (outcome.type === 'image') {
        accumulator.add(outcome.record);
        rows.push(withoutConfusion(outcome.record));
        await out?.addImage(outcome.record);
      } else {
        skipped.push(outcome.skipped);
        await out?.addSkipped(outcome.skipped);
      }
    }
    complete = !abort.signal.aborted;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Only a whole shard becomes a part; an interrupted or failed one leaves nothing for merge to read.
    if (out) await (complete ? out.commit() : out.discard());
  }
  if (abort.signal.aborted) throw new CommandFailure('interrupted');
  const scope =
    shard && sharded ? `shard ${formatShard(shard)}: ${pairs.length} of ${pairing.pairs.length} pairs` : undefined;
  return { backend, rows, accumulator, skipped, metric, info, ...(scope !== undefined ? { scope } : {}) };
}

async function runEval(command: EvalCommand): Promise<void> {
  const started = performance.now();
  const run = await evaluateFolder(
    command.predictionsDir,
    command,
    resolveShard(command),
    command.out,
    command.shard !== undefined,
  );
  await writeReport(
    command.output,
    run.backend,
    run.rows,
    run.accumulator,
    run.skipped,
    run.metric,
    (performance.now() - started) / 1000,
    run.info,
    run.scope,
  );
}

function folderReport(run: FolderRun): JsonReport {
  return buildJsonReport(
    run.backend,
    run.metric,
    [...run.rows].sort(hardestFirst('adaptive')),
    run.accumulator.summary(),
    run.skipped,
    run.info,
  );
}

async function runCompare(command: CompareCommand): Promise<void> {
  const started = performance.now();
  const runA = await evaluateFolder(command.predictionsA, command);
  const runB = await evaluateFolder(command.predictionsB, command);
  if (runA.metric.numClasses !== runB.metric.numClasses)
    throw new CommandFailure(
      `A has ${runA.metric.numClasses} classes and B ${runB.metric.numClasses}: give --dataset or --classes`,
    );
  const report = compareReports(folderReport(runA), folderReport(runB), command.sortKey);
  if (command.output.csv) await writeFile(command.output.csv, compareToCsv(report));
  process.stdout.write(
    command.output.json
      ? `${JSON.stringify(report)}\n`
      : formatCompareTable(report, command.sortKey, command.output.top, (performance.now() - started) / 1000),
  );
  if (runA.rows.length === 0 || runB.rows.length === 0)
    throw new CommandFailure(`no image could be evaluated in ${runA.rows.length === 0 ? 'A' : 'B'}`);
}

const byName = (a: ImageRecord, b: ImageRecord): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function runMerge(command: MergeCommand): Promise<void> {
  const started = performance.now();
  const plan = await planMerge(command.files);
  const { header } = plan;
  const records: ImageRecord[] = [];
  const skipped: SkippedFile[] = [];
  await readMerge(plan, {
    image: (record) => void records.push(record),
    skipped: (entry) => void skipped.push(entry),
  });
  if (command.out !== undefined) {
    // The merged records as one results file of shard 0/1: re-mergeable, and what the extension opens.
    const out = ResultsWriter.open(await resultsTarget(command.out, { index: 0, count: 1 }, false), {
      ...header,
      shard: '0/1',
    });
    try {
      for (const entry of skipped) await out.addSkipped(entry);
      for (const record of [...records].sort(byName)) await out.addImage(record);
      await out.commit();
    } catch (error) {
      await out.discard();
      throw error;
    }
  }
  const accumulator = new DatasetAccumulator(header.metric.numClasses);
  const rows: ImageRow[] = records.map((record: ImageRecord) => {
    accumulator.add(record);
    return withoutConfusion(record);
  });
  await writeReport(
    command.output,
    header.backend,
    rows,
    accumulator,
    skipped,
    header.metric,
    (performance.now() - started) / 1000,
    header.info,
    `merged ${plan.count} part${plan.count > 1 ? 's' : ''} of run ${header.run ?? '(version 1)'}`,
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = await readCommandLine(argv, packageVersion(), (line) => process.stderr.write(`${line}\n`));
    if (command.command === 'help') process.stdout.write(`${command.text}\n`);
    else if (command.command === 'eval') await runEval(command);
    else if (command.command === 'compare') await runCompare(command);
    else if (command.command === 'merge') await runMerge(command);
    else if (command.command === 'agree') {
      const report = await runAgree(command);
      if (report.images.length === 0)
        throw new CommandFailure(`no image could be judged (${report.skipped.length} skipped)`);
    } else await runSlurm(command);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command !== undefined ? `seglens ${error.command} --help` : 'seglens --help';
      process.stderr.write(`seglens: ${error.message}\nRun '${help}' for usage.\n`);
      return 2;
    }
    process.stderr.write(`seglens: ${errorText(error)}\n`);
    return 1;
  }
}

if (
  require.main === module ||
  process.env.SEGLENS_CLI === '1' ||
  /cli\.js$/.test(process.argv[1] ?? '') ||
  /seglens(\.js)?$/.test(process.argv[1] ?? '')
) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
