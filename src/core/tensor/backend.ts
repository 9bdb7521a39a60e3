import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type Tf = typeof tfCore;
export type TensorBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TensorRuntime {
  readonly tf: Tf;
  readonly backend: TensorBackendName;
  /** Why faster backends were not used, for the log. */
  readonly notes: readonly string[];
}

const WASM_FILE = 'tfjs-backend-wasm.wasm';

/** dist/wasm when bundled; the package's own dist folder when run from sources. */
function wasmDirectory(): string | undefined {
  const bundled = join(__dirname, 'wasm');
  if (existsSync(join(bundled, WASM_FILE))) return bundled;
  try {
    return dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${WASM_FILE}`));
  } catch {
    return undefined;
  }
}

/**
 * tfjs-node brings its own tfjs-core instance with the native backend registered, so when it loads
 * its namespace is used instead of the bundled one.
 */
function loadNativeTf(): Tf | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native module, absent on most machines
    return require('@tensorflow/tfjs-node') as Tf;
  } catch (error) {
    return `@tensorflow/tfjs-node unavailable (${((error as Error).message ?? String(error)).split('\n')[0]})`;
  }
}

let runtime: Promise<TensorRuntime> | undefined;

async function selectRuntime(preferred: TensorBackendName | 'auto'): Promise<TensorRuntime> {
  const notes: string[] = [];
  if (preferred === 'auto' || preferred === 'tensorflow') {
    const native = loadNativeTf();
    if (typeof native !== 'string') {
      await native.setBackend('tensorflow');
      await native.ready();
      return { tf: native, backend: 'tensorflow', notes };
    }
    notes.push(native);
  }
  if (preferred !== 'cpu') {
    const dir = wasmDirectory();
    if (dir) {
      setWasmPaths(`${dir}/`);
      try {
        if (await tfCore.setBackend('wasm')) {
          await tfCore.ready();
          return { tf: tfCore, backend: 'wasm', notes };
        }
        notes.push('wasm backend failed to initialise');
      } catch (error) {
        notes.push(`wasm backend failed: ${(error as Error).message}`);
      }
    } else {
      notes.push(`${WASM_FILE} not found`);
    }
  }
  await tfCore.setBackend('cpu');
  await tfCore.ready();
  return { tf: tfCore, backend: 'cpu', notes };
}

/** Picks the fastest backend that loads: tfjs-node, then wasm, then cpu. Chosen once per process. */
export function tensorRuntime(preferred: TensorBackendName | 'auto' = 'auto'): Promise<TensorRuntime> {
  runtime ??= selectRuntime(preferred);
  return runtime;
}
