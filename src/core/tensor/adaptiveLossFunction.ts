import type { Scalar, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { gaussianProfile } from '../metrics/adaptiveLoss';
import { DEFAULT_POOLING_SIGMA, LOG_FLOOR, OptionsError, type Pooling } from '../options';
import type { Tf } from './backend';

export interface LossFunctionOptions {
  readonly scales?: readonly number[];
  readonly scaleWeights?: readonly number[];
  /** Weight lambda of the adaptive term in CE + lambda * L_adapt. */
  readonly lambda?: number;
  /** false returns L_adapt alone. */
  readonly includeCrossEntropy?: boolean;
  /** loss.md v2: `uniform` (default, v1) or `gaussian` merging by chessboard distance to the window's centre. */
  readonly pooling?: Pooling;
  /** Gaussian width as a fraction of the window size (default 0.5). */
  readonly poolingSigma?: number;
  /** Minkowski exponent m >= 1 of each L_k over the groups (default 1). */
  readonly minkowski?: number;
}

/**
 * Gaussian pooling weights of every pixel for windows of size k as a [1, H, W, 1] constant: the
 * smaller of the row and column profiles, i.e. exp(-d^2 / (2 (sigma k)^2)) with d the chessboard distance
 * to the centre of the pixel's (clipped) window, the same table the exact path uses.
 */
function gaussianWeights(tf: Tf, height: number, width: number, k: number, sigma: number): Tensor4D {
  const rows = gaussianProfile(height, k, sigma);
  const columns = gaussianProfile(width, k, sigma);
  const weights = new Float32Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) weights[y * width + x] = Math.min(rows[y]!, columns[x]!);
  return tf.tensor4d(weights, [1, height, width, 1]);
}

function checkOptions(pooling: Pooling, sigma: number, minkowski: number): void {
  if (pooling !== 'uniform' && pooling !== 'gaussian') throw new OptionsError(`unknown pooling ${String(pooling)}`);
  if (!(Number.isFinite(sigma) && sigma > 0)) throw new OptionsError(`pooling sigma must be positive, got ${sigma}`);
  if (!(Number.isFinite(minkowski) && minkowski >= 1))
    throw new OptionsError(`minkowski exponent must be >= 1, got ${minkowski}`);
}

/**
 * The locally adaptive loss as a differentiable tfjs loss `(yTrue, yPred) => Scalar`.
 * yTrue: one-hot [B, H, W, C] with all-zero rows on void pixels (what tf.oneHot gives for ids >= C);
 * yPred: probabilities [B, H, W, C] (softmax output).
 * Per window and class, sum(g * yTrue * yPred) / sum(g * yTrue) is q(w, c)[c] (g = 1 for uniform pooling,
 * the Gaussian weight otherwise); average pooling gives both sums up to the same factor, and zero padding
 * at the bottom/right keeps windows anchored top-left and clipped at the edges, as the spec requires.
 * n(w, c) is always the unweighted count; with m > 1, L_k = (sum n * l^m / N)^(1/m). Over a batch, the
 * groups of all images are pooled together, as the pixel-weighted mean pools their pixels.
 */
export function locallyAdaptiveLoss(
  tf: Tf,
  options: LossFunctionOptions = {},
): (yTrue: Tensor, yPred: Tensor) => Scalar {
  const scales = options.scales ?? [2, 4, 8];
  const weights = options.scaleWeights ?? scales.map(() => 1 / scales.length);
  const lambda = options.lambda ?? 1;
  const includeCrossEntropy = options.includeCrossEntropy ?? true;
  const pooling = options.pooling ?? 'uniform';
  const sigma = options.poolingSigma ?? DEFAULT_POOLING_SIGMA;
  const minkowski = options.minkowski ?? 1;
  checkOptions(pooling, sigma, minkowski);
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const target = tf.cast(yTrue as Tensor4D, 'float32');
      const probabilities = tf.cast(yPred as Tensor4D, 'float32');
      const truthMass = tf.mul<Tensor4D>(target, probabilities);
      const validPixels = tf.maximum(tf.sum(target), 1);
      let adaptive: Scalar = tf.scalar(0);
      scales.forEach((k, i) => {
        const [, height, width] = target.shape;
        const padding: [number, number][] = [
          [0, 0],
          [0, (k - (height % k)) % k],
          [0, (k - (width % k)) % k],
          [0, 0],
        ];
        const pool = (x: Tensor4D): Tensor4D => tf.avgPool(tf.pad(x, padding), k, k, 'valid');
        const groupSize = pool(target);
        let merged: Tensor4D;
        if (pooling === 'gaussian') {
          const g = gaussianWeights(tf, height, width, k, sigma);
          merged = tf.div(pool(tf.mul(truthMass, g)), tf.maximum(pool(tf.mul(target, g)), 1e-30));
        } else {
          merged = tf.div(pool(truthMass), tf.maximum(groupSize, 1e-30));
        }
        const groupCost = tf.neg(tf.log(tf.maximum(merged, LOG_FLOOR)));
        // For m > 1: float32 can put q a hair above 1 (a negative cost, NaN under a fractional power), and
        // empty groups hold the floor's cost, whose power must not meet their zero count as inf * 0.
        const powered = minkowski === 1 ? groupCost : tf.pow(tf.mul(tf.relu(groupCost), tf.sign(groupSize)), minkowski);
        let scaleLoss: Tensor = tf.div(tf.sum(tf.mul(tf.mul(groupSize, k * k), powered)), validPixels);
        if (minkowski !== 1) scaleLoss = tf.pow(scaleLoss, 1 / minkowski);
        adaptive = tf.add(adaptive, tf.mul(scaleLoss, weights[i]!));
      });
      if (!includeCrossEntropy) return tf.mul<Scalar>(adaptive, lambda);
      const crossEntropy = tf.div(
        tf.sum(tf.mul(target, tf.neg(tf.log(tf.maximum(probabilities, LOG_FLOOR))))),
        validPixels,
      );
      return tf.add<Scalar>(crossEntropy, tf.mul(adaptive, lambda));
    });
}
