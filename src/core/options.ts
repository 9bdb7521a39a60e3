import { DEFAULT_BOUNDARY_RATIO } from './metrics/boundaryIoU';

export { DEFAULT_BOUNDARY_RATIO };

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
}

export type Pooling = 'uniform' | 'gaussian';
export const POOLINGS: readonly Pooling[] = ['uniform', 'gaussian'];
export const DEFAULT_POOLING_SIGMA = 0.5;

/** The named loss variants: `v1` (uniform pooling, m = 1) and `paper` (Gaussian pooling, m = 5). */
export type LossPreset = 'v1' | 'paper';
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

export type SoftValueKind = 'auto' | 'logits' | 'probabilities';
export type SoftLayout = 'auto' | 'hwc' | 'chw';

/** How files are read: everything the readers need beyond the metric itself. */
export interface ReadOptions {
  readonly softValues: SoftValueKind;
  readonly softLayout: SoftLayout;
  /** Refuse PNG and .npy files above this many pixels before decoding them. */
  readonly maxMegapixels: number;
}

export const DEFAULT_METRIC_OPTIONS: MetricOptions = {
  numClasses: 21,
  ignoreIndex: 255,
  scales: [2, 4, 8],
  hardEpsilon: 1e-3,
  pooling: 'uniform',
  poolingSigma: DEFAULT_POOLING_SIGMA,
  minkowski: 1,
  boundaryRatio: DEFAULT_BOUNDARY_RATIO,
};

export const DEFAULT_READ_OPTIONS: ReadOptions = {
  softValues: 'auto',
  softLayout: 'auto',
  maxMegapixels: 64,
};

/** Log floor delta of the spec: every -log(x) is -log(max(x, delta)). */
export const LOG_FLOOR = 1e-12;

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/** Checks options once at the boundary so the kernels can trust them. */
export function validateMetricOptions(options: MetricOptions): MetricOptions {
  const { numClasses, ignoreIndex, scales, scaleWeights, hardEpsilon } = options;
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > 65535) {
    throw new OptionsError(`classes must be an integer from 2 to 65535, got ${numClasses}`);
  }
  if (!Number.isInteger(ignoreIndex) || ignoreIndex < 0) {
    throw new OptionsError(`ignore index must be a non-negative integer, got ${ignoreIndex}`);
  }
  if (scales.length === 0) throw new OptionsError('at least one scale is needed');
  for (const k of scales) {
    if (!Number.isInteger(k) || k < 1 || k > 4096) {
      throw new OptionsError(`scales must be integers from 1 to 4096, got ${k}`);
    }
  }
  if (new Set(scales).size !== scales.length) throw new OptionsError(`scales repeat: ${scales.join(',')}`);
  if (scaleWeights !== undefined) {
    if (scaleWeights.length !== scales.length) {
      throw new OptionsError(`${scaleWeights.length} scale weights for ${scales.length} scales`);
    }
    if (scaleWeights.some((w) => !Number.isFinite(w) || w < 0)) {
      throw new OptionsError('scale weights must be finite and non-negative');
    }
  }
  if (!(hardEpsilon >= 0 && hardEpsilon < 1)) {
    throw new OptionsError(`hard epsilon must be in [0, 1), got ${hardEpsilon}`);
  }
  validateLossVariant(options);
  const { boundaryRatio } = options;
  if (boundaryRatio !== undefined && !(boundaryRatio > 0 && boundaryRatio <= 1)) {
    throw new OptionsError(`boundary ratio must be in (0, 1], got ${boundaryRatio}`);
  }
  return options;
}

/** The Boundary IoU band ratio in effect. */
export function effectiveBoundaryRatio(options: MetricOptions): number {
  return options.boundaryRatio ?? DEFAULT_BOUNDARY_RATIO;
}

export function effectiveScaleWeights(options: MetricOptions): number[] {
  return options.scaleWeights ? [...options.scaleWeights] : options.scales.map(() => 1 / options.scales.length);
}

function validateLossVariant(options: MetricOptions): void {
  const { pooling, poolingSigma, minkowski } = options;
  if (pooling !== undefined && !POOLINGS.includes(pooling)) {
    throw new OptionsError(`pooling must be one of ${POOLINGS.join(', ')}, got ${String(pooling)}`);
  }
  if (poolingSigma !== undefined && !(Number.isFinite(poolingSigma) && poolingSigma > 0 && poolingSigma <= 1e6)) {
    throw new OptionsError(`pooling sigma must be a positive number (at most 1e6), got ${poolingSigma}`);
  }
  if (minkowski !== undefined && !(Number.isFinite(minkowski) && minkowski >= 1 && minkowski <= 100)) {
    throw new OptionsError(`minkowski exponent must be from 1 to 100, got ${minkowski}`);
  }
}
