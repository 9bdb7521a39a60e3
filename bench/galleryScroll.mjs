// The gallery's scroll budget (issue 20): at 100,000 images, no main-thread task over 50 ms while
// scrolling. Loads dist/gallery.js in headless Chromium under its real page and CSP (the webview
// tests' set-up), sends 100,000 images, answers every thumbnail request at once with a 160 px PNG
// (as a warm disk cache would), scrolls through the whole list programmatically, one step per
// animation frame, with jumps, and reads the long tasks (> 50 ms) a PerformanceObserver saw.
//   node bench/galleryScroll.mjs            (also run by bench/run.mjs)
// The page.evaluate callbacks run in Chromium, hence browser globals.
/* global window, document, requestAnimationFrame */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumMissing, extensionWebviewHtml, launchChromium, requireBuilt, servedPage } from './benchPage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ORIGIN = 'https://seglens-gallery.bench';
const NONCE = 'YmVuY2gtZ2FsbGVyeS1ub25jZQ';
export const GALLERY_IMAGES = 100_000;

function thumbnailUri() {
  const { PNG } = require('pngjs');
  const png = new PNG({ width: 160, height: 120 });
  for (let y = 0; y < 120; y++)
    for (let x = 0; x < 160; x++) png.data.set([(x * 3) % 256, (y * 5) % 256, 128, 255], (y * 160 + x) * 4);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** Returns { images, longTasks, longestMs, scrolledRows, frames, seconds, loadMs, thumbnailsServed }. */
export async function measureGalleryScroll({ images = GALLERY_IMAGES, steps = 400 } = {}) {
  const missing = chromiumMissing();
  if (missing !== null) return { skipped: missing };
  requireBuilt('dist/gallery.js', 'media/gallery.css');
  const webviewHtml = await extensionWebviewHtml();
  const browser = await launchChromium();
  try {
    const html = webviewHtml({
      cspSource: ORIGIN,
      nonce: NONCE,
      script: readFileSync(join(root, 'dist', 'gallery.js'), 'utf8'),
      style: readFileSync(join(root, 'media', 'gallery.css'), 'utf8'),
      title: 'SegLens Gallery',
      rootId: 'gallery',
    });
    const page = await servedPage(browser, ORIGIN, {
      '/index.html': ['text/html', html],
    });
    // The host stand-in: answers each thumbnail request right away, like a warm cache.
    await page.addInitScript((uri) => {
      window.__bench = { longTasks: [], served: 0 };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
      window.acquireVsCodeApi = () => ({
        postMessage: (message) => {
          if (message.type !== 'requestThumbnails') return;
          setTimeout(() => {
            window.__bench.served += message.names.length;
            window.postMessage(
              { type: 'thumbnails', items: message.names.map((name) => ({ name, dataUri: uri })) },
              '*',
            );
          }, 0);
        },
        getState: () => undefined,
        setState: () => undefined,
      });
    }, thumbnailUri());
    await page.goto(`${ORIGIN}/index.html`);
    const loadMs = await page.evaluate(async (count) => {
      const names = Array.from({ length: count }, (_, i) => `val/${String(i).padStart(7, '0')}`);
      const values = Float64Array.from({ length: count }, (_, i) => 2 - (2 * i) / count);
      const started = performance.now();
      window.postMessage(
        {
          type: 'galleryItems',
          title: 'bench',
          query: { sortKey: 'adaptive', classId: null, cell: null, delta: 'any' },
          sortKeys: [{ key: 'adaptive', label: 'Adaptive loss', detail: 'highest first', format: 'fixed' }],
          classNames: ['background', 'object'],
          classes: [],
          cells: [],
          comparing: false,
          total: count,
          names,
          values,
        },
        '*',
      );
      await new Promise((resolve) => {
        const check = () =>
          document.querySelector('[role=option]') !== null ? resolve(undefined) : requestAnimationFrame(check);
        check();
      });
      return performance.now() - started;
    }, images);
    // Let the first screen's thumbnails arrive, then start counting.
    await page.waitForTimeout(500);
    const result = await page.evaluate(async (stepCount) => {
      window.__bench.longTasks = [];
      const grid = document.getElementById('grid');
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const started = performance.now();
      const end = grid.scrollHeight - grid.clientHeight;
      let frames = 0;
      for (let step = 0; step <= stepCount; step++) {
        // Mostly a steady scroll through the whole list; every 50th step a jump, as a dragged scrollbar does.
        grid.scrollTop = step % 50 === 25 ? Math.random() * end : (end * step) / stepCount;
        await frame();
        frames++;
        // A pause now and then lets the thumbnail requests go out and their answers be drawn.
        if (step % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      return {
        longTasks: window.__bench.longTasks.length,
        longestMs: Math.max(0, ...window.__bench.longTasks),
        frames,
        seconds: (performance.now() - started) / 1000,
        cellsInDom: document.querySelectorAll('[role=option]').length,
        thumbnailsServed: window.__bench.served,
      };
    }, steps);
    return { images, loadMs, ...result };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measureGalleryScroll()));
}
