import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { loadColorTable, type ColorTable } from '../core/io/colorTable';
import type { SkippedFile } from '../core/io/pairing';
import { prepareDataset } from '../core/datasets/prepareDataset';
import type { EngineOptions } from '../core/io/readFiles';
import { errorText } from '../core/errors';
import { lossVariantName, validateMetricOptions, type MetricOptions } from '../core/options';
import { computeLabel } from '../core/evaluate/computeLabel';
import { DatasetAccumulator } from '../core/evaluate/datasetSummary';
import { evaluatePairs } from '../core/evaluate/evaluatePairs';
import { withoutConfusion, type ImageRecord, type ImageRow } from '../core/evaluate/record';
import { recordsToCsv } from '../core/report/csv';
import { buildJsonReport, type DatasetInfo } from '../core/report/jsonReport';
import { hardestFirst } from '../core/report/ranking';
import { inShard, parseShard, readShards, shardLine } from '../core/report/shards';
import { parseCommandLine, USAGE, UsageError, type EvalCommand, type MergeCommand, type OutputOptions } from './args';
import { formatTable } from './table';

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
): Promise<void> {
  const scales = metric.scales;
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
      ? `${JSON.stringify(buildJsonReport(backend, metric, ranked, dataset, skipped, info))}
`
      : formatTable(
          ranked.slice(0, output.top),
          dataset,
          skipped,
          `${backend}, loss ${lossVariantName(metric)}`,
          seconds,
          info,
        ),
  );
  if (rows.length === 0) throw new CommandFailure(`no image could be evaluated (${skipped.length} skipped)`);
}

async function runEval(command: EvalCommand): Promise<void> {
  const started = performance.now();
  let colorTable: ColorTable | undefined;
  if (command.colorTable) colorTable = await loadColorTable(command.colorTable);
  const prepared = await prepareDataset(command.predictionsDir, command.labelsDir, command.dataset, {
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
  const shard = command.shard ? parseShard(command.shard) : undefined;
  const pairs = shard ? inShard(pairing.pairs, shard) : pairing.pairs;
  const skipped: SkippedFile[] = shard ? inShard(pairing.unpaired, shard) : [...pairing.unpaired];
  const out = command.out ? createWriteStream(command.out) : undefined;
  out?.write(shardLine({ type: 'header', version: 1, shard: command.shard ?? '0/1', backend, metric }));
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
  await writeReport(
    command.output,
    backend,
    rows,
    accumulator,
    skipped,
    metric,
    (performance.now() - started) / 1000,
    info,
  );
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
    merged.metric,
    (performance.now() - started) / 1000,
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    await (command.command === 'eval' ? runEval(command) : runMerge(command));
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
