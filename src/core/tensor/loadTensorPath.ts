import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as TensorPath from './tensorPath';

export type TensorPathModule = typeof TensorPath;

/** Resolved at run time, so the bundler leaves it out of the bundle that asks for it. */
const SOURCE_MODULE = './tensorPath';

let loaded: TensorPathModule | undefined;

/**
 * The tensor path, on first use. TensorFlow.js is nine tenths of a bundle (1.8 MB of 2), and parsing it
 * cost every process about 50 ms of start-up that exact evaluation never needs: the CLI, worker and
 * extension bundles load it from dist/tensor.js beside them; compiled sources (the tests) load the module.
 */
export function loadTensorPath(): TensorPathModule {
  if (!loaded) {
    const bundled = join(__dirname, 'tensor.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, from a path known at run time
    loaded = require(existsSync(bundled) ? bundled : SOURCE_MODULE) as TensorPathModule;
  }
  return loaded;
}
