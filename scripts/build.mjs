// Bundles the extension host, CLI and worker (node) and the inspector webview (browser) with esbuild.
import { build, context } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildWasm } from './build-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const production = process.argv.includes('--production');
// `npm run watch`: rebuild each bundle when its sources change (F5 in VS Code starts it, .vscode/tasks.json).
const watch = process.argv.includes('--watch');
mkdirSync(dist, { recursive: true });
// First: the bundles below and tsc take the kernels' bytes from the module it writes.
await buildWasm();

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // tfjs-node is native and optional: loaded at run time when installed, never bundled.
  external: ['vscode', '@tensorflow/tfjs-node'],
  // tfjs backends register themselves on import, which their sideEffects lists do not all declare.
  ignoreAnnotations: true,
};

const nodeEntries = [
  ['src/extension/extension.ts', 'extension.js'],
  ['src/cli/main.ts', 'cli.js'],
  ['src/core/evaluate/worker.ts', 'worker.js'],
  // seglens merge's threads (src/core/report/parallelMerge.ts starts it from next to the CLI bundle).
  ['src/core/report/mergeWorker.ts', 'mergeWorker.js'],
  // eval's and compare's pairing thread (src/core/io/pairingThread.ts starts it from next to the CLI bundle).
  ['src/core/io/pairingWorker.ts', 'pairingWorker.js'],
  // The extension's file stamps for its result cache (src/core/io/statThread.ts starts it from next to the extension bundle).
  ['src/core/io/statWorker.ts', 'statWorker.js'],
  // Gallery thumbnails (src/core/thumbnails/thumbnailPool.ts starts it from next to the extension bundle).
  ['src/core/thumbnails/thumbnailWorker.ts', 'thumbnailWorker.js'],
  // TensorFlow.js, loaded by the three above only when the tensor path runs (src/core/tensor/loadTensorPath.ts).
  ['src/core/tensor/tensorPath.ts', 'tensor.js'],
  ['src/tools/makeSamples.ts', 'make-samples.js'],
  ['src/tools/makeBenchData.ts', 'make-bench-data.js'],
];

const bundles = [
  ...nodeEntries
    .filter(([entry]) => existsSync(join(root, entry)))
    .map(([entry, out]) => ({ ...nodeCommon, entryPoints: [join(root, entry)], outfile: join(dist, out) })),
  ...[
    ['webview/inspector/main.ts', 'inspector.js'],
    ['webview/dataset/main.ts', 'dataset.js'],
    ['webview/gallery/main.ts', 'gallery.js'],
  ].map(([entry, out]) =>
    existsSync(join(root, entry))
      ? {
          bundle: true,
          platform: 'browser',
          target: 'es2022',
          format: 'iife',
          sourcemap: !production,
          minify: production,
          logLevel: 'warning',
          entryPoints: [join(root, entry)],
          outfile: join(dist, out),
        }
      : undefined,
  ),
].filter((options) => options !== undefined);

if (watch) {
  for (const options of bundles) await (await context(options)).watch();
  console.log(`watching ${bundles.length} bundles (Ctrl+C to stop)`);
} else {
  await Promise.all(bundles.map((options) => build(options)));
}

// The wasm backend loads its binaries from disk next to the bundle (dist/wasm), so it works offline.
const require = createRequire(import.meta.url);
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
mkdirSync(join(dist, 'wasm'), { recursive: true });
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')))
  cpSync(join(wasmDir, file), join(dist, 'wasm', file));

if (existsSync(join(root, 'media'))) {
  for (const file of readdirSync(join(root, 'media')).filter((f) => f.endsWith('.css')))
    cpSync(join(root, 'media', file), join(dist, file));
}
