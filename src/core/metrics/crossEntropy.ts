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

/**
 * A running sum with Neumaier's compensation: the sum of H·W costs stays within a few ulps of the exact
 * one (a plain sum drifts by up to ~1e-11 relative over a VOC-sized image), so CE from the general path
 * and from the fused hard kernel's counts (fusedHard.ts) agree to rounding, whichever path a setting takes.
 */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;
  add(x: number): void {
    const t = this.sum + x;
    this.compensation += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.compensation;
  }
}

/** CE: the mean of c(p) over valid pixels (NaN when there is none). */
export function crossEntropy(terms: PixelTerms): number {
  const sum = new CompensatedSum();
  forEachPixelCost(terms, (_, c) => sum.add(c));
  return terms.validPixels > 0 ? sum.value / terms.validPixels : Number.NaN;
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
  const sum = new CompensatedSum();
  for (let p = 0; p < pixelCost.length; p++) sum.add(pixelCost[p]!);
  return validPixels > 0 ? sum.value / validPixels : Number.NaN;
}
