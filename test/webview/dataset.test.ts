/**
 * The dataset panel (dist/dataset.js) in headless Chromium, under its real page and strict CSP:
 * the confusion matrix drawn cell by cell (read back from the canvas), hover and keyboard,
 * the click → image list → open round trip as posted messages, the per-class table, the state.
 *
 * Fixture: 3 classes. Rows (label) → columns (prediction) pixel counts:
 *   background: 90 → background, 10 → dog      (row shares 0.9, 0, 0.1)
 *   cat:        30 → cat, 30 → dog              (0, 0.5, 0.5)
 *   dog:        0 pixels (an empty row draws empty)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { webviewHtml } from '../../src/extension/webviewHtml';
import { defaultClassColors } from '../../src/shared/protocol/dataset';
import { fakeVsCodeApi, launchChromium, serveOnly } from './pageHarness';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE_PATH = join(ROOT, 'dist', 'dataset.js');
const STYLE_PATH = join(ROOT, 'media', 'dataset.css');
const ORIGIN = 'https://seglens-dataset.test';
const NONCE = 'ZGF0YXNldC1ub25jZS0xMjM0NTY3';

const COUNTS = [90, 0, 10, 0, 30, 30, 0, 0, 0];
/** The panel's colours outside VS Code: the CSS fallbacks of the theme variables it reads. */
const EMPTY: readonly number[] = [30, 30, 30];
const FULL: readonly number[] = [55, 148, 255];

let browser: Browser | undefined;
let context: BrowserContext | undefined;

async function openPanel(saved: unknown = null): Promise<{ page: Page; foreign: string[] }> {
  if (context === undefined) throw new Error('browser not launched');
  const page = await context.newPage();
  const html = webviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    scriptUri: `${ORIGIN}/dist/dataset.js`,
    styleUri: `${ORIGIN}/media/dataset.css`,
    title: 'SegLens Dataset',
    rootId: 'dataset',
  });
  const foreign = await serveOnly(page, ORIGIN, {
    '/index.html': ['text/html', html],
    '/dist/dataset.js': ['text/javascript', readFileSync(BUNDLE_PATH, 'utf8')],
    '/media/dataset.css': ['text/css', readFileSync(STYLE_PATH, 'utf8')],
  });
  await fakeVsCodeApi(page, saved);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => window.__webviewTest.posted.length > 0);
  return { page, foreign };
}

async function postDataset(page: Page, counts: readonly number[] = COUNTS): Promise<void> {
  await page.evaluate(
    ({ counts, colors }) => {
      window.postMessage(
        {
          type: 'dataset',
          title: 'predictions',
          images: 4,
          numClasses: 3,
          classNames: ['background', 'cat', 'dog'],
          classColors: colors,
          confusion: Float64Array.from(counts),
          perClassIoU: [0.9, 0.5, 0],
          perClassBoundaryIoU: [0.7, 0.25, null],
          miou: 0.4667,
          meanImageMiou: 0.55,
          boundaryMiou: 0.475,
        },
        '*',
      );
    },
    { counts: [...counts], colors: defaultClassColors(3) },
  );
  await page.waitForFunction(() => (document.getElementById('matrix') as HTMLCanvasElement).width > 0);
}

const posted = (page: Page): Promise<unknown[]> => page.evaluate(() => window.__webviewTest.posted);

async function cellPixel(page: Page, label: number, predicted: number): Promise<number[]> {
  return page.evaluate(
    ({ label, predicted }) => {
      const canvas = document.getElementById('matrix') as HTMLCanvasElement;
      const size = canvas.width / 3;
      // Away from the focus outline (the outer pixel ring of the focused cell).
      const data = canvas
        .getContext('2d')
        ?.getImageData(Math.floor((predicted + 0.5) * size), Math.floor((label + 0.5) * size), 1, 1).data;
      return data === undefined ? [] : [data[0] ?? -1, data[1] ?? -1, data[2] ?? -1];
    },
    { label, predicted },
  );
}

/** Where between the empty and the full colour a cell is (0..1), from its blue-green distance. */
function fractionTowardsFull(color: readonly number[]): number {
  const span = (FULL[2] ?? 0) - (EMPTY[2] ?? 0);
  return ((color[2] ?? 0) - (EMPTY[2] ?? 0)) / span;
}

describe('Dataset panel in Chromium', () => {
  before(async () => {
    browser = await launchChromium(BUNDLE_PATH);
    context = await browser.newContext({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
  });

  after(async () => {
    await browser?.close();
  });

  it('says it is ready under the strict CSP, without remote requests', async () => {
    const { page, foreign } = await openPanel();
    try {
      assert.deepEqual(await posted(page), [{ type: 'datasetReady' }]);
      await postDataset(page);
      assert.deepEqual(foreign, []);
      assert.deepEqual(await page.evaluate(() => window.__webviewTest.violations), []);
    } finally {
      await page.close();
    }
  });

  it('draws every cell by its row-normalised share: empty, faint, half, most', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      const side = await page.evaluate(() => (document.getElementById('matrix') as HTMLCanvasElement).width);
      assert.equal(side, 3 * 12, 'three cells of the default 12 px');
      const shares = [
        [0.9, 0, 0.1],
        [0, 0.5, 0.5],
        [0, 0, 0],
      ];
      for (let label = 0; label < 3; label++) {
        for (let predicted = 0; predicted < 3; predicted++) {
          const share = shares[label]![predicted]!;
          const color = await cellPixel(page, label, predicted);
          const where = `cell ${label}→${predicted} (share ${share}) drawn rgb(${color.join(',')})`;
          if (share === 0) assert.deepEqual(color, EMPTY, where);
          else assert.ok(Math.abs(fractionTowardsFull(color) - (0.08 + 0.92 * share)) < 0.02, where);
        }
      }
    } finally {
      await page.close();
    }
  });

  it('shows both mIoUs, boundary mIoU and the per-class table', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      assert.equal(await page.locator('dd[data-metric="miou"]').textContent(), '46.7%');
      assert.equal(await page.locator('dd[data-metric="meanImageMiou"]').textContent(), '55.0%');
      assert.equal(await page.locator('dd[data-metric="boundaryMiou"]').textContent(), '47.5%');
      const rows = await page.locator('#class-table tbody tr').allTextContents();
      assert.equal(rows.length, 3);
      assert.match(rows[1]!, /^cat/);
      assert.equal(await page.locator('#class-table tbody tr[data-class-id="1"] td.pixels').textContent(), '60');
      assert.equal(await page.locator('#class-table tbody tr[data-class-id="2"] td.boundary-iou').textContent(), '—');
    } finally {
      await page.close();
    }
  });

  it('click on a cell asks for its images, lists them and opens one by name', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      const box = await page.locator('#matrix').boundingBox();
      assert.ok(box !== null);
      // Row cat (1), column dog (2).
      await page.mouse.move(box.x + 2.5 * 12, box.y + 1.5 * 12);
      assert.equal(
        await page.locator('#matrix-readout').textContent(),
        'cat → dog: 30 px (50.0% of cat)',
        'hover shows names and counts',
      );
      await page.mouse.click(box.x + 2.5 * 12, box.y + 1.5 * 12);
      assert.deepEqual((await posted(page)).at(-1), { type: 'selectCell', pair: { label: 1, predicted: 2 } });
      await page.evaluate(() =>
        window.postMessage(
          {
            type: 'cellImages',
            pair: { label: 1, predicted: 2 },
            images: [
              { name: 'b/2007_000033', count: 20 },
              { name: 'a/2007_000032', count: 10 },
            ],
            total: 2,
          },
          '*',
        ),
      );
      await page.waitForSelector('button.cell-image');
      assert.deepEqual(await page.locator('button.cell-image').allTextContents(), [
        'b/2007_000033 — 20 px',
        'a/2007_000032 — 10 px',
      ]);
      await page.locator('button.cell-image').first().click();
      assert.deepEqual((await posted(page)).at(-1), {
        type: 'openCellImage',
        pair: { label: 1, predicted: 2 },
        imageName: 'b/2007_000033',
      });
      const states = (await page.evaluate(() => window.__webviewTest.states)) as { selected: unknown }[];
      assert.deepEqual(states.at(-1)?.selected, { label: 1, predicted: 2 }, 'the selection is saved');
    } finally {
      await page.close();
    }
  });

  it('is usable from the keyboard: arrows move, Enter selects, +/- zoom', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      await page.locator('#matrix').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.locator('#matrix-readout').textContent(), 'cat → cat: 30 px (50.0% of cat)');
      await page.keyboard.press('Enter');
      assert.deepEqual((await posted(page)).at(-1), { type: 'selectCell', pair: { label: 1, predicted: 1 } });
      await page.keyboard.press('+');
      assert.equal(await page.evaluate(() => (document.getElementById('matrix') as HTMLCanvasElement).width), 54);
      await page.keyboard.press('-');
      await page.keyboard.press('-');
      assert.equal(await page.evaluate(() => (document.getElementById('matrix') as HTMLCanvasElement).width), 24);
    } finally {
      await page.close();
    }
  });

  it('draws 150 classes and restores its zoom and selection from the saved state', async () => {
    const { page } = await openPanel({ version: 1, selected: { label: 149, predicted: 0 }, cellSize: 4 });
    try {
      await page.evaluate(() => {
        const n = 150;
        const counts = new Float64Array(n * n);
        for (let c = 0; c < n; c++) counts[c * n + c] = 100;
        counts[149 * n] = 100;
        window.postMessage(
          {
            type: 'dataset',
            title: 'ade',
            images: 3,
            numClasses: n,
            classNames: Array.from({ length: n }, (_, c) => `class ${c}`),
            classColors: Array.from({ length: n }, () => [0, 0, 0]),
            confusion: counts,
            perClassIoU: Array.from({ length: n }, () => 1),
            perClassBoundaryIoU: Array.from({ length: n }, () => 1),
            miou: 1,
            meanImageMiou: 1,
            boundaryMiou: 1,
          },
          '*',
        );
      });
      await page.waitForFunction(() => (document.getElementById('matrix') as HTMLCanvasElement).width === 600);
      assert.deepEqual((await posted(page)).at(-1), { type: 'selectCell', pair: { label: 149, predicted: 0 } });
    } finally {
      await page.close();
    }
  });

  it('refuses malformed host messages and says so', async () => {
    const { page } = await openPanel();
    try {
      await page.evaluate(() => window.postMessage({ type: 'dataset', numClasses: 3, confusion: [1, 2, 3] }, '*'));
      await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '') !== '');
      assert.match((await page.locator('#status').textContent()) ?? '', /malformed message/);
    } finally {
      await page.close();
    }
  });
});
