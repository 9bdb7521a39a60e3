import { LOG_FLOOR } from '../options';
import type { PixelTerms } from '../types';

/** Cost of one probability: -log(max(x, delta)). */
export function cost(probability: number): number {
  return -Math.log(probability > LOG_FLOOR ? probability : LOG_FLOOR);
}

/** Per-pixel cost c(p) (0 on void pixels) and its mean over valid pixels. */
export function crossEntropy(terms: PixelTerms): { pixelCost: Float64Array; ce: number } {
  const pixelCost = new Float64Array(terms.label.length);
  const { label, truthProbability } = terms;
  let sum = 0;
  // Hard predictions have three probabilities in all (hit, miss, outside), so the last log is reused.
  let lastProbability = Number.NaN;
  let lastCost = 0;
  for (let p = 0; p < pixelCost.length; p++) {
    if (label[p]! < 0) continue;
    const probability = truthProbability[p]!;
    if (probability !== lastProbability) {
      lastProbability = probability;
      lastCost = cost(probability);
    }
    pixelCost[p] = lastCost;
    sum += lastCost;
  }
  return { pixelCost, ce: terms.validPixels > 0 ? sum / terms.validPixels : Number.NaN };
}
