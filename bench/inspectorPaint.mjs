/* global window, document, requestAnimationFrame -- the callbacks handed to page.evaluate run in the page */
// The inspector's first-paint budget (issue 20): a 2048×1024 frame is drawn <= 300 ms after its message.
// Generates one Cityscapes-sized pair (19 classes) with the bench's data generator, evaluates it with the
// engine and builds the message exactly as the extension does (src/extension/logic/inspectorMessage.ts,
// opened from the hard examples, so the merge-effect layer is on). Loads the real page (dist/inspector.js,
// media/inspector.css, the extension's HTML shell and CSP) in headless Chromium at 1400×900, puts the
// message in the page, then times window.postMessage (its typed arrays transferred, as VS Code's webview
// element does) to the second animation frame after it (the message checked, the layers on screen built
// and the canvas drawn). A fresh page per run; the median is reported.
//   node bench/inspectorPaint.mjs [--runs N]      (after `npm run build`)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumMissing, launchChromium, median, requireBuilt, servedPage } from './benchPage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ORIGIN = 'https://seglens-inspector.bench';
const NONCE = 'YmVuY2gtaW5zcGVjdG9yLW5vbmNl';
export const INSPECTOR_PAINT_BUDGET_MS = 300;
export const FRAME = { width: 2048, height: 1024, classes: 19 };

/** The engine and the extension's message builder, bundled from their TypeScript sources in memory. */
async function loadModules() {
  const { build } = await import('esbuild');
  const contents = [
    "export { evaluateImage } from './src/core';",
    "export { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from './src/core/options';",
    "export { imageMessage } from './src/extension/logic/inspectorMessage';",
    "export { webviewHtml } from './src/extension/webviewHtml';",
    "export { CITYSCAPES_CLASSES } from './src/core/io/colorTable';",
  ].join('\n');
  // Written beside the extension's bundles in dist/, where the engine finds its WebAssembly files.
  const outfile = join(root, 'dist', 'bench-inspector-message.cjs');
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return require(outfile);
}

/** The message for a generated 2048×1024 pair, its typed arrays as {kind, base64} so they cross into the page intact. */
async function frameMessage(modules) {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-inspector-bench-'));
  try {
    execFileSync(process.execPath, [
      join(root, 'dist', 'make-bench-data.js'),
      ...['--out', dir, '--width', String(FRAME.width), '--height', String(FRAME.height)],
      ...['--classes', String(FRAME.classes), '--seed', '7', '--count', '1', '--part', '0/1'],
    ]);
    const name = 'img_000000';
    const metric = { ...modules.DEFAULT_METRIC_OPTIONS, numClasses: FRAME.classes };
    const evaluated = await modules.evaluateImage(
      { name, predictionFile: join(dir, 'predictions', `${name}.png`), labelFile: join(dir, 'labels', `${name}.png`) },
      { metric, read: modules.DEFAULT_READ_OPTIONS },
    );
    const message = modules.imageMessage({
      record: evaluated.record,
      maps: evaluated.maps,
      numClasses: FRAME.classes,
      ignoreIndex: 255,
      classNames: modules.CITYSCAPES_CLASSES.map(([name]) => name),
      colorTable: undefined,
      imageUri: null,
      position: { index: 0, total: 500, list: 'hard examples' },
      openedFrom: 'hardExamples',
      lossVariant: 'paper',
      datasetName: 'generated 2048×1024',
    });
    const tag = (value) => {
      if (ArrayBuffer.isView(value))
        return {
          __typed: value.constructor.name,
          base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
        };
      if (Array.isArray(value)) return value.map(tag);
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, tag(inner)]));
      return value;
    };
    return tag(message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Returns { width, height, runs: [ms], medianMs, layers } or { skipped }. */
export async function benchInspectorPaint({ runs = 7 } = {}) {
  const missing = chromiumMissing();
  if (missing !== null) return { skipped: missing };
  requireBuilt('dist/inspector.js', 'dist/make-bench-data.js', 'media/inspector.css');
  const modules = await loadModules();
  const message = await frameMessage(modules);
  const browser = await launchChromium();
  const html = modules.webviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    script: readFileSync(join(root, 'dist', 'inspector.js'), 'utf8'),
    style: readFileSync(join(root, 'media', 'inspector.css'), 'utf8'),
  });
  const files = {
    '/index.html': ['text/html', html],
  };
  const times = [];
  let drawn = null;
  try {
    for (let run = 0; run < runs; run++) {
      const page = await servedPage(browser, ORIGIN, files);
      await page.addInitScript(() => {
        window.acquireVsCodeApi = () => ({
          postMessage: () => undefined,
          getState: () => undefined,
          setState: () => undefined,
        });
      });
      await page.goto(`${ORIGIN}/index.html`);
      // The message is rebuilt in the page first (typed arrays from base64): not part of the time.
      await page.evaluate((tagged) => {
        const revive = (value) => {
          if (value !== null && typeof value === 'object' && '__typed' in value) {
            const bytes = Uint8Array.from(atob(value.base64), (c) => c.charCodeAt(0));
            return new window[value.__typed](bytes.buffer);
          }
          if (Array.isArray(value)) return value.map(revive);
          if (value !== null && typeof value === 'object')
            return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revive(inner)]));
          return value;
        };
        window.__benchMessage = revive(tagged);
      }, message);
      const result = await page.evaluate(
        () =>
          new Promise((resolve) => {
            // As VS Code delivers it: the typed arrays' buffers are transferred into the webview, not copied
            // (its webview element posts with a transfer list; the extension host ships buffers apart).
            const buffers = [];
            const collect = (value) => {
              if (ArrayBuffer.isView(value)) buffers.push(value.buffer);
              else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
            };
            collect(window.__benchMessage);
            const started = performance.now();
            window.postMessage(window.__benchMessage, '*', buffers);
            // The message event runs first, then the frame it drew is produced before the second callback.
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                const canvas = document.querySelector('canvas');
                resolve({
                  ms: performance.now() - started,
                  canvas: canvas === null ? null : [canvas.width, canvas.height],
                  name: document.getElementById('image-name')?.textContent ?? '',
                  layers: [...document.querySelectorAll('vscode-checkbox[data-layer]')]
                    .filter((box) => box.checked)
                    .map((box) => box.dataset.layer),
                });
              }),
            );
          }),
      );
      if (result.name !== 'img_000000') throw new Error(`the inspector did not show the frame (name "${result.name}")`);
      if (result.canvas === null || result.canvas[0] === 0)
        throw new Error(`the inspector drew no canvas (${JSON.stringify(result.canvas)})`);
      times.push(result.ms);
      drawn = result;
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return { ...FRAME, runs: times, medianMs: median(times), layers: drawn?.layers ?? [] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--runs');
  const result = await benchInspectorPaint({ runs: at > 0 ? Number(process.argv[at + 1]) : 7 });
  if ('skipped' in result) console.log(`skipped: ${result.skipped}`);
  else
    console.log(
      `Inspector first paint, ${result.width}×${result.height}, layers on: ${result.layers.join(', ')}: median ` +
        `${result.medianMs.toFixed(0)} ms (runs ${result.runs.map((t) => t.toFixed(0)).join(', ')}; budget ${INSPECTOR_PAINT_BUDGET_MS} ms)`,
    );
}
