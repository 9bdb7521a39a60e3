// What the three webview benches share (datasetPanel.mjs, galleryScroll.mjs, inspectorPaint.mjs):
// Debian's Chromium launched headless, pages at 1400x900 whose files are served from a fake origin and
// nothing else, the extension's own HTML shell and CSP (src/extension/webviewHtml.ts, bundled in memory,
// so the page measured is the real one), and the median of the runs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1400, height: 900 };

/** Why a webview bench cannot run here, or null when it can. */
export function chromiumMissing() {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}`;
}

/** Fails early, naming the bundle, when `npm run build` has not made the files a bench loads. */
export function requireBuilt(...files) {
  for (const file of files) if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build`);
}

export async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** A new page at 1400x900, device scale 1, serving `files` (path → [content type, body]) at `origin`; anything else gets a 404. */
export async function servedPage(browser, origin, files) {
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const served = url.origin === origin ? files[url.pathname] : undefined;
    return served === undefined
      ? route.fulfill({ status: 404, body: '' })
      : route.fulfill({ status: 200, contentType: served[0], body: served[1] });
  });
  return page;
}

/** The extension's `webviewHtml`, bundled from its TypeScript source. */
export async function extensionWebviewHtml() {
  const { build } = await import('esbuild');
  const bundled = await build({
    entryPoints: [join(root, 'src', 'extension', 'webviewHtml.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const module = await import(
    `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`
  );
  return module.webviewHtml;
}

export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
