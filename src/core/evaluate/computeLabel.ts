import type { EngineOptions } from '../io/readFiles';
import type * as TensorBackend from '../tensor/backend';

/**
 * What computes the metrics, for reports and logs: `exact-float64`, or `tfjs-<backend>` when soft
 * predictions go through TensorFlow.js. TensorFlow.js is only started when it is the one computing.
 */
export async function computeLabel(compute: EngineOptions['compute']): Promise<string> {
  if (compute !== 'tensor') return 'exact-float64';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: starting TensorFlow.js is slow
  const { tensorRuntime } = require('../tensor/backend') as typeof TensorBackend;
  return `tfjs-${(await tensorRuntime()).backend}`;
}
