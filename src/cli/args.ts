import { parseArgs } from 'node:util';
import {
  DEFAULT_BOUNDARY_RATIO,
  DEFAULT_METRIC_OPTIONS,
  DEFAULT_POOLING_SIGMA,
  DEFAULT_READ_OPTIONS,
  LOSS_PRESETS,
  POOLINGS,
  type LossPreset,
  type MetricOptions,
  type ReadOptions,
  type SoftLayout,
  type SoftValueKind,
} from '../core/options';
import type { DatasetRequest } from '../core/datasets/prepareDataset';
import { DELTA_KEYS, type DeltaKey } from '../core/report/compare';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage:
  seglens eval PRED_DIR --labels LABEL_DIR [options]
  seglens eval PRED_DIR --labels LABEL_DIR --shard I/N|auto [--shards N] --out FILE|DIR [options]
  seglens merge DIR | PART.jsonl... [--out MERGED.jsonl] [--json] [--csv FILE]
  seglens slurm PRED_DIR --labels LABEL_DIR --shards N --out DIR [--partition P] [--time T] [--submit] [options]
  seglens compare PRED_A PRED_B --labels LABEL_DIR [options of eval] [--sort METRIC]

Options of eval:
  --labels DIR           label folder, sub-folders included (may be PRED_DIR itself); files pair by
                         stem after known suffixes (_gtFine_labelIds, _pred, _target, gt, ...)
  --dataset D            auto (default) | voc | cityscapes | ade20k | FILE.json: classes, void, id
                         encodings and names of the dataset; auto detects it and says how
  --prediction-ids S     auto (default) | train | label: ids the predictions are written in
  --pair P:L             pairing patterns, e.g. {stem}_seg.png:{stem}_gtFine_color.png
  --classes N            number of classes C (default: the dataset's, else ${DEFAULT_METRIC_OPTIONS.numClasses})
  --ignore ID            ignore index (default: the dataset's, else ${DEFAULT_METRIC_OPTIONS.ignoreIndex})
  --scales K,K,...       window sizes of the adaptive loss (default ${DEFAULT_METRIC_OPTIONS.scales.join(',')})
  --weights W,W,...      weight of each scale (default equal)
  --hard-eps E           smoothing of hard predictions (default ${DEFAULT_METRIC_OPTIONS.hardEpsilon})
  --loss V               v1 (default: uniform pooling, m = 1) | paper (gaussian pooling, m = 5);
                         --pooling / --minkowski given too override the preset
  --pooling P            uniform | gaussian: how a group's distributions merge (default uniform)
  --pooling-sigma S      Gaussian width as a fraction of the window size (default ${DEFAULT_POOLING_SIGMA})
  --minkowski M          Minkowski exponent of L_k over the groups, >= 1 (default 1)
  --boundary-ratio R     Boundary IoU band as a fraction of the image diagonal (default ${DEFAULT_BOUNDARY_RATIO})
  --soft-values V        auto | logits | probabilities (default auto)
  --layout L             auto | hwc | chw for .npy scores (default auto)
  --color-table T        voc | cityscapes | FILE.json, for colour-coded PNGs (default: the dataset's)
  --max-megapixels N     refuse larger images unread (default ${DEFAULT_READ_OPTIONS.maxMegapixels})
  --workers N            worker threads (default: one per core; 0 = main thread)
  --compute M            exact (float64, default) | tensor (TensorFlow.js ops for soft predictions)
  --shard I/N            evaluate only shard I of N (0-based) ...
  --shard auto           ... with I/N from a SLURM job array or a Kubernetes Indexed Job (with --shards N)
  --out FILE|DIR         ... and write it as JSON lines for 'seglens merge' (into DIR: part-I-of-N.jsonl)
  --top N                rows in the hardest-images table (default 10)
  --json                 print one JSON object instead of the table
  --csv FILE             also write one CSV row per image

Options of merge: DIR must hold parts 0..N-1 of one run; --out writes the merged records as one JSON
lines file (what VS Code's "SegLens: Open Results…" reads).

Options of slurm (and every option of eval, passed on to each shard):
  --shards N             array tasks
  --out DIR              where the scripts, the parts, the logs and merged.jsonl/merged.json go
  --partition P          sbatch --partition
  --time T               sbatch --time of each task (e.g. 30:00)
  --submit               submit the array and the merge job (afterok); otherwise print how to

Options of compare: those of eval (not --shard/--shards/--out), and
  --sort METRIC          regression order: ${DELTA_KEYS.join(' | ')} (default miou)`;

export interface EvalCommand {
  readonly command: 'eval';
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly metric: MetricOptions;
  /** Which of --classes / --ignore were given: those win over the dataset's. */
  readonly explicit: { readonly classes: boolean; readonly ignore: boolean };
  readonly dataset: DatasetRequest;
  readonly read: ReadOptions;
  readonly colorTable?: string;
  readonly workers?: number;
  readonly compute: 'exact' | 'tensor';
  readonly shard?: string;
  /** --shards N: the shard count for --shard auto under Kubernetes, a check under SLURM. */
  readonly shards?: number;
  readonly out?: string;
  readonly output: OutputOptions;
}

export interface CompareCommand extends Omit<EvalCommand, 'command' | 'predictionsDir' | 'shard' | 'shards' | 'out'> {
  readonly command: 'compare';
  readonly predictionsA: string;
  readonly predictionsB: string;
  readonly sortKey: DeltaKey;
}

export interface MergeCommand {
  readonly command: 'merge';
  /** One folder of part files, or part files named one by one. */
  readonly files: string[];
  /** Where to write the merged records as JSON lines. */
  readonly out?: string;
  readonly output: OutputOptions;
}

export interface SlurmCommand {
  readonly command: 'slurm';
  /** The eval command each array task runs (its shard and out are set by the script). */
  readonly eval: EvalCommand;
  /** The eval options as given, passed on verbatim to every task. */
  readonly evalArgs: readonly string[];
  readonly shards: number;
  readonly out: string;
  readonly partition?: string;
  readonly time?: string;
  readonly submit: boolean;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly csv?: string;
  readonly top: number;
}

function numberList(text: string, flag: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v)) || values.length === 0)
    throw new UsageError(`${flag} wants numbers separated by commas, got ${JSON.stringify(text)}`);
  return values;
}

function integer(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`${flag} wants a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}

function oneOf<T extends string>(text: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

function positiveNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} wants a positive number, got ${JSON.stringify(text)}`);
  return value;
}

/** --loss picks a preset; --pooling, --pooling-sigma and --minkowski spell out or override it. */
function lossOptions(values: {
  loss?: string;
  pooling?: string;
  'pooling-sigma'?: string;
  minkowski?: string;
}): Pick<MetricOptions, 'pooling' | 'poolingSigma' | 'minkowski'> {
  const preset = LOSS_PRESETS[oneOf<LossPreset>(values.loss, '--loss', ['v1', 'paper'], 'v1')];
  const minkowski = positiveNumber(values.minkowski, '--minkowski') ?? preset.minkowski;
  if (minkowski < 1) throw new UsageError(`--minkowski wants a number >= 1, got ${JSON.stringify(values.minkowski)}`);
  return {
    pooling: oneOf(values.pooling, '--pooling', POOLINGS, preset.pooling),
    poolingSigma: positiveNumber(values['pooling-sigma'], '--pooling-sigma') ?? DEFAULT_POOLING_SIGMA,
    minkowski,
  };
}

const OPTIONS = {
  labels: { type: 'string' },
  dataset: { type: 'string' },
  'prediction-ids': { type: 'string' },
  pair: { type: 'string' },
  classes: { type: 'string' },
  ignore: { type: 'string' },
  scales: { type: 'string' },
  weights: { type: 'string' },
  'hard-eps': { type: 'string' },
  loss: { type: 'string' },
  pooling: { type: 'string' },
  'pooling-sigma': { type: 'string' },
  minkowski: { type: 'string' },
  'boundary-ratio': { type: 'string' },
  'soft-values': { type: 'string' },
  layout: { type: 'string' },
  'color-table': { type: 'string' },
  'max-megapixels': { type: 'string' },
  workers: { type: 'string' },
  compute: { type: 'string' },
  shard: { type: 'string' },
  shards: { type: 'string' },
  out: { type: 'string' },
  top: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  submit: { type: 'boolean' },
  sort: { type: 'string' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>
>['values'];

/** Options that are not passed on from `seglens slurm` to each task's eval: the script sets or replaces them. */
const NOT_PASSED_ON: ReadonlySet<string> = new Set([
  'labels',
  'shard',
  'shards',
  'out',
  'top',
  'json',
  'csv',
  'partition',
  'time',
  'submit',
  'sort',
]);

export function parseCommandLine(argv: readonly string[]): EvalCommand | MergeCommand | SlurmCommand | CompareCommand {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const output: OutputOptions = { json: values.json ?? false, csv: values.csv, top: integer(values.top, '--top', 10) };
  if (command === 'merge') {
    if (positionals.length === 0) throw new UsageError('merge needs a folder of parts or at least one shard file');
    return { command, files: positionals, out: values.out, output };
  }
  if (command === 'slurm') return slurmCommand(values, positionals, output);
  if (command === 'compare') return compareCommand(values, positionals, output);
  if (values.sort !== undefined) throw new UsageError('--sort is an option of compare');
  if (command !== 'eval')
    throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
  if (values.shard !== undefined && values.out === undefined) throw new UsageError('--shard needs --out');
  for (const flag of ['partition', 'time', 'submit'] as const)
    if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to seglens slurm, not eval`);
  return evalCommand(values, positionals, output);
}

function positiveShards(values: Values): number | undefined {
  if (values.shards === undefined) return undefined;
  const shards = integer(values.shards, '--shards', 0);
  if (shards < 1) throw new UsageError('--shards wants a positive integer');
  return shards;
}

function slurmCommand(values: Values, positionals: string[], output: OutputOptions): SlurmCommand {
  const shards = positiveShards(values);
  if (shards === undefined) throw new UsageError('slurm needs --shards N (the number of array tasks)');
  if (values.out === undefined) throw new UsageError('slurm needs --out DIR (scripts, parts and the merged result)');
  if (values.shard !== undefined) throw new UsageError('slurm sets each task’s shard itself: drop --shard');
  const evalArgs: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (NOT_PASSED_ON.has(key) || value === undefined || value === false) continue;
    evalArgs.push(`--${key}`, ...(value === true ? [] : [String(value)]));
  }
  return {
    command: 'slurm',
    eval: evalCommand(values, positionals, output),
    evalArgs,
    shards,
    out: values.out,
    partition: values.partition,
    time: values.time,
    submit: values.submit ?? false,
  };
}

function compareCommand(values: Values, positionals: string[], output: OutputOptions): CompareCommand {
  if (positionals.length !== 2) throw new UsageError('compare needs exactly two prediction folders');
  for (const flag of ['shard', 'shards', 'out', 'partition', 'time', 'submit'] as const)
    if (values[flag] !== undefined) throw new UsageError(`compare takes no --${flag}`);
  const {
    command: _command,
    predictionsDir: _dir,
    shard: _shard,
    shards: _shards,
    out: _out,
    ...shared
  } = evalCommand(values, positionals.slice(0, 1), output, 'compare');
  return {
    ...shared,
    command: 'compare',
    predictionsA: positionals[0]!,
    predictionsB: positionals[1]!,
    sortKey: oneOf<DeltaKey>(values.sort, '--sort', DELTA_KEYS, 'miou'),
  };
}

function evalCommand(values: Values, positionals: string[], output: OutputOptions, name = 'eval'): EvalCommand {
  if (positionals.length !== 1) throw new UsageError('eval needs exactly one prediction folder');
  if (!values.labels) throw new UsageError(`${name} needs --labels LABEL_DIR`);
  const hardEpsilon =
    values['hard-eps'] === undefined ? DEFAULT_METRIC_OPTIONS.hardEpsilon : Number(values['hard-eps']);
  const boundaryRatio =
    values['boundary-ratio'] === undefined ? DEFAULT_BOUNDARY_RATIO : Number(values['boundary-ratio']);
  if (!(boundaryRatio > 0 && boundaryRatio <= 1))
    throw new UsageError(`--boundary-ratio wants a number in (0, 1], got ${JSON.stringify(values['boundary-ratio'])}`);
  const maxMegapixels =
    values['max-megapixels'] === undefined ? DEFAULT_READ_OPTIONS.maxMegapixels : Number(values['max-megapixels']);
  if (!(maxMegapixels > 0))
    throw new UsageError(`--max-megapixels wants a positive number, got ${JSON.stringify(values['max-megapixels'])}`);
  const metric: MetricOptions = {
    numClasses: integer(values.classes, '--classes', DEFAULT_METRIC_OPTIONS.numClasses),
    ignoreIndex: integer(values.ignore, '--ignore', DEFAULT_METRIC_OPTIONS.ignoreIndex),
    scales: values.scales ? numberList(values.scales, '--scales') : DEFAULT_METRIC_OPTIONS.scales,
    ...(values.weights ? { scaleWeights: numberList(values.weights, '--weights') } : {}),
    hardEpsilon,
    ...lossOptions(values),
    boundaryRatio,
  };
  return {
    command: 'eval',
    predictionsDir: positionals[0]!,
    labelsDir: values.labels,
    metric,
    explicit: { classes: values.classes !== undefined, ignore: values.ignore !== undefined },
    dataset: {
      dataset: values.dataset ?? 'auto',
      predictionIds: oneOf(values['prediction-ids'], '--prediction-ids', ['auto', 'train', 'label'] as const, 'auto'),
      ...(values.pair !== undefined ? { pair: values.pair } : {}),
    },
    read: {
      softValues: oneOf<SoftValueKind>(
        values['soft-values'],
        '--soft-values',
        ['auto', 'logits', 'probabilities'],
        'auto',
      ),
      softLayout: oneOf<SoftLayout>(values.layout, '--layout', ['auto', 'hwc', 'chw'], 'auto'),
      maxMegapixels,
    },
    colorTable: values['color-table'],
    workers: values.workers === undefined ? undefined : integer(values.workers, '--workers', 0),
    compute: oneOf(values.compute, '--compute', ['exact', 'tensor'] as const, 'exact'),
    shard: values.shard,
    shards: positiveShards(values),
    out: values.out,
    output,
  };
}
