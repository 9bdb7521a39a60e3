import { validLabels } from '../metrics/pixelTerms';
import type { MetricOptions } from '../options';
import type { ClassMap, PixelTerms, SoftScores } from '../types';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';

/**
 * The O(H*W*C) part of a soft prediction (softmax or renormalisation, truth-class gather, argmax) as
 * tfjs ops on the active backend. float32 throughout, so values agree with the float64 kernel to
 * float32 precision only.
 */
export async function tensorPixelTerms(
  tf: Tf,
  label: ClassMap,
  scores: SoftScores,
  options: MetricOptions,
): Promise<PixelTerms> {
  const { label: labels, validPixels } = validLabels(label, options);
  const pixels = scores.width * scores.height;
  const channels = scores.channels;
  const [truth, argmax, top] = tf.tidy((): [Tensor, Tensor, Tensor] => {
    const stored = scores.values instanceof Float32Array ? scores.values : Float32Array.from(scores.values);
    // CHW files arrive as read (one plane per class): the backend transposes them to a row per pixel.
    const values =
      scores.layout === 'chw'
        ? tf.transpose(tf.tensor2d(stored, [channels, pixels]))
        : tf.tensor2d(stored, [pixels, channels]);
    const probabilities =
      scores.kind === 'logits' ? tf.softmax(values) : tf.div(values, tf.maximum(tf.sum(values, 1, true), 1e-30));
    const target = tf.oneHot(tf.tensor1d(labels, 'int32'), channels);
    return [tf.sum(tf.mul(probabilities, target), 1), tf.argMax(values, 1), tf.max(probabilities, 1)];
  });
  const [truthValues, argmaxValues, topValues] = await Promise.all([truth.data(), argmax.data(), top.data()]);
  tf.dispose([truth, argmax, top]);
  return {
    width: scores.width,
    height: scores.height,
    label: labels,
    predicted: Int32Array.from(argmaxValues),
    truthProbability: Float64Array.from(truthValues),
    confidence: Float64Array.from(topValues),
    validPixels,
  };
}
