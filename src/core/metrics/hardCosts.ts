import { lossVariant, type MetricOptions } from '../options';
import type { ConfusionMatrix } from '../types';
import { cost } from './crossEntropy';

/**
 * A hard prediction's three probabilities of the true class (hit 1−ε, miss ε/(C−1), outside 1/C), their
 * costs, and the loss variant's exponent: what both fused kernels (fusedHard.ts, fusedHardWeighted.ts)
 * need of the options.
 */
export interface HardCosts {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  readonly hit: number;
  readonly miss: number;
  readonly outside: number;
  readonly hitCost: number;
  readonly missCost: number;
  readonly outsideCost: number;
  readonly minkowski: number;
}

export function hardCosts(options: MetricOptions): HardCosts {
  const { numClasses: C, hardEpsilon, ignoreIndex } = options;
  return {
    numClasses: C,
    ignoreIndex,
    hit: 1 - hardEpsilon,
    miss: hardEpsilon / (C - 1),
    outside: 1 / C,
    hitCost: cost(1 - hardEpsilon),
    missCost: cost(hardEpsilon / (C - 1)),
    outsideCost: cost(1 / C),
    minkowski: lossVariant(options).minkowski,
  };
}

/** CE from a hard prediction's confusion matrix: hits are its diagonal, outside predictions its unknown column. */
export function crossEntropyOf(confusion: ConfusionMatrix, validPixels: number, costs: HardCosts): number {
  if (validPixels === 0) return Number.NaN;
  const C = costs.numClasses;
  let hits = 0;
  let outside = 0;
  for (let c = 0; c < C; c++) {
    hits += confusion.counts[c * C + c]!;
    outside += confusion.unknown[c]!;
  }
  const misses = validPixels - hits - outside;
  return (hits * costs.hitCost + misses * costs.missCost + outside * costs.outsideCost) / validPixels;
}
