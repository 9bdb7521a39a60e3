import type { EngineOptions } from '../io/readFiles';
import { loadTensorPath } from '../tensor/loadTensorPath';

/**
 * What computes the metrics, for reports and logs: `exact-float64`, or `tfjs-<backend>` when soft
 * predictions go through TensorFlow.js. TensorFlow.js is only started when it is the one computing.
 */
export async function computeLabel(compute: EngineOptions['compute']): Promise<string> {
  if (compute !== 'tensor') return 'exact-float64';
  const { tensorRuntime } = loadTensorPath();
  return `tfjs-${(await tensorRuntime()).backend}`;
}
