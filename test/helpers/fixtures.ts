import type { ClassMap, Prediction } from '../../src/core/types';
import type { MetricOptions } from '../../src/core/options';
import type { GoldenCase } from './golden';

export function classMap(rows: readonly (readonly number[])[]): ClassMap {
  const height = rows.length;
  const width = rows[0]!.length;
  return { width, height, ids: Uint16Array.from(rows.flat()) };
}

export function goldenPrediction(c: GoldenCase): Prediction {
  if (c.pred) return { type: 'hard', map: classMap(c.pred) };
  const logits = c.logits_hwc!;
  return {
    type: 'soft',
    scores: {
      width: logits[0]!.length,
      height: logits.length,
      channels: c.C,
      kind: 'logits',
      values: Float64Array.from(logits.flat(2)),
    },
  };
}

export function goldenOptions(c: GoldenCase): MetricOptions {
  return {
    numClasses: c.C,
    ignoreIndex: c.ignore,
    scales: c.scales,
    hardEpsilon: c.hard_eps ?? 1e-3,
    ...(c.pooling !== undefined ? { pooling: c.pooling } : {}),
    ...(c.pooling_sigma !== undefined ? { poolingSigma: c.pooling_sigma } : {}),
    ...(c.minkowski !== undefined ? { minkowski: c.minkowski } : {}),
  };
}
