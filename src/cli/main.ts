import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { PairingOptions, PairingResult, SkippedFile } from '../core/io/pairing';
import { errorText } from '../core/errors';
import { DEFAULT_READ_OPTIONS } from '../core/options';
import { computeLabel } from '../core/evaluate/computeLabel';
import { DatasetAccumulator } from '../core/evaluate/datasetSummary';
import { evaluatePairs } from '../core/evaluate/evaluatePairs';
import { withoutConfusion, type ImageRecord, type ImageRow } from '../core/evaluate/record';
import { compareReports, compareToCsv } from '../core/report/compare';
import { buildJsonReport, type JsonReport } from '../core/report/jsonReport';
import { hardestFirst } from '../core/report/ranking';
import { shardFromEnvironment } from '../core/report/shardEnvironment';
import { resultsHeader, ResultsWriter } from '../core/report/resultsFile';
import type { ExternalSortOptions } from '../core/report/externalSort';
import { StreamingReport } from '../core/report/streamingReport';
import { mergeParts } from '../core/report/parallelMerge';
import { defaultWorkerCount, StartedWorkers } from '../core/evaluate/workerPool';
import {
  formatShard,
  inShard,
  parseShard,
  planMerge,
  resultsTarget,
  runHash,
  shardView,
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
import { writeReport, type ReportContext } from './report';
import { runSlurm } from './slurm';
import { formatCompareTable } from './table';
import { prepareFolderWith, type PreparedFolder } from './prepareFolder';
import { pairFilesInThread } from '../core/io/pairingThread';
import type { PackedPairs } from '../core/io/packedPairs';
import type { DatasetPreset } from '../core/datasets/preset';
import { runAgree } from './agree';
import { fullCollection, IMAGES_PER_COLLECTION, IMAGES_PER_WORKER_COLLECTION } from '../core/evaluate/heapCollector';
import { packageVersion } from './version';
import { installStopSignals, onStopSignal } from './stopSignals';
import { setCliV8Flags } from './v8Flags';
import { removeStaleTempFolders } from '../core/io/tempFolders';

/** A failure that ends the command with a one-line reason. */
class CommandFailure extends Error {}

/**
 * The external sort behind `--json` and `--csv`: rows held before a sorted run goes to disk, and runs
 * merged at once. SEGLENS_SORT_CHUNK / SEGLENS_SORT_FAN_IN change them (tests force spilling with them).
 */
function sortOptions(): ExternalSortOptions {
  const whole = (name: string): number | undefined => {
    const value = Number(process.env[name]);
    return Number.isInteger(value) && value >= 2 ? value : undefined;
  };
  const chunk = whole('SEGLENS_SORT_CHUNK');
  const fanIn = whole('SEGLENS_SORT_FAN_IN');
  return { ...(chunk !== undefined ? { chunk } : {}), ...(fanIn !== undefined ? { fanIn } : {}) };
}

/** Bytes `seglens merge` reads from a part at a time: SEGLENS_MERGE_CHUNK (tests make parts many chunks long), else the reader's. */
function mergeChunkBytes(): number | undefined {
  const value = Number(process.env['SEGLENS_MERGE_CHUNK']);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
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

/**
 * One prediction folder paired with its labels, its dataset settled, its options built, its backend
 * known. The pairs are held packed for the whole run (PackedPairs, in a temporary file past about
 * 16,000 pairs: dispose of them when done); the pairing held a bounded part of the folders' files at a
 * time (pairFilesPacked, in a thread of its own, through the same external sort settings as the
 * report's).
 */
interface ReadyFolder extends Omit<PreparedFolder, 'prepared'> {
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly backend: string;
  readonly preset: DatasetPreset | undefined;
  readonly pairs: PackedPairs;
  readonly unpaired: readonly SkippedFile[];
  /** Worker threads that loaded the engine while the folders were paired; evaluateFolder adopts or stops them. */
  readonly started: StartedWorkers;
}

async function readyFolder(predictionsDir: string, command: EvalCommand | CompareCommand): Promise<ReadyFolder> {
  const pair = (predictions: string, labels: string, options: PairingOptions): Promise<PairingResult<PackedPairs>> =>
    pairFilesInThread(predictions, labels, { ...options, sort: sortOptions() });
  const started = new StartedWorkers(command.workers ?? defaultWorkerCount());
  try {
    const { prepared, ...folder } = await prepareFolderWith(pair, predictionsDir, command);
    const backend = await computeLabel(command.compute);
    return {
      ...folder,
      started,
      predictionsDir,
      labelsDir: command.labelsDir,
      backend,
      preset: prepared.preset,
      pairs: prepared.pairing.pairs,
      unpaired: prepared.pairing.unpaired,
    };
  } catch (error) {
    started.dispose();
    throw error;
  }
}

/** Where a folder's outcomes go as they finish. */
interface OutcomeSink {
  image(record: ImageRecord): void | Promise<void>;
  skip(entry: SkippedFile): void;
}

/**
 * Runs until done, or until SIGINT/SIGTERM asks it to stop; `finish` learns whether it ran to the end
 * (a results file is committed only then: an interrupted or failed run leaves nothing half-written).
 */
async function interruptible(
  run: (signal: AbortSignal) => Promise<void>,
  finish: (complete: boolean) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  const stopListening = onStopSignal(() => abort.abort());
  let complete = false;
  try {
    await run(abort.signal);
    complete = !abort.signal.aborted;
  } finally {
    stopListening();
    await finish(complete);
  }
  if (abort.signal.aborted) throw new CommandFailure('interrupted');
}

/**
 * Evaluates a prepared folder, or one shard of it, streaming each outcome into `sink` and, with `out`,
 * into the shard's results file. eval runs it once, compare once per folder with the same options.
 * Returns the text report's scope line for a shard ("shard 2/3: 4 of 12 pairs").
 */
async function evaluateFolder(
  folder: ReadyFolder,
  command: EvalCommand | CompareCommand,
  sink: OutcomeSink,
  shard?: ShardTarget,
): Promise<string | undefined> {
  try {
    return await evaluateFolderPairs(folder, command, sink, shard);
  } finally {
    // The started workers the run did not adopt (more threads than pairs, none at all, or a results
    // file that could not be opened): unref'd, they would not hold the process, but they are stopped.
    folder.started.dispose();
  }
}

interface ShardTarget {
  readonly spec: ShardSpec;
  readonly out?: string;
  readonly sharded: boolean;
}

async function evaluateFolderPairs(
  folder: ReadyFolder,
  command: EvalCommand | CompareCommand,
  sink: OutcomeSink,
  shard?: ShardTarget,
): Promise<string | undefined> {
  const { options, metric, preset } = folder;
  const pairs = shard ? shardView(folder.pairs, shard.spec) : folder.pairs;
  const unpaired = shard ? inShard(folder.unpaired, shard.spec) : folder.unpaired;
  const out =
    shard?.out !== undefined
      ? ResultsWriter.open(
          await resultsTarget(shard.out, shard.spec, shard.sharded),
          resultsHeader({
            shard: formatShard(shard.spec),
            run: runHash(options, folder.predictionsDir, folder.labelsDir),
            backend: folder.backend,
            engine: options,
            predictionsDir: folder.predictionsDir,
            labelsDir: folder.labelsDir,
            info: folder.info,
            classNames: classNamesOf(metric.numClasses, preset?.classNames, options.colorTable?.classNames),
            photoFolderNames: preset?.imageFolders ?? [],
          }),
        )
      : undefined;
  const collect = fullCollection();
  // The walk's and the pairing's garbage, before the workers start; a small folder leaves too little of
  // it to be worth a full collection's 50-100 ms in front of every worker.
  if (pairs.length >= IMAGES_PER_COLLECTION) collect?.();
  if (folder.pairs.spilled) {
    // After a large pairing, once more after a turn of the event loop: what the first collection left to
    // finalizers (the sorts' streams and buffers) goes too. At 200,000 pairs the main thread started its
    // workers with 12.5 MB of old space after one collection and 5.2 MB after two.
    await new Promise((resolve) => setImmediate(resolve));
    collect?.();
  }
  let sinceCollection = 0;
  await interruptible(
    async (signal) => {
      for (const entry of unpaired) {
        sink.skip(entry);
        await out?.addSkipped(entry);
      }
      for await (const outcome of evaluatePairs(pairs, options, {
        workers: command.workers,
        signal,
        started: folder.started,
        inJobOrder: true,
        collectEvery: IMAGES_PER_WORKER_COLLECTION,
      })) {
        if (outcome.type === 'image') {
          await sink.image(outcome.record);
          await out?.addImage(outcome.record);
          if (++sinceCollection === IMAGES_PER_COLLECTION) {
            sinceCollection = 0;
            collect?.();
          }
        } else {
          sink.skip(outcome.skipped);
          await out?.addSkipped(outcome.skipped);
        }
      }
    },
    // Only a whole shard becomes a part; an interrupted or failed one leaves nothing for merge to read.
    async (complete) => {
      if (out) await (complete ? out.commit() : out.discard());
    },
  );
  return shard?.sharded === true
    ? `shard ${formatShard(shard.spec)}: ${pairs.length} of ${folder.pairs.length} pairs`
    : undefined;
}

async function runEval(command: EvalCommand): Promise<void> {
  const started = performance.now();
  const spec = resolveShard(command);
  const folder = await readyFolder(command.predictionsDir, command);
  const report = new StreamingReport(folder.metric.numClasses, {
    top: command.output.top,
    ranked: command.output.json || command.output.csv !== undefined || command.output.labelIssues !== undefined,
    ...(command.output.rankBy !== undefined ? { rankBy: command.output.rankBy } : {}),
    sort: sortOptions(),
  });
  let scope: string | undefined;
  try {
    scope = await evaluateFolder(
      folder,
      command,
      { image: (record) => report.add(record), skip: (entry) => report.skip(entry) },
      spec && {
        spec,
        ...(command.out !== undefined ? { out: command.out } : {}),
        sharded: command.shard !== undefined,
      },
    );
  } catch (error) {
    await report.dispose();
    throw error;
  } finally {
    folder.pairs.dispose();
  }
  await finishReport(command.output, report, {
    backend: folder.backend,
    engine: { metric: folder.metric, read: command.read, compute: command.compute },
    seconds: (performance.now() - started) / 1000,
    info: folder.info,
    ...(scope !== undefined ? { scope } : {}),
  });
}

async function finishReport(output: OutputOptions, report: StreamingReport, context: ReportContext): Promise<void> {
  await writeReport(output, report, context);
  if (report.images === 0) throw new CommandFailure(`no image could be evaluated (${report.skipped.length} skipped)`);
}

/** A folder evaluated for compare: every row in memory (compare matches images of A and B by name). */
async function compareSide(predictionsDir: string, command: CompareCommand): Promise<JsonReport> {
  const folder = await readyFolder(predictionsDir, command);
  const accumulator = new DatasetAccumulator(folder.metric.numClasses);
  const rows: ImageRow[] = [];
  const skipped: SkippedFile[] = [];
  try {
    await evaluateFolder(folder, command, {
      image: (record) => {
        accumulator.add(record);
        rows.push(withoutConfusion(record));
      },
      skip: (entry) => void skipped.push(entry),
    });
  } finally {
    folder.pairs.dispose();
  }
  const ranked = rows.sort(hardestFirst('adaptive'));
  return buildJsonReport(
    folder.backend,
    { metric: folder.metric, read: command.read, compute: command.compute },
    ranked,
    accumulator.summary(),
    skipped,
    folder.info,
  );
}

async function runCompare(command: CompareCommand): Promise<void> {
  const started = performance.now();
  const a = await compareSide(command.predictionsA, command);
  const b = await compareSide(command.predictionsB, command);
  if (a.dataset.perClassIoU.length !== b.dataset.perClassIoU.length)
    throw new CommandFailure(
      `A has ${a.dataset.perClassIoU.length} classes and B ${b.dataset.perClassIoU.length}: give --dataset or --classes`,
    );
  const report = compareReports(a, b, command.sortKey);
  if (command.output.csv) await writeFile(command.output.csv, compareToCsv(report));
  process.stdout.write(
    command.output.json
      ? `${JSON.stringify(report)}\n`
      : formatCompareTable(report, command.sortKey, command.output.top, (performance.now() - started) / 1000),
  );
  if (a.images.length === 0 || b.images.length === 0)
    throw new CommandFailure(`no image could be evaluated in ${a.images.length === 0 ? 'A' : 'B'}`);
}

/**
 * Streams the parts of a run (on worker threads, mergeParts): each record goes to `--out` (its line
 * copied as read, parts in shard order), into the report's bounded state and, for `--json`/`--csv`, its
 * external sort. Memory: the set of image names (to refuse an image in two parts), a few chunks of lines
 * in flight and the report's state, not the records.
 */
async function runMerge(command: MergeCommand): Promise<void> {
  const started = performance.now();
  const plan = await planMerge(command.files);
  const { header } = plan;
  // The merged records as one results file of shard 0/1: re-mergeable, and what the extension opens.
  const out =
    command.out !== undefined
      ? ResultsWriter.open(await resultsTarget(command.out, { index: 0, count: 1 }, false), { ...header, shard: '0/1' })
      : undefined;
  const report = new StreamingReport(header.metric.numClasses, {
    top: command.output.top,
    ranked: command.output.json || command.output.csv !== undefined || command.output.labelIssues !== undefined,
    ...(command.output.rankBy !== undefined ? { rankBy: command.output.rankBy } : {}),
    sort: sortOptions(),
  });
  try {
    await interruptible(
      async (signal) => {
        await mergeParts(plan, {
          report,
          ...(out !== undefined ? { out } : {}),
          workers: command.workers ?? defaultWorkerCount(),
          signal,
          ...(mergeChunkBytes() !== undefined ? { chunkBytes: mergeChunkBytes() } : {}),
        });
      },
      async (complete) => {
        if (out) await (complete ? out.commit() : out.discard());
      },
    );
  } catch (error) {
    await report.dispose();
    throw error;
  }
  await finishReport(command.output, report, {
    backend: header.backend,
    engine: { metric: header.metric, read: header.read ?? DEFAULT_READ_OPTIONS, compute: header.compute },
    seconds: (performance.now() - started) / 1000,
    ...(header.info !== undefined ? { info: header.info } : {}),
    scope: `merged ${plan.count} part${plan.count > 1 ? 's' : ''} of run ${header.run ?? '(version 1)'}`,
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = await readCommandLine(argv, packageVersion(), (line) => process.stderr.write(`${line}\n`));
    if (command.command !== 'help') await removeStaleTempFolders();
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
  setCliV8Flags();
  installStopSignals();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
