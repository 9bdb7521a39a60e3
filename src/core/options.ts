import {
  optionChoices,
  optionDefault,
  optionProblem,
  optionSpec,
  type GivenOptions,
  type OptionChoice,
  type OptionKey,
} from './optionTable';

/** Every parameter of the SegLens metric spec (docs/spec/loss.md), with its default. */
export interface MetricOptions {
  /** Number of classes C; label ids >= C are void. */
  readonly numClasses: number;
  /** Label id excluded from every quantity. */
  readonly ignoreIndex: number;
  /** Window sizes k of the locally adaptive loss. */
  readonly scales: readonly number[];
  /** Weight alpha_k of each scale; equal weights when omitted. */
  readonly scaleWeights?: readonly number[];
  /** Smoothing epsilon that turns a hard class map into probabilities. */
  readonly hardEpsilon: number;
  /** How a group's distributions merge (loss.md v2): plain mean (v1) or Gaussian-weighted by chessboard distance. */
  readonly pooling?: Pooling;
  /** Width of the Gaussian as a fraction of the window size k (sigma * k pixels). */
  readonly poolingSigma?: number;
  /** Minkowski exponent m of L_k over the groups; 1 is v1's pixel-weighted mean. */
  readonly minkowski?: number;
  /** Boundary IoU band width as a fraction of the image diagonal (default 0.02). */
  readonly boundaryRatio?: number;
  /** Soft predictions: a valid pixel is a label issue when P(p, label) is below this (default 0.1, cleanlab's). */
  readonly labelIssueThreshold?: number;
}

export type Pooling = OptionChoice<'pooling'>;
export const POOLINGS: readonly Pooling[] = optionChoices('pooling');
export const DEFAULT_POOLING_SIGMA = optionDefault('poolingSigma');
export const DEFAULT_BOUNDARY_RATIO = optionDefault('boundaryRatio');
export const DEFAULT_LABEL_ISSUE_THRESHOLD = optionDefault('labelIssueThreshold');

/** The named loss variants: `v1` (uniform pooling, m = 1) and `paper` (Gaussian pooling, m = 5). */
export type LossPreset = OptionChoice<'loss'>;
export const LOSS_PRESETS: Readonly<Record<LossPreset, { pooling: Pooling; minkowski: number }>> = {
  v1: { pooling: 'uniform', minkowski: 1 },
  paper: { pooling: 'gaussian', minkowski: 5 },
};

/** The loss settings of options with their defaults filled in. */
export interface LossVariant {
  readonly pooling: Pooling;
  readonly poolingSigma: number;
  readonly minkowski: number;
}

export function lossVariant(options: MetricOptions): LossVariant {
  return {
    pooling: options.pooling ?? 'uniform',
    poolingSigma: options.poolingSigma ?? DEFAULT_POOLING_SIGMA,
    minkowski: options.minkowski ?? 1,
  };
}

/**
 * A short, stable name for the loss variant: `v1`, `paper`, or the settings spelled out
 * (`gaussian σ=0.25 m=2`). σ only appears with Gaussian pooling, where it matters. Used as the label in
 * views and as part of cache keys.
 */
export function lossVariantName(options: MetricOptions): string {
  const { pooling, poolingSigma, minkowski } = lossVariant(options);
  const sigmaMatters = pooling === 'gaussian';
  if (pooling === 'uniform' && minkowski === 1) return 'v1';
  if (pooling === 'gaussian' && minkowski === 5 && poolingSigma === DEFAULT_POOLING_SIGMA) return 'paper';
  return `${pooling}${sigmaMatters ? ` σ=${poolingSigma}` : ''} m=${minkowski}`;
}

export type SoftValueKind = OptionChoice<'softValues'>;
export type SoftLayout = OptionChoice<'softLayout'>;

/** How files are read: everything the readers need beyond the metric itself. */
export interface ReadOptions {
  readonly softValues: SoftValueKind;
  readonly softLayout: SoftLayout;
  /** Refuse PNG and .npy files above this many pixels before decoding them. */
  readonly maxMegapixels: number;
}

export const DEFAULT_METRIC_OPTIONS: MetricOptions = {
  numClasses: optionDefault('classes'),
  ignoreIndex: optionDefault('ignoreIndex'),
  scales: optionDefault('scales'),
  hardEpsilon: optionDefault('hardEpsilon'),
  pooling: LOSS_PRESETS[optionDefault('loss')].pooling,
  poolingSigma: DEFAULT_POOLING_SIGMA,
  minkowski: LOSS_PRESETS[optionDefault('loss')].minkowski,
  boundaryRatio: DEFAULT_BOUNDARY_RATIO,
};

export const DEFAULT_READ_OPTIONS: ReadOptions = {
  softValues: optionDefault('softValues'),
  softLayout: optionDefault('softLayout'),
  maxMegapixels: optionDefault('maxMegapixels'),
};

/** Log floor delta of the spec: every -log(x) is -log(max(x, delta)). */
export const LOG_FLOOR = 1e-12;

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/** Which table row checks each field of MetricOptions (the table's keys are the settings' names). */
const METRIC_FIELDS: readonly (readonly [keyof MetricOptions, OptionKey])[] = [
  ['numClasses', 'classes'],
  ['ignoreIndex', 'ignoreIndex'],
  ['scales', 'scales'],
  ['scaleWeights', 'scaleWeights'],
  ['hardEpsilon', 'hardEpsilon'],
  ['pooling', 'pooling'],
  ['poolingSigma', 'poolingSigma'],
  ['minkowski', 'minkowski'],
  ['boundaryRatio', 'boundaryRatio'],
  ['labelIssueThreshold', 'labelIssueThreshold'],
];

/**
 * Checks options once at the boundary so the kernels can trust them: each value against its row of the
 * option table, then what relates two options.
 */
export function validateMetricOptions(options: MetricOptions): MetricOptions {
  for (const [field, key] of METRIC_FIELDS) {
    const value = options[field];
    if (value === undefined) continue;
    const problem = optionProblem(optionSpec(key), value);
    if (problem !== undefined) throw new OptionsError(`${key} ${problem}`);
  }
  const { scales, scaleWeights } = options;
  if (scaleWeights !== undefined && scaleWeights.length !== scales.length)
    throw new OptionsError(`${scaleWeights.length} scale weights for ${scales.length} scales`);
  return options;
}

/** The label-issue threshold in effect. */
export function effectiveLabelIssueThreshold(options: MetricOptions): number {
  return options.labelIssueThreshold ?? DEFAULT_LABEL_ISSUE_THRESHOLD;
}

/** The Boundary IoU band ratio in effect. */
export function effectiveBoundaryRatio(options: MetricOptions): number {
  return options.boundaryRatio ?? DEFAULT_BOUNDARY_RATIO;
}

export function effectiveScaleWeights(options: MetricOptions): number[] {
  return options.scaleWeights ? [...options.scaleWeights] : options.scales.map(() => 1 / options.scales.length);
}

/**
 * Metric options from options as given (flags or settings), defaults from the table: `loss` picks a
 * preset (v1 or paper), and `pooling` / `minkowski`, when given, override it.
 */
export function metricOptionsFrom(given: GivenOptions): MetricOptions {
  const preset = LOSS_PRESETS[given.loss ?? optionDefault('loss')];
  return {
    numClasses: given.classes ?? optionDefault('classes'),
    ignoreIndex: given.ignoreIndex ?? optionDefault('ignoreIndex'),
    scales: [...(given.scales ?? optionDefault('scales'))],
    ...(given.scaleWeights ? { scaleWeights: [...given.scaleWeights] } : {}),
    hardEpsilon: given.hardEpsilon ?? optionDefault('hardEpsilon'),
    pooling: given.pooling ?? preset.pooling,
    poolingSigma: given.poolingSigma ?? DEFAULT_POOLING_SIGMA,
    minkowski: given.minkowski ?? preset.minkowski,
    boundaryRatio: given.boundaryRatio ?? DEFAULT_BOUNDARY_RATIO,
    ...(given.labelIssueThreshold != null ? { labelIssueThreshold: given.labelIssueThreshold } : {}),
  };
}

export function readOptionsFrom(given: GivenOptions): ReadOptions {
  return {
    softValues: given.softValues ?? DEFAULT_READ_OPTIONS.softValues,
    softLayout: given.softLayout ?? DEFAULT_READ_OPTIONS.softLayout,
    maxMegapixels: given.maxMegapixels ?? DEFAULT_READ_OPTIONS.maxMegapixels,
  };
}

/**
 * Every option that changes a result, resolved, under its key in the option table and in the table's
 * order (its `metric`, `read` and `engine` rows). Every report carries it (JSON, results file, CSV,
 * inspector), and the run hash and the extension's cache key hash it.
 */
export interface OptionsRecord {
  readonly classes: number;
  readonly ignoreIndex: number;
  readonly scales: readonly number[];
  /** The weights in effect (equal ones spelled out). */
  readonly scaleWeights: readonly number[];
  readonly hardEpsilon: number;
  /** `v1`, `paper`, or the loss settings spelled out (lossVariantName). */
  readonly loss: string;
  readonly pooling: Pooling;
  readonly poolingSigma: number;
  readonly minkowski: number;
  readonly boundaryRatio: number;
  readonly labelIssueThreshold: number;
  readonly softValues: SoftValueKind;
  readonly softLayout: SoftLayout;
  readonly maxMegapixels: number;
  readonly compute: OptionChoice<'compute'>;
}

export function optionsRecord(options: {
  readonly metric: MetricOptions;
  readonly read: ReadOptions;
  readonly compute?: OptionChoice<'compute'>;
}): OptionsRecord {
  const { metric, read } = options;
  const loss = lossVariant(metric);
  return {
    classes: metric.numClasses,
    ignoreIndex: metric.ignoreIndex,
    scales: [...metric.scales],
    scaleWeights: effectiveScaleWeights(metric),
    hardEpsilon: metric.hardEpsilon,
    loss: lossVariantName(metric),
    pooling: loss.pooling,
    poolingSigma: loss.poolingSigma,
    minkowski: loss.minkowski,
    boundaryRatio: effectiveBoundaryRatio(metric),
    labelIssueThreshold: effectiveLabelIssueThreshold(metric),
    softValues: read.softValues,
    softLayout: read.softLayout,
    maxMegapixels: read.maxMegapixels,
    compute: options.compute ?? optionDefault('compute'),
  };
}

/** The record as one line, `key value` in the table's order: the inspector's header shows it. */
export function optionsText(record: OptionsRecord): string {
  const shown = (value: unknown): string =>
    Array.isArray(value)
      ? value.map(shown).join(',')
      : typeof value === 'number'
        ? String(Number(value.toPrecision(4)))
        : String(value);
  return Object.entries(record)
    .map(([key, value]) => `${key} ${shown(value)}`)
    .join(' · ');
}
