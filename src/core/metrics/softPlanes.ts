/**
 * P(p, y_p) and the argmax of soft scores stored class plane by class plane (CHW), read in place.
 *
 * The pixels are taken a block at a time, and within a block the planes one after the other: each
 * plane's slice is read sequentially and the per-pixel accumulators (running max, sum of exps) stay in
 * the L1 cache, where a pixel-major loop over CHW would stride H·W values between a pixel's classes.
 * Every pixel sees the same operations in the same order as in the pixel-major HWC loop (max and
 * argmax over c = 0..C-1 with the first maximum kept, then the sum of exp(v_c - max) from c = 0), so
 * both layouts give the same bits.
 */

import { tableExp } from './tableExp';

/** Pixels per block: two float64 accumulators of this length are 32 KiB, about an L1 data cache. */
const BLOCK = 2048;

/** Inputs as in softPixelTerms: `labels` is -1 on void pixels, which get an argmax but no probability. */
export interface SoftTermsInput {
  readonly values: Float32Array | Float64Array;
  readonly channels: number;
  readonly labels: Int32Array;
  readonly kind: 'logits' | 'probabilities';
}

/**
 * Fills `predicted` (every pixel), `truthProbability` and `confidence` (the top-1 probability, for
 * calibration) on valid pixels, from CHW scores.
 */
export function planePixelTerms(
  input: SoftTermsInput,
  predicted: Int32Array,
  truthProbability: Float64Array,
  confidence: Float64Array,
): void {
  const { values, channels, labels } = input;
  const pixels = labels.length;
  // float64 holds every float32 exactly, so the max compares and subtracts as the HWC loop's does.
  const best = new Float64Array(BLOCK);
  const total = new Float64Array(BLOCK);
  for (let start = 0; start < pixels; start += BLOCK) {
    const n = Math.min(BLOCK, pixels - start);
    for (let i = 0; i < n; i++) {
      best[i] = values[start + i]!;
      predicted[start + i] = 0;
    }
    for (let c = 1, plane = pixels; c < channels; c++, plane += pixels) {
      const offset = plane + start;
      for (let i = 0; i < n; i++) {
        const v = values[offset + i]!;
        if (v > best[i]!) {
          best[i] = v;
          predicted[start + i] = c;
        }
      }
    }
    total.fill(0, 0, n);
    if (input.kind === 'logits') {
      for (let c = 0, plane = 0; c < channels; c++, plane += pixels) {
        const offset = plane + start;
        for (let i = 0; i < n; i++) {
          if (labels[start + i]! < 0) continue;
          total[i]! += tableExp(values[offset + i]! - best[i]!);
        }
      }
      // The numerator once more, gathered: one exp per pixel is cheaper than a branch on y === c in the
      // loop above, which mispredicts once per pixel.
      for (let i = 0; i < n; i++) {
        const y = labels[start + i]!;
        if (y < 0) continue;
        truthProbability[start + i] = tableExp(values[y * pixels + start + i]! - best[i]!) / total[i]!;
        // The top class's exp is tableExp(0) = 1 exactly.
        confidence[start + i] = 1 / total[i]!;
      }
    } else {
      for (let c = 0, plane = 0; c < channels; c++, plane += pixels) {
        const offset = plane + start;
        for (let i = 0; i < n; i++) total[i]! += values[offset + i]!;
      }
      for (let i = 0; i < n; i++) {
        const y = labels[start + i]!;
        if (y < 0) continue;
        const sum = total[i]!;
        truthProbability[start + i] = sum > 0 ? values[y * pixels + start + i]! / sum : 1 / channels;
        confidence[start + i] = sum > 0 ? best[i]! / sum : 1 / channels;
      }
    }
  }
}
