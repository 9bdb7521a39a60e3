/**
 * The gallery (dist/gallery.js) in headless Chromium, under its real page and strict CSP: what a
 * user reads (cells, names, numbers, bars, the list's summary), sorting and filtering as the
 * messages the page posts and the list it then shows, keyboard navigation with a visible focus,
 * opening an image, virtualisation at 100,000 images, thumbnails as data URIs, and axe-core in the
 * light, dark and high-contrast themes. Screenshots of our generated sample data go to
 * out/screenshots/ (docs/gallery.png is one of them).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS, evaluateImage, type EngineOptions } from '../../src/core';
import { defaultClassColors } from '../../src/core/colors';
import { VOC_CLASS_NAMES } from '../../src/core/io/colorTable';
import { hardestFirst } from '../../src/core/report/ranking';
import { makeThumbnailSync } from '../../src/core/thumbnails/makeThumbnail';
import { webviewHtml } from '../../src/extension/webviewHtml';
import type { GalleryItemsMessage, GalleryQuery, SortKeyOption } from '../../src/shared/protocol/gallery';
import { fakeVsCodeApi, launchChromium, serveOnly } from './pageHarness';
import { applyTheme, axeViolations, THEME_NAMES } from './themes';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE_PATH = join(ROOT, 'dist', 'gallery.js');
const STYLE_PATH = join(ROOT, 'media', 'gallery.css');
const SCREENSHOTS = join(ROOT, 'out', 'screenshots');
const SAMPLES = join(ROOT, 'samples', 'voc-mini');
const ORIGIN = 'https://seglens-gallery.test';
const NONCE = 'Z2FsbGVyeS1ub25jZS0xMjM0NTY3';

const SORT_KEYS: SortKeyOption[] = [
  { key: 'adaptive', label: 'Adaptive loss', detail: 'highest first', format: 'fixed' },
  { key: 'miou', label: 'mIoU', detail: 'lowest first', format: 'percent' },
];
/** Twelve images: name, adaptive loss, mIoU, the classes they hold. */
const IMAGES = Array.from({ length: 12 }, (_, i) => ({
  name: `val/img-${String(i).padStart(2, '0')}`,
  adaptive: i === 5 ? null : ((i * 7) % 12) / 10,
  miou: ((i * 5) % 12) / 12,
  classes: i % 3 === 0 ? [0, 2] : [0, 1],
}));
const CLASS_NAMES = ['background', 'cat', 'dog'];

let browser: Browser | undefined;
let context: BrowserContext | undefined;

async function openGallery(saved: unknown = null): Promise<Page> {
  if (context === undefined) throw new Error('browser not launched');
  const page = await context.newPage();
  const html = webviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    script: readFileSync(BUNDLE_PATH, 'utf8'),
    style: readFileSync(STYLE_PATH, 'utf8'),
    title: 'SegLens Gallery',
    rootId: 'gallery',
  });
  const foreign = await serveOnly(page, ORIGIN, {
    '/index.html': ['text/html', html],
  });
  await fakeVsCodeApi(page, saved);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => window.__webviewTest.posted.length > 0);
  page.on('close', () => assert.deepEqual(foreign, [], 'requests outside the webview resources'));
  return page;
}

const posted = (page: Page): Promise<unknown[]> => page.evaluate(() => window.__webviewTest.posted);

async function lastPosted(page: Page, type: string): Promise<Record<string, unknown>> {
  await page.waitForFunction(
    (wanted) => window.__webviewTest.posted.some((m) => (m as { type: string }).type === wanted),
    type,
  );
  const all = (await posted(page)) as Record<string, unknown>[];
  return all.filter((m) => m.type === type).at(-1)!;
}

/** The host's answer to a query, computed here the plain way (filter, then sort hardest first by the key). */
function answer(query: GalleryQuery): GalleryItemsMessage {
  const key = query.sortKey === 'miou' ? 'miou' : 'adaptive';
  const rows = IMAGES.filter((image) => query.classId === null || image.classes.includes(query.classId)).map(
    (image) => ({ name: image.name, adaptive: image.adaptive, miou: image.miou }),
  );
  const order = hardestFirst(key);
  const ranked = [...rows].sort((a, b) =>
    order(
      { ...a, ce: null, mergeEffect: null, pixelAccuracy: null, boundaryMiou: null } as never,
      { ...b, ce: null, mergeEffect: null, pixelAccuracy: null, boundaryMiou: null } as never,
    ),
  );
  return {
    type: 'galleryItems',
    title: 'predictions',
    query,
    sortKeys: SORT_KEYS,
    classNames: CLASS_NAMES,
    classes: [
      { id: 0, name: 'background', images: 12 },
      { id: 1, name: 'cat', images: 8 },
      { id: 2, name: 'dog', images: 4 },
    ],
    cells: [{ label: 1, predicted: 2, pixels: 1234 }],
    comparing: false,
    total: IMAGES.length,
    names: ranked.map((row) => row.name),
    values: Float64Array.from(ranked, (row) => row[key] ?? Number.NaN),
  };
}

async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

async function sendItems(page: Page, message: GalleryItemsMessage): Promise<void> {
  await page.evaluate((m) => window.postMessage({ ...m, values: Float64Array.from(m.values) }, '*'), {
    ...message,
    values: [...message.values],
  });
  await page.waitForFunction(
    (count) => document.querySelectorAll('[role=option]').length > 0 || count === 0,
    message.names.length,
  );
}

/** What the user reads in each cell on screen, in reading order. */
function visibleCells(page: Page): Promise<{ name: string; number: string; bar: number; label: string }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[role=option]')]
      .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
      .map((cell) => ({
        name: cell.querySelector('.name')?.textContent ?? '',
        number: cell.querySelector('.number')?.textContent ?? '',
        bar: parseFloat((cell.querySelector('.fill') as HTMLElement).style.width),
        label: (cell.textContent ?? '').replace(/loading…|no thumbnail/, ''),
      })),
  );
}

const defaultQuery: GalleryQuery = { sortKey: 'adaptive', classId: null, cell: null, delta: 'any' };

function solidPng(rgb: readonly [number, number, number]): string {
  const png = new PNG({ width: 4, height: 3 });
  for (let i = 0; i < 12; i++) png.data.set([...rgb, 255], i * 4);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

describe('Gallery webview in Chromium', () => {
  before(async () => {
    browser = await launchChromium(BUNDLE_PATH);
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  });

  after(async () => {
    await browser?.close();
  });

  it('says it is ready under the strict CSP and shows every image with its name, number and bar', async () => {
    const page = await openGallery();
    try {
      assert.deepEqual(await posted(page), [{ type: 'galleryReady', query: null }]);
      await sendItems(page, answer(defaultQuery));
      const cells = await visibleCells(page);
      const expected = answer(defaultQuery);
      assert.deepEqual(
        cells.map((cell) => cell.name),
        expected.names,
      );
      // Hardest first; img-05 has no value and comes last, shown as a dash with an empty bar.
      assert.deepEqual(
        cells.map((cell) => cell.number),
        [...expected.values].map((v) => (Number.isNaN(v) ? '—' : v.toFixed(4))),
      );
      const largest = Math.max(...[...expected.values].filter((v) => !Number.isNaN(v)));
      cells.forEach((cell, i) => {
        const v = expected.values[i]!;
        assert.equal(cell.bar, Number.isNaN(v) ? 0 : Math.round((v / largest) * 100), `bar of ${cell.name}`);
      });
      // What a screen reader says for a cell: its name, the metric's name and the number.
      assert.match(cells[0]!.label, /^val\/img-\d\dAdaptive loss \d\.\d{4}$/);
      assert.equal(await page.textContent('#gallery-status'), '12 images, sorted by Adaptive loss (highest first)');
      assert.deepEqual(await page.evaluate(() => window.__webviewTest.violations), [], 'CSP violations');
    } finally {
      await page.close();
    }
  });

  it('asks for the thumbnails on screen and draws the data URIs it gets', async () => {
    const page = await openGallery();
    try {
      await sendItems(page, answer(defaultQuery));
      const request = await lastPosted(page, 'requestThumbnails');
      assert.deepEqual([...(request.names as string[])].sort(), IMAGES.map((image) => image.name).sort());
      const uri = solidPng([200, 30, 30]);
      await send(page, {
        type: 'thumbnails',
        items: [
          { name: 'val/img-00', dataUri: uri },
          { name: 'val/img-01', error: 'img-01.png: file is empty' },
        ],
      });
      // The cells are redrawn on the next frame: wait for a drawn thumbnail, not for any <img>.
      await page.waitForFunction(() => document.querySelector('[data-index] img[src]') !== null);
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[role=option]')].map((cell) => ({
          name: cell.querySelector('.name')?.textContent,
          src: cell.querySelector('img')?.getAttribute('src') ?? null,
          placeholder: (cell.querySelector('.placeholder') as HTMLElement).hidden
            ? null
            : cell.querySelector('.placeholder')?.textContent,
        })),
      );
      assert.equal(drawn.find((cell) => cell.name === 'val/img-00')?.src, uri);
      assert.equal(drawn.find((cell) => cell.name === 'val/img-01')?.placeholder, 'no thumbnail');
      assert.equal(drawn.find((cell) => cell.name === 'val/img-02')?.placeholder, 'loading…');
    } finally {
      await page.close();
    }
  });

  it('sorts: picking mIoU asks the host, and the answer reads lowest mIoU first, in percent', async () => {
    const page = await openGallery();
    try {
      await sendItems(page, answer(defaultQuery));
      await page.selectOption('#sort', 'miou');
      const request = await lastPosted(page, 'setQuery');
      assert.deepEqual(request, { type: 'setQuery', query: { ...defaultQuery, sortKey: 'miou' } });
      await sendItems(page, answer({ ...defaultQuery, sortKey: 'miou' }));
      const numbers = (await visibleCells(page)).map((cell) => cell.number);
      const expected = [...IMAGES].map((image) => image.miou).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        expected.map((v) => `${(v * 100).toFixed(1)}%`),
      );
      // Percent bars are the value itself.
      assert.equal((await visibleCells(page)).at(-1)!.bar, Math.round(expected.at(-1)! * 100));
    } finally {
      await page.close();
    }
  });

  it('filters by class and by confusion cell; the status says how many of how many', async () => {
    const page = await openGallery();
    try {
      await sendItems(page, answer(defaultQuery));
      assert.deepEqual(
        await page.evaluate(() =>
          [...document.querySelectorAll<HTMLOptionElement>('#class-filter option')].map((o) => o.text),
        ),
        ['All classes', 'background (12 images)', 'cat (8 images)', 'dog (4 images)'],
      );
      await page.selectOption('#class-filter', '2');
      assert.deepEqual(await lastPosted(page, 'setQuery'), {
        type: 'setQuery',
        query: { ...defaultQuery, classId: 2 },
      });
      await sendItems(page, answer({ ...defaultQuery, classId: 2 }));
      assert.deepEqual(
        (await visibleCells(page)).map((cell) => cell.name),
        ['val/img-03', 'val/img-06', 'val/img-09', 'val/img-00'],
      );
      assert.match((await page.textContent('#gallery-status')) ?? '', /^4 of 12 images/);
      await page.selectOption('#cell-filter', '1:2');
      assert.deepEqual((await lastPosted(page, 'setQuery')).query, {
        ...defaultQuery,
        classId: 2,
        cell: { label: 1, predicted: 2 },
      });
      assert.equal(
        await page.evaluate(
          () => (document.querySelector('#cell-filter') as HTMLSelectElement).selectedOptions[0]?.text,
        ),
        'cat predicted as dog (1,234 px)',
      );
    } finally {
      await page.close();
    }
  });

  it('moves with the keyboard (arrows, Home/End, PageDown), shows the focus and opens with Enter or a click', async () => {
    const page = await openGallery();
    try {
      const message = answer(defaultQuery);
      await sendItems(page, message);
      await page.focus('#grid');
      const active = () => page.getAttribute('#grid', 'aria-activedescendant');
      assert.equal(await active(), 'cell-0');
      await page.keyboard.press('ArrowRight');
      assert.equal(await active(), 'cell-1');
      const columns = await page.evaluate(() => Math.floor(document.getElementById('grid')!.clientWidth / 184));
      await page.keyboard.press('ArrowDown');
      assert.equal(await active(), `cell-${Math.min(11, 1 + columns)}`);
      await page.keyboard.press('End');
      assert.equal(await active(), 'cell-11');
      await page.keyboard.press('Home');
      assert.equal(await active(), 'cell-0');
      await page.keyboard.press('PageDown');
      assert.equal(await active(), 'cell-11', 'one page down from the top reaches the last of 12');
      // The focused cell is drawn with the theme's focus colour, not only with a background.
      const border = await page.evaluate(() => getComputedStyle(document.getElementById('cell-11')!).borderTopColor);
      assert.equal(border, 'rgb(0, 127, 212)');
      await page.keyboard.press('Enter');
      assert.deepEqual(await lastPosted(page, 'openImage'), { type: 'openImage', name: message.names[11] });
      await page.click('#cell-2');
      assert.deepEqual(await lastPosted(page, 'openImage'), { type: 'openImage', name: message.names[2] });
    } finally {
      await page.close();
    }
  });

  it('keeps only the visible rows in the DOM at 100,000 images and reaches the last by scrolling', async () => {
    const page = await openGallery();
    try {
      const count = 100_000;
      await page.evaluate((n) => {
        const names = Array.from({ length: n }, (_, i) => `img-${String(i).padStart(6, '0')}`);
        window.postMessage(
          {
            type: 'galleryItems',
            title: 'big',
            query: { sortKey: 'adaptive', classId: null, cell: null, delta: 'any' },
            sortKeys: [{ key: 'adaptive', label: 'Adaptive loss', detail: 'highest first', format: 'fixed' }],
            classNames: ['a', 'b'],
            classes: [],
            cells: [],
            comparing: false,
            total: n,
            names,
            values: Float64Array.from({ length: n }, (_, i) => 1 - i / n),
          },
          '*',
        );
      }, count);
      await page.waitForFunction(() => document.querySelectorAll('[role=option]').length > 0);
      const inDom = await page.evaluate(() => document.querySelectorAll('[role=option]').length);
      assert.ok(inDom < 200, `${inDom} cells in the DOM`);
      await page.evaluate(() => {
        const grid = document.getElementById('grid')!;
        grid.scrollTop = grid.scrollHeight;
      });
      await page.waitForFunction(() => document.querySelector('[aria-posinset="100000"]') !== null);
      const last = await page.evaluate(() => document.querySelector('[aria-posinset="100000"] .name')?.textContent);
      assert.equal(last, 'img-099999');
      assert.ok((await page.evaluate(() => document.querySelectorAll('[role=option]').length)) < 200);
      // The request goes out once the scrolling pauses (a 60 ms timer), so wait for the one after the scroll.
      await page.waitForFunction(() =>
        window.__webviewTest.posted.some(
          (m) =>
            (m as { type: string }).type === 'requestThumbnails' &&
            (m as { names: string[] }).names.includes('img-099999'),
        ),
      );
      const request = await lastPosted(page, 'requestThumbnails');
      assert.ok((request.names as string[]).includes('img-099999'), 'the last request is for the last screen');
      assert.ok((request.names as string[]).length <= 400);
    } finally {
      await page.close();
    }
  });

  it('has no serious or critical axe-core violation in light, dark and high-contrast themes', async () => {
    const page = await openGallery();
    try {
      await sendItems(page, answer(defaultQuery));
      await send(page, {
        type: 'thumbnails',
        items: IMAGES.map((image, i) => ({ name: image.name, dataUri: solidPng([i * 20, 100, 200 - i * 10]) })),
      });
      await page.focus('#grid');
      for (const theme of THEME_NAMES) {
        await applyTheme(page, theme);
        assert.deepEqual(await axeViolations(page), [], `axe in the ${theme} theme`);
      }
    } finally {
      await page.close();
    }
  });

  it('screenshots the generated samples (samples/voc-mini) at 1400×900 in light and dark', async () => {
    const page = await openGallery();
    try {
      const options: EngineOptions = {
        metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 21, ignoreIndex: 255 },
        read: DEFAULT_READ_OPTIONS,
      };
      const names = readdirSync(join(SAMPLES, 'predictions'))
        .filter((file) => file.endsWith('.png'))
        .map((file) => file.replace(/\.png$/, ''));
      const rows = await Promise.all(
        names.map(async (name) => {
          const pair = {
            name,
            predictionFile: join(SAMPLES, 'predictions', `${name}.png`),
            labelFile: join(SAMPLES, 'SegmentationClass', `${name}.png`),
          };
          const { record } = await evaluateImage(pair, options);
          const jpeg = makeThumbnailSync(
            {
              ...pair,
              photoFile: join(SAMPLES, 'JPEGImages', `${name}.png`),
              size: 160,
              classColors: defaultClassColors(21),
            },
            options,
          );
          return {
            name,
            adaptive: record.adaptive,
            uri: `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`,
          };
        }),
      );
      rows.sort((a, b) => (b.adaptive ?? -1) - (a.adaptive ?? -1));
      await sendItems(page, {
        ...answer(defaultQuery),
        title: 'voc-mini/predictions',
        classNames: [...VOC_CLASS_NAMES],
        classes: [{ id: 0, name: 'background', images: rows.length }],
        cells: [],
        total: rows.length,
        names: rows.map((row) => row.name),
        values: Float64Array.from(rows, (row) => row.adaptive ?? Number.NaN),
      });
      await send(page, { type: 'thumbnails', items: rows.map((row) => ({ name: row.name, dataUri: row.uri })) });
      await page.waitForFunction((n) => document.querySelectorAll('[role=option] img[src]').length === n, rows.length);
      await page.focus('#grid');
      mkdirSync(SCREENSHOTS, { recursive: true });
      for (const theme of ['light', 'dark'] as const) {
        await applyTheme(page, theme);
        await page.screenshot({ path: join(SCREENSHOTS, `gallery-${theme}.png`) });
      }
    } finally {
      await page.close();
    }
  });
});
