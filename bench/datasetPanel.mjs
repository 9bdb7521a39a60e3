/* global window, document, requestAnimationFrame -- the callbacks handed to page.evaluate and addInitScript run in the page */
// Dataset panel budget (issue 20): the panel at 171 classes opens in <= 500 ms. Loads dist/dataset.js
// and dist/dataset.css in headless Chromium under the webview's CSP at 1400x900, hands it a generated
// 171-class dataset (every class present, each confused with a few others) the moment it says it is
// ready, and times from navigation start to the second frame after the message (the summary, matrix,
// names, legend and top confusions drawn: the panel's first screen). The calibration section and the
// class table below the matrix are built after that frame; the time they are complete is reported too.
// The median of several loads.
//   node bench/datasetPanel.mjs [--runs N]      (after `npm run build`)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromiumMissing,
  extensionWebviewHtml,
  launchChromium,
  median,
  requireBuilt,
  servedPage,
} from './benchPage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ORIGIN = 'https://seglens-bench.test';
const NONCE = 'YmVuY2gtZGF0YXNldC1wYW5lbC0x';
export const DATASET_PANEL_BUDGET_MS = 500;

function dataset(numClasses, seed = 171) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const n = numClasses;
  const confusion = new Array(n * n).fill(0);
  for (let label = 0; label < n; label++) {
    confusion[label * n + label] = Math.round(10000 + next() * 200000);
    for (let k = 0; k < 6; k++) confusion[label * n + Math.floor(next() * n)] += Math.round(next() * 20000);
  }
  const iou = Array.from({ length: n }, () => next());
  return {
    type: 'dataset',
    title: `bench-${n}-classes`,
    images: 2000,
    numClasses: n,
    classNames: Array.from({ length: n }, (_, c) => `class number ${c}`),
    classColors: Array.from({ length: n }, (_, c) => [(c * 37) % 256, (c * 91) % 256, (c * 53) % 256]),
    confusion,
    unknownPredictions: new Array(n).fill(0),
    classFigures: { perClassIoU: iou, perClassBoundaryIoU: iou.map((v) => v * 0.6) },
    figures: { miou: 0.5, meanImageMiou: 0.5, pixelAccuracy: 0.8, boundaryMiou: 0.3 },
    reliability: null,
  };
}

/** Milliseconds from navigation start to the panel drawn with a `numClasses` dataset, per run. */
export async function benchDatasetPanel({ numClasses = 171, runs = 7 } = {}) {
  const missing = chromiumMissing();
  if (missing !== null) return { skipped: missing };
  requireBuilt('dist/dataset.js', 'media/dataset.css');
  const webviewHtml = await extensionWebviewHtml();
  const files = {
    '/index.html': [
      'text/html',
      webviewHtml({
        cspSource: ORIGIN,
        nonce: NONCE,
        script: readFileSync(join(root, 'dist', 'dataset.js'), 'utf8'),
        style: readFileSync(join(root, 'media', 'dataset.css'), 'utf8'),
        title: 'SegLens Dataset',
        rootId: 'dataset',
      }),
    ],
  };
  const browser = await launchChromium();
  const times = [];
  /** Navigation start to the script's first message: page and bundle load, before any data. */
  const readyTimes = [];
  /** Navigation start to the parts below the matrix (calibration, class table) built, polled each frame. */
  const completeTimes = [];
  try {
    const message = dataset(numClasses);
    for (let run = 0; run < runs; run++) {
      const tab = await servedPage(browser, ORIGIN, files);
      await tab.addInitScript((plain) => {
        window.acquireVsCodeApi = () => ({
          getState: () => undefined,
          setState: () => {},
          postMessage: (posted) => {
            if (posted.type !== 'datasetReady') return;
            window.__readyAt = performance.now();
            const data = {
              ...plain,
              confusion: Float64Array.from(plain.confusion),
              unknownPredictions: Float64Array.from(plain.unknownPredictions),
            };
            setTimeout(() => {
              window.postMessage(data, '*');
              setTimeout(() =>
                requestAnimationFrame(() => requestAnimationFrame(() => (window.__drawnAt = performance.now()))),
              );
            });
          },
        });
      }, message);
      await tab.goto(`${ORIGIN}/index.html`);
      await tab.waitForFunction(() => window.__drawnAt !== undefined, undefined, { timeout: 30_000 });
      // The calibration section and the class table below the matrix follow the first frame.
      await tab.waitForFunction(
        () => {
          if (document.getElementById('dataset')?.getAttribute('aria-busy') !== 'false') return false;
          window.__completeAt ??= performance.now();
          return true;
        },
        undefined,
        { timeout: 30_000, polling: 'raf' },
      );
      const drawn = await tab.evaluate(() => ({
        complete: window.__completeAt,
        tableRows: document.querySelectorAll('#class-table tbody tr').length,
        at: window.__drawnAt,
        ready: window.__readyAt,
        rows: document.querySelectorAll('#row-labels .row-label').length,
      }));
      if (drawn.rows !== numClasses) throw new Error(`the panel drew ${drawn.rows} rows, not ${numClasses}`);
      if (drawn.tableRows !== numClasses)
        throw new Error(`the class table has ${drawn.tableRows} rows, not ${numClasses}`);
      times.push(drawn.at);
      completeTimes.push(drawn.complete);
      readyTimes.push(drawn.ready);
      await tab.close();
    }
  } finally {
    await browser.close();
  }
  return {
    numClasses,
    runs: times,
    medianMs: median(times),
    readyMedianMs: median(readyTimes),
    completeMedianMs: median(completeTimes),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--runs');
  const result = await benchDatasetPanel({ runs: at > 0 ? Number(process.argv[at + 1]) : 7 });
  if ('skipped' in result) process.stdout.write(`skipped: ${result.skipped}\n`);
  else
    process.stdout.write(
      `Dataset panel, ${result.numClasses} classes, navigation start to drawn: median ${result.medianMs.toFixed(0)} ms ` +
        `(of which page and script load ${result.readyMedianMs.toFixed(0)} ms; ` +
        `class table below it built at ${result.completeMedianMs.toFixed(0)} ms) ` +
        `(runs ${result.runs.map((t) => t.toFixed(0)).join(', ')}; budget ${DATASET_PANEL_BUDGET_MS} ms)\n`,
    );
}
