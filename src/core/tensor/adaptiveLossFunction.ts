import type { Scalar, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { LOG_FLOOR } from '../options';
import type { Tf } from './backend';

export interface LossFunctionOptions {
  readonly scales?: readonly number[];
  readonly scaleWeights?: readonly number[];
  /** Weight lambda of the adaptive term in CE + lambda * L_adapt. */
  readonly lambda?: number;
  /** false returns L_adapt alone. */
  readonly includeCrossEntropy?: boolean;
}

/**
 * The locally adaptive loss as a differentiable tfjs loss `(yTrue, yPred) => Scalar`.
 * yTrue: one-hot [B, H, W, C] with all-zero rows on void pixels (what tf.oneHot gives for ids >= C);
 * yPred: probabilities [B, H, W, C] (softmax output).
 * Per window and class, sum(yTrue * yPred) / sum(yTrue) is q(w, c)[c]; average pooling gives both sums
 * up to the same factor, and zero padding at the bottom/right keeps windows anchored top-left and
 * clipped at the edges, as the spec requires.
 */
export function locallyAdaptiveLoss(
  tf: Tf,
  options: LossFunctionOptions = {},
): (yTrue: Tensor, yPred: Tensor) => Scalar {
  const scales = options.scales ?? [2, 4, 8];
  const weights = options.scaleWeights ?? scales.map(() => 1 / scales.length);
  const lambda = options.lambda ?? 1;
  const includeCrossEntropy = options.includeCrossEntropy ?? true;
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
        const groupSize = tf.avgPool(tf.pad(target, padding), k, k, 'valid');
        const groupMass = tf.avgPool(tf.pad(truthMass, padding), k, k, 'valid');
        const merged = tf.div(groupMass, tf.maximum(groupSize, 1e-30));
        const groupCost = tf.neg(tf.log(tf.maximum(merged, LOG_FLOOR)));
        const scaleLoss = tf.div(tf.sum(tf.mul(tf.mul(groupSize, k * k), groupCost)), validPixels);
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
