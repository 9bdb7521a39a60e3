import { LOG_FLOOR } from '../options';
import type { PixelTerms } from '../types';

/** Cost of one probability: -log(max(x, delta)). */
export function cost(probability: number): number {
  return -Math.log(probability > LOG_FLOOR ? probability : LOG_FLOOR);
}

/**
 * Visits c(p) of every valid pixel. Hard predictions have three probabilities in all (hit, miss,
 * outside), so the last log is reused rather than recomputed per pixel.
 */
function forEachPixelCost(terms: PixelTerms, visit: (p: number, pixelCost: number) => void): void {
  const { label, truthProbability } = terms;
  let lastProbability = Number.NaN;
  let lastCost = 0;
  for (let p = 0; p < label.length; p++) {
    if (label[p]! < 0) continue;
    const probability = truthProbability[p]!;
    if (probability !== lastProbability) {
      lastProbability = probability;
      lastCost = cost(probability);
    }
    visit(p, lastCost);
  }
}

/** CE: the mean of c(p) over valid pixels (NaN when there is none). */
export function crossEntropy(terms: PixelTerms): number {
  let sum = 0;
  forEachPixelCost(terms, (_, c) => {
    sum += c;
  });
  return terms.validPixels > 0 ? sum / terms.validPixels : Number.NaN;
}

/** The per-pixel cost map c(p), 0 on void pixels: only the inspector needs it. */
export function pixelCostMap(terms: PixelTerms): Float64Array {
  const map = new Float64Array(terms.label.length);
  forEachPixelCost(terms, (p, c) => {
    map[p] = c;
  });
  return map;
}

/**
 * CE from the cost map: the same sum in the same order as crossEntropy (void pixels add +0, which
 * changes no sum), so the same number, without a second log per pixel.
 */
export function meanCost(pixelCost: Float64Array, validPixels: number): number {
  let sum = 0;
  for (let p = 0; p < pixelCost.length; p++) sum += pixelCost[p]!;
  return validPixels > 0 ? sum / validPixels : Number.NaN;
}
