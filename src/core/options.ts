import { DEFAULT_BOUNDARY_RATIO } from './metrics/boundaryIoU';

export { DEFAULT_BOUNDARY_RATIO };

/** Every parameter of the SegLens metric spec (shared/spec/loss.md), with its default. */
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
  /** Boundary IoU band width as a fraction of the image diagonal (default 0.02). */
  readonly boundaryRatio?: number;
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
