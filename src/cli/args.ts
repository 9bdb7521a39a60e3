import { parseArgs } from 'node:util';
import {
  DEFAULT_BOUNDARY_RATIO,
  DEFAULT_METRIC_OPTIONS,
  DEFAULT_READ_OPTIONS,
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
  seglens merge PART.jsonl... [--json] [--csv FILE]
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
  --boundary-ratio R     Boundary IoU band as a fraction of the image diagonal (default ${DEFAULT_BOUNDARY_RATIO})
  --soft-values V        auto | logits | probabilities (default auto)
  --layout L             auto | hwc | chw for .npy scores (default auto)
  --color-table T        voc | cityscapes | FILE.json, for colour-coded PNGs (default: the dataset's)
  --max-megapixels N     refuse larger images unread (default ${DEFAULT_READ_OPTIONS.maxMegapixels})
  --workers N            worker threads (default: one per core; 0 = main thread)
  --compute M            exact (float64, default) | tensor (TensorFlow.js ops for soft predictions)
  --shard I/N            evaluate only shard I of N (0-based) ...
  --out FILE             ... and write it as JSON lines for 'seglens merge'
  --top N                rows in the hardest-images table (default 10)
  --json                 print one JSON object instead of the table
  --csv FILE             also write one CSV row per image

Options of compare: those of eval (not --shard/--out), and
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
  readonly out?: string;
  readonly output: OutputOptions;
}

/** Two prediction folders against one label folder, with the options of eval. */
export interface CompareCommand extends Omit<EvalCommand, 'command' | 'predictionsDir' | 'shard' | 'out'> {
  readonly command: 'compare';
  readonly predictionsA: string;
  readonly predictionsB: string;
  readonly sortKey: DeltaKey;
}

export interface MergeCommand {
  readonly command: 'merge';
  readonly files: string[];
  readonly output: OutputOptions;
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

export function parseCommandLine(argv: readonly string[]): EvalCommand | MergeCommand | CompareCommand {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        labels: { type: 'string' },
        dataset: { type: 'string' },
        'prediction-ids': { type: 'string' },
        pair: { type: 'string' },
        classes: { type: 'string' },
        ignore: { type: 'string' },
        scales: { type: 'string' },
        weights: { type: 'string' },
        'hard-eps': { type: 'string' },
        'boundary-ratio': { type: 'string' },
        'soft-values': { type: 'string' },
        layout: { type: 'string' },
        'color-table': { type: 'string' },
        'max-megapixels': { type: 'string' },
        workers: { type: 'string' },
        compute: { type: 'string' },
        shard: { type: 'string' },
        out: { type: 'string' },
        top: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'string' },
        sort: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const output: OutputOptions = { json: values.json ?? false, csv: values.csv, top: integer(values.top, '--top', 10) };
  if (command === 'merge') {
    if (positionals.length === 0) throw new UsageError('merge needs at least one shard file');
    return { command, files: positionals, output };
  }
  if (command !== 'eval' && command !== 'compare')
    throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
  if (command === 'eval' && positionals.length !== 1) throw new UsageError('eval needs exactly one prediction folder');
  if (command === 'compare' && positionals.length !== 2)
    throw new UsageError('compare needs exactly two prediction folders');
  if (!values.labels) throw new UsageError(`${command} needs --labels LABEL_DIR`);
  if (command === 'compare' && (values.shard !== undefined || values.out !== undefined))
    throw new UsageError('compare takes no --shard or --out');
  if (command === 'eval' && values.sort !== undefined) throw new UsageError('--sort is an option of compare');
  if ((values.shard === undefined) !== (values.out === undefined))
    throw new UsageError('--shard and --out go together');
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
    boundaryRatio,
  };
  const shared = {
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
    output,
  };
  if (command === 'compare') {
    return {
      command,
      predictionsA: positionals[0]!,
      predictionsB: positionals[1]!,
      sortKey: oneOf<DeltaKey>(values.sort, '--sort', DELTA_KEYS, 'miou'),
      ...shared,
    };
  }
  return { command, predictionsDir: positionals[0]!, shard: values.shard, out: values.out, ...shared };
}
