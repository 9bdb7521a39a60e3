import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { loadColorTable, type ColorTable } from '../core/io/colorTable';
import type { SkippedFile } from '../core/io/pairing';
import { prepareDataset } from '../core/datasets/prepareDataset';
import type { EngineOptions } from '../core/io/readFiles';
import { errorText } from '../core/errors';
import { validateMetricOptions } from '../core/options';
import { computeLabel } from '../core/evaluate/computeLabel';
import { DatasetAccumulator } from '../core/evaluate/datasetSummary';
import { evaluatePairs } from '../core/evaluate/evaluatePairs';
import { withoutConfusion, type ImageRecord, type ImageRow } from '../core/evaluate/record';
import { recordsToCsv } from '../core/report/csv';
import { compareReports, compareToCsv } from '../core/report/compare';
import { buildJsonReport, type DatasetInfo, type JsonReport } from '../core/report/jsonReport';
import { hardestFirst } from '../core/report/ranking';
import { inShard, parseShard, readShards, shardLine } from '../core/report/shards';
import {
  parseCommandLine,
  USAGE,
  UsageError,
  type CompareCommand,
  type EvalCommand,
  type MergeCommand,
  type OutputOptions,
} from './args';
import { formatCompareTable, formatTable } from './table';

/** A failure that ends the command with a one-line reason. */
class CommandFailure extends Error {}

async function writeReport(
  output: OutputOptions,
  backend: string,
  rows: ImageRow[],
  accumulator: DatasetAccumulator,
  skipped: SkippedFile[],
  scales: readonly number[],
  seconds: number,
  info?: DatasetInfo,
): Promise<void> {
  const ranked = [...rows].sort(hardestFirst('adaptive'));
  const dataset = accumulator.summary();
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
      ? `${JSON.stringify(buildJsonReport(backend, ranked, dataset, skipped, info))}\n`
      : formatTable(ranked.slice(0, output.top), dataset, skipped, backend, seconds, info),
  );
  if (rows.length === 0) throw new CommandFailure(`no image could be evaluated (${skipped.length} skipped)`);
}

interface FolderRun {
  readonly backend: string;
  readonly rows: ImageRow[];
  readonly accumulator: DatasetAccumulator;
  readonly skipped: SkippedFile[];
  readonly metric: EngineOptions['metric'];
  readonly info: DatasetInfo;
}

/**
 * Prepares the dataset of one prediction folder and evaluates it (or one shard of it), streaming shard
 * lines to `outFile` when given. eval runs it once, compare once per folder with the same options.
 */
async function evaluateFolder(
  predictionsDir: string,
  command: EvalCommand | CompareCommand,
  shardText?: string,
  outFile?: string,
): Promise<FolderRun> {
  let colorTable: ColorTable | undefined;
  if (command.colorTable) colorTable = await loadColorTable(command.colorTable);
  const prepared = await prepareDataset(predictionsDir, command.labelsDir, command.dataset, {
    read: command.read,
    ...(colorTable ? { colorTable } : {}),
  });
  const { preset, pairing } = prepared;
  // The dataset sets the class count and void; an explicit --classes / --ignore still wins.
  const metric = validateMetricOptions({
    ...command.metric,
    ...(preset && !command.explicit.classes ? { numClasses: preset.classNames.length } : {}),
    ...(preset && !command.explicit.ignore ? { ignoreIndex: preset.ignoreIndex } : {}),
  });
  const options: EngineOptions = {
    metric,
    read: command.read,
    colorTable: colorTable ?? preset?.colorTable,
    compute: command.compute,
    ...(prepared.ids ? { ids: prepared.ids } : {}),
  };
  const info = {
    preset: preset?.name ?? null,
    predictionIds: prepared.predictionIds,
    detection: prepared.description,
    ignored: pairing.ignored,
  };
  const backend = await computeLabel(command.compute);
  const shard = shardText ? parseShard(shardText) : undefined;
  const pairs = shard ? inShard(pairing.pairs, shard) : pairing.pairs;
  const skipped: SkippedFile[] = shard ? inShard(pairing.unpaired, shard) : [...pairing.unpaired];
  const out = outFile ? createWriteStream(outFile) : undefined;
  out?.write(shardLine({ type: 'header', version: 1, shard: shardText ?? '0/1', backend, metric }));
  for (const unpaired of skipped) out?.write(shardLine({ type: 'skipped', skipped: unpaired }));

  const accumulator = new DatasetAccumulator(metric.numClasses);
  const rows: ImageRow[] = [];
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    for await (const outcome of evaluatePairs(pairs, options, { workers: command.workers, signal: abort.signal })) {
      if (outcome.type === 'image') {
        accumulator.add(outcome.record);
        rows.push(withoutConfusion(outcome.record));
        out?.write(shardLine({ type: 'image', record: outcome.record }));
      } else {
        skipped.push(outcome.skipped);
        out?.write(shardLine({ type: 'skipped', skipped: outcome.skipped }));
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
  }
  if (abort.signal.aborted) throw new CommandFailure('interrupted');
  return { backend, rows, accumulator, skipped, metric, info };
}

async function runEval(command: EvalCommand): Promise<void> {
  const started = performance.now();
  const run = await evaluateFolder(command.predictionsDir, command, command.shard, command.out);
  await writeReport(
    command.output,
    run.backend,
    run.rows,
    run.accumulator,
    run.skipped,
    run.metric.scales,
    (performance.now() - started) / 1000,
    run.info,
  );
}

function folderReport(run: FolderRun): JsonReport {
  return buildJsonReport(
    run.backend,
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

async function runMerge(command: MergeCommand): Promise<void> {
  const started = performance.now();
  const merged = await readShards(command.files);
  const accumulator = new DatasetAccumulator(merged.metric.numClasses);
  const rows: ImageRow[] = merged.records.map((record: ImageRecord) => {
    accumulator.add(record);
    return withoutConfusion(record);
  });
  await writeReport(
    command.output,
    merged.backend,
    rows,
    accumulator,
    merged.skipped,
    merged.metric.scales,
    (performance.now() - started) / 1000,
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.command === 'eval') await runEval(command);
    else if (command.command === 'compare') await runCompare(command);
    else await runMerge(command);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`seglens: ${error.message}\n\n${USAGE}\n`);
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
