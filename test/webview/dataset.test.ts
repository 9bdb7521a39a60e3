/**
 * The dataset panel (dist/dataset.js) in headless Chromium, under its real page and strict CSP, read
 * back as a user sees it: the class names along both axes and the axis titles as text, the hidden
 * classes and their count, the legend, the cells drawn by their row-normalised share (read back
 * from the canvas), the top confusions against a naive ranking and their click message, the class
 * table's columns and sort order, the reliability diagram, the keyboard, the saved state, and axe-core
 * in the light, dark and high-contrast themes. SEGLENS_SCREENSHOTS=DIR also writes 1400x900 screenshots.
 *
 * Small fixture: 3 classes. Rows (label) → columns (prediction) pixel counts:
 *   background: 90 → background, 10 → dog      (row shares 0.9, 0, 0.1)
 *   cat:        30 → cat, 30 → dog              (0, 0.5, 0.5)
 *   dog:        0 label pixels, 40 predicted     (an empty row draws empty)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { VOC_CLASS_NAMES, type DatasetSummary, type ImageRecord } from '../../src/core';
import { loadResultsFile } from '../../src/core/report/resultsFile';
import { datasetMessage, imagesForCell } from '../../src/extension/logic/confusionImages';
import { RecordColumns } from '../../src/extension/logic/recordColumns';
import { webviewHtml } from '../../src/extension/webviewHtml';
import { defaultClassColors, embeddedDatasetJson } from '../../src/shared/protocol/dataset';
import { generatedDataset, naiveEce, naiveIoU, reliabilityBins, type PlainDatasetMessage } from './datasetData';
import { fakeVsCodeApi, launchChromium, serveOnly } from './pageHarness';
import { applyTheme, axeViolations, THEME_NAMES, type ThemeName } from './themes';

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

function smallDataset(counts: readonly number[] = COUNTS): PlainDatasetMessage {
  return {
    type: 'dataset',
    title: 'predictions',
    images: 4,
    numClasses: 3,
    classNames: ['background', 'cat', 'dog'],
    classColors: defaultClassColors(3).map((color) => [...color]),
    confusion: [...counts],
    unknownPredictions: [0, 0, 0],
    classFigures: { perClassIoU: [0.9, 0.5, 0], perClassBoundaryIoU: [0.7, 0.25, null] },
    figures: { miou: 0.4667, meanImageMiou: 0.55, boundaryMiou: 0.475 },
    reliability: null,
  };
}

async function openPanel(
  saved: unknown = null,
  viewport = { width: 900, height: 700 },
  embeddedJson?: string,
): Promise<{ page: Page; foreign: string[] }> {
  if (browser === undefined) throw new Error('browser not launched');
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  const html = webviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    script: readFileSync(BUNDLE_PATH, 'utf8'),
    style: readFileSync(STYLE_PATH, 'utf8'),
    title: 'SegLens Dataset',
    rootId: 'dataset',
    ...(embeddedJson !== undefined ? { embeddedJson } : {}),
  });
  const foreign = await serveOnly(page, ORIGIN, {
    '/index.html': ['text/html', html],
  });
  await fakeVsCodeApi(page, saved);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => window.__webviewTest.posted.length > 0);
  return { page, foreign };
}

async function postDataset(page: Page, message: PlainDatasetMessage = smallDataset()): Promise<void> {
  await page.evaluate((plain) => {
    // The panel is aria-busy from the message until the parts below the matrix are built.
    document.getElementById('dataset')?.removeAttribute('aria-busy');
    window.postMessage(
      {
        ...plain,
        confusion: Float64Array.from(plain.confusion),
        unknownPredictions: Float64Array.from(plain.unknownPredictions),
      },
      '*',
    );
  }, message);
  await page.waitForFunction(() => document.getElementById('dataset')?.getAttribute('aria-busy') === 'false');
}

const posted = (page: Page): Promise<unknown[]> => page.evaluate(() => window.__webviewTest.posted);
const rowLabels = (page: Page): Promise<string[]> => page.locator('#row-labels .row-label').allTextContents();
const columnLabels = (page: Page): Promise<string[]> => page.locator('#column-labels .column-label').allTextContents();
const cssCellSize = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const canvas = document.getElementById('matrix') as HTMLCanvasElement;
    return canvas.getBoundingClientRect().width / document.querySelectorAll('#row-labels .row-label').length;
  });

/** The colour of a cell (row, column in the shown order): the matrix canvas holds one pixel per cell, scaled up by CSS. */
async function cellPixel(page: Page, row: number, column: number): Promise<number[]> {
  return page.evaluate(
    ({ x, y }) => {
      const data = (document.getElementById('matrix') as HTMLCanvasElement)
        .getContext('2d')
        ?.getImageData(x, y, 1, 1).data;
      return data === undefined ? [] : [data[0] ?? -1, data[1] ?? -1, data[2] ?? -1];
    },
    { x: column, y: row },
  );
}

/** Where between the empty and the full colour a cell is (0..1), from its blue channel. */
function fractionTowardsFull(color: readonly number[]): number {
  return ((color[2] ?? 0) - (EMPTY[2] ?? 0)) / ((FULL[2] ?? 0) - (EMPTY[2] ?? 0));
}

/** The off-diagonal cells, largest first, by a plain scan: the oracle of the top-confusions list. */
function naiveTopConfusions(message: PlainDatasetMessage, limit: number): string[] {
  const n = message.numClasses;
  const cells: { label: number; predicted: number; count: number }[] = [];
  message.confusion.forEach((count, i) => {
    const label = Math.floor(i / n);
    const predicted = i % n;
    if (label !== predicted && count > 0) cells.push({ label, predicted, count });
  });
  cells.sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted);
  return cells
    .slice(0, limit)
    .map(
      (cell) =>
        `${message.classNames[cell.label]} → ${message.classNames[cell.predicted]}|${cell.count.toLocaleString('en-US')} px`,
    );
}

/** Classes with a label or a predicted pixel, by id. */
function presentClasses(message: PlainDatasetMessage): number[] {
  const n = message.numClasses;
  return Array.from({ length: n }, (_, c) => c).filter((c) => {
    let sum = message.unknownPredictions[c]!;
    for (let k = 0; k < n; k++) sum += message.confusion[c * n + k]! + message.confusion[k * n + c]!;
    return sum > 0;
  });
}

/** The bundled sample (samples/voc-mini) as the CLI evaluates it, as the host would send it: docs/dataset-panel.png. */
function sampleDataset(): PlainDatasetMessage {
  const samples = join(ROOT, 'samples', 'voc-mini');
  const report = JSON.parse(
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'dist', 'cli.js'),
        'eval',
        join(samples, 'predictions'),
        '--labels',
        join(samples, 'SegmentationClass'),
        '--json',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    ),
  ) as { dataset: DatasetSummary };
  const message = datasetMessage('voc-mini/predictions', report.dataset, VOC_CLASS_NAMES, defaultClassColors(21));
  return {
    ...message,
    classNames: [...message.classNames],
    classColors: message.classColors.map((color) => [...color]),
    confusion: Array.from(message.confusion),
    unknownPredictions: Array.from(message.unknownPredictions),
    classFigures: { ...message.classFigures } as PlainDatasetMessage['classFigures'],
    figures: { ...message.figures },
    reliability: message.reliability === null ? null : [...message.reliability],
  };
}

/**
 * The sample's records as the CLI writes them (`--out`), so the panel's list of a cell's images can be
 * answered as the host answers it: the screenshot shows real images, not "Loading…".
 */
async function sampleRecords(): Promise<ImageRecord[]> {
  const samples = join(ROOT, 'samples', 'voc-mini');
  const out = mkdtempSync(join(tmpdir(), 'seglens-panel-'));
  execFileSync(process.execPath, [
    join(ROOT, 'dist', 'cli.js'),
    'eval',
    join(samples, 'predictions'),
    '--labels',
    join(samples, 'SegmentationClass'),
    '--shard',
    '0/1',
    '--out',
    `${out}/`,
  ]);
  return (await loadResultsFile(join(out, 'part-0-of-1.jsonl'))).records;
}

describe('Dataset panel in Chromium', () => {
  before(async () => {
    browser = await launchChromium(BUNDLE_PATH);
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

  it('draws the dataset written into its page before any message, and shows hostile names as text', async () => {
    const hostile = '</script><img src=x onerror="window.__pwned=1">';
    const plain = { ...smallDataset(), classNames: ['background', hostile, 'dog'] };
    const json = embeddedDatasetJson({
      ...plain,
      confusion: Float64Array.from(plain.confusion),
      unknownPredictions: Float64Array.from(plain.unknownPredictions),
    });
    const { page, foreign } = await openPanel(null, undefined, json);
    try {
      await page.waitForFunction(() => document.getElementById('dataset')?.getAttribute('aria-busy') === 'false');
      assert.deepEqual(await posted(page), [{ type: 'datasetReady' }], 'nothing asked of the host but its ready');
      assert.deepEqual(await rowLabels(page), ['background', hostile, 'dog']);
      // The same cells as the posted message draws (see the next tests): 0.9 of background's row, none of 0→1.
      assert.ok(Math.abs(fractionTowardsFull(await cellPixel(page, 0, 0)) - (0.15 + 0.85 * 0.9)) < 0.02);
      assert.deepEqual(await cellPixel(page, 0, 1), EMPTY);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(await page.locator('#dataset img').count(), 0);
      assert.deepEqual(foreign, []);
      assert.deepEqual(await page.evaluate(() => window.__webviewTest.violations), []);
    } finally {
      await page.close();
    }
  });

  it('says what was wrong with malformed data written into its page, and still asks the host', async () => {
    const json = JSON.stringify({ ...smallDataset(), confusion: [1, 2] });
    const { page } = await openPanel(null, undefined, json);
    try {
      assert.deepEqual(await posted(page), [{ type: 'datasetReady' }]);
      assert.match(
        await page.locator('#dataset').innerText(),
        /SegLens ignored malformed data from the extension: dataset\.confusion: expected/,
      );
      await postDataset(page);
      assert.deepEqual(await rowLabels(page), ['background', 'cat', 'dog'], 'the posted data draws as before');
    } finally {
      await page.close();
    }
  });

  it('draws empty cells in the background of a theme switched before the data came', async () => {
    const { page } = await openPanel();
    try {
      await applyTheme(page, 'light');
      await postDataset(page);
      // The light theme's editor background is #ffffff (themes.ts); cell 0→1 holds no pixel.
      assert.deepEqual(await cellPixel(page, 0, 1), [255, 255, 255]);
    } finally {
      await page.close();
    }
  });

  it('draws every cell by its row-normalised share and says so in the legend', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
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
          else assert.ok(Math.abs(fractionTowardsFull(color) - (0.15 + 0.85 * share)) < 0.02, where);
        }
      }
      const legend = (await page.locator('#matrix-legend').innerText()).replace(/\s+/g, ' ');
      assert.match(
        legend,
        /share of the row’s label pixels predicted as the column’s class \(row-normalised, 0–100%\)/,
      );
      assert.match(legend, /0 px >0% 100%/);
      assert.match(legend, /Numbers in the cells: that share in %/, 'three classes fit numbers in their cells');
    } finally {
      await page.close();
    }
  });

  it('writes the share in a cell when it fits: ink in the cells with pixels, none in the empty ones', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      const size = await cssCellSize(page);
      assert.ok(size >= 26, 'three classes get large cells');
      /** Pixels with ink on the numbers' layer in the middle of a cell. */
      const ink = (row: number, column: number): Promise<number> =>
        page.evaluate(
          ({ x, y, w, h }) => {
            const data = (document.getElementById('matrix-values') as HTMLCanvasElement)
              .getContext('2d')
              ?.getImageData(x, y, w, h).data;
            let inked = 0;
            for (let i = 3; data !== undefined && i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked++;
            return inked;
          },
          {
            x: Math.floor((column + 0.2) * size),
            y: Math.floor((row + 0.2) * size),
            w: Math.floor(size * 0.6),
            h: Math.floor(size * 0.6),
          },
        );
      assert.ok((await ink(1, 1)) > 0, 'cat→cat (50%) carries its number');
      assert.ok((await ink(0, 2)) > 0, 'background→dog (10%) carries its number');
      assert.equal(await ink(1, 0), 0, 'cat→background (no pixel) stays blank');
      await page.locator('#matrix-table-details summary').click();
      const rows = await page.locator('#matrix-table tbody tr').allInnerTexts();
      assert.deepEqual(
        rows.map((row) => row.split('\t').map((cell) => cell.trim())),
        [
          ['background', '90', '0', '10'],
          ['cat', '0', '30', '30'],
          ['dog', '0', '0', '0'],
        ],
        'the table version of the matrix holds the counts',
      );
    } finally {
      await page.close();
    }
  });

  for (const numClasses of [11, 171]) {
    it(`names the classes on both axes as text at ${numClasses} classes, the absent ones hidden and counted`, async () => {
      const { page } = await openPanel(null, { width: 1400, height: 900 });
      try {
        const message = generatedDataset({ numClasses, present: numClasses === 11 ? 9 : 20, seed: numClasses });
        await postDataset(page, message);
        const present = presentClasses(message);
        const names = present.map((c) => message.classNames[c]!);
        assert.deepEqual(await rowLabels(page), names, 'rows: the present classes by id');
        assert.deepEqual(await columnLabels(page), names, 'columns: the same');
        assert.equal(await page.locator('#axis-label').innerText(), 'label (ground truth)');
        assert.equal(await page.locator('#axis-prediction').innerText(), 'prediction');
        const hidden = numClasses - present.length;
        assert.equal(
          ((await page.locator('#matrix-hidden').textContent()) ?? '') +
            ((await page.locator('#matrix-hidden-toggle').textContent()) ?? ''),
          `${hidden} classes with no pixels hidden — show`,
        );
        assert.equal(await page.locator('#table-hidden').textContent(), `${hidden} classes with no pixels hidden — `);
        assert.equal(await page.locator('#class-table tbody tr').count(), present.length);
        assert.ok((await cssCellSize(page)) >= 12, 'cells large enough for 11-px names');
        const fontSize = await page
          .locator('#row-labels .row-label')
          .first()
          .evaluate((e) => getComputedStyle(e).fontSize);
        assert.equal(fontSize, '11px');
        await page.locator('#matrix-hidden-toggle').click();
        assert.equal((await rowLabels(page)).length, numClasses, 'show: every class');
        assert.equal(await page.locator('#class-table tbody tr').count(), numClasses);
        assert.equal(await page.locator('#matrix-hidden').textContent(), `${hidden} classes with no pixels shown — `);
        const states = (await page.evaluate(() => window.__webviewTest.states)) as { showEmptyClasses: boolean }[];
        assert.equal(states.at(-1)?.showEmptyClasses, true, 'the choice is saved');
        const overflow = await page.evaluate(
          () =>
            [...document.querySelectorAll('*')].filter((e) => {
              const style = getComputedStyle(e);
              return (
                /(auto|scroll)/.test(style.overflow + style.overflowX + style.overflowY) &&
                e !== document.documentElement &&
                e !== document.body
              );
            }).length,
        );
        assert.equal(overflow, 0, 'no scroll area inside the page');
      } finally {
        await page.close();
      }
    });
  }

  it('orders the classes by IoU (worst first) or most confused first', async () => {
    const { page } = await openPanel();
    try {
      const message = generatedDataset({ numClasses: 19, present: 19, seed: 7 });
      await postDataset(page, message);
      await page.locator('#matrix-order').selectOption('iou');
      const iou = naiveIoU(message.confusion, message.unknownPredictions, 19);
      const byIoU = Array.from({ length: 19 }, (_, c) => c).sort((a, b) => iou[a]! - iou[b]! || a - b);
      assert.deepEqual(
        await rowLabels(page),
        byIoU.map((c) => message.classNames[c]),
      );
      await page.locator('#matrix-order').selectOption('confusion');
      const confused = (c: number): number => {
        let sum = 0;
        for (let k = 0; k < 19; k++)
          if (k !== c) sum += message.confusion[c * 19 + k]! + message.confusion[k * 19 + c]!;
        return sum;
      };
      const byConfusion = Array.from({ length: 19 }, (_, c) => c).sort((a, b) => confused(b) - confused(a) || a - b);
      assert.deepEqual(
        await columnLabels(page),
        byConfusion.map((c) => message.classNames[c]),
      );
    } finally {
      await page.close();
    }
  });

  it('lists the 20 largest confusions with names and pixels; a click asks for the cell’s images', async () => {
    const { page } = await openPanel(null, { width: 1400, height: 900 });
    try {
      const message = generatedDataset({ numClasses: 150, present: 60, seed: 3 });
      await postDataset(page, message);
      const entries = await page
        .locator('#top-confusions .top-confusion')
        .evaluateAll((buttons) =>
          buttons.map((b) => `${b.querySelector('.names')?.textContent}|${b.querySelector('.count')?.textContent}`),
        );
      assert.deepEqual(entries, naiveTopConfusions(message, 20));
      await page.locator('#top-confusions .top-confusion').nth(2).click();
      const third = naiveTopConfusions(message, 3)[2]!;
      const pair = (await posted(page)).at(-1) as { type: string; pair: { label: number; predicted: number } };
      assert.equal(pair.type, 'selectCell');
      assert.equal(
        `${message.classNames[pair.pair.label]} → ${message.classNames[pair.pair.predicted]}`,
        third.split('|')[0],
      );
      assert.equal(
        await page.locator('#cell-heading').innerText(),
        `Images with ${message.classNames[pair.pair.label]} predicted as ${message.classNames[pair.pair.predicted]}`,
      );
      assert.equal(await page.locator('#top-confusions .top-confusion[aria-pressed="true"]').count(), 1);
    } finally {
      await page.close();
    }
  });

  it('keeps the top-confusion buttons, their focus and the pressed cell while a run sends new counts', async () => {
    const { page } = await openPanel(null, { width: 1400, height: 900 });
    try {
      const message = generatedDataset({ numClasses: 40, present: 30, seed: 5 });
      await postDataset(page, message);
      const third = page.locator('#top-confusions .top-confusion').nth(2);
      await third.click();
      await page.evaluate(() => {
        const entry = document.querySelectorAll<HTMLElement>('#top-confusions .top-confusion')[2]!;
        entry.dataset.marker = 'kept';
        entry.focus();
      });
      // The same cells with larger counts: the order of the top stays, as between two updates of a run.
      const later = { ...message, confusion: message.confusion.map((count) => count * 2) };
      await postDataset(page, later);
      const state = await page.evaluate(() => {
        const entries = [...document.querySelectorAll<HTMLElement>('#top-confusions .top-confusion')];
        return {
          marker: entries[2]?.dataset.marker,
          focused: document.activeElement === entries[2],
          pressed: entries.map((entry) => entry.getAttribute('aria-pressed')),
          count: entries[2]?.querySelector('.count')?.textContent,
        };
      });
      assert.equal(state.marker, 'kept', 'the button is the same element');
      assert.ok(state.focused, 'keyboard focus stays on it');
      assert.deepEqual(
        state.pressed.map((pressed, i) => (i === 2 ? pressed === 'true' : pressed === 'false')),
        state.pressed.map(() => true),
        'only the selected cell is pressed',
      );
      assert.equal(state.count, naiveTopConfusions(later, 3)[2]!.split('|')[1]);
    } finally {
      await page.close();
    }
  });

  it('sorts the class table by any column, undefined values last; new figure columns appear from the message', async () => {
    const { page } = await openPanel();
    try {
      const message = smallDataset();
      message.classFigures.perClassAccuracy = [0.9, 0.5, null];
      message.classFigures.perClassDice = [0.947, 0.667, 0];
      message.figures.meanAccuracy = 0.7;
      await postDataset(page, message);
      assert.deepEqual(await page.locator('#class-table thead th').allInnerTexts(), [
        '# ▲',
        'Class',
        'IoU (%)',
        'Acc (%)',
        'Dice (%)',
        'Boundary IoU (%)',
        'Label pixels',
        'Predicted pixels',
      ]);
      const column = (key: string): Promise<string[]> =>
        page.locator(`#class-table tbody [data-column="${key}"]`).allInnerTexts();
      assert.deepEqual(await column('perClassAccuracy'), ['90.0', '50.0', '—']);
      assert.deepEqual(await column('labelPixels'), ['100', '60', '0']);
      assert.deepEqual(await column('predictedPixels'), ['90', '30', '40']);
      await page.locator('button[data-sort-key="perClassBoundaryIoU"]').click();
      assert.deepEqual(await column('name'), ['background', 'cat', 'dog'], 'largest first, undefined last');
      await page.locator('button[data-sort-key="perClassBoundaryIoU"]').click();
      assert.deepEqual(await column('name'), ['cat', 'background', 'dog'], 'smallest first, undefined still last');
      assert.equal(
        await page.locator('th:has(button[data-sort-key="perClassBoundaryIoU"])').getAttribute('aria-sort'),
        'ascending',
      );
      await page.locator('button[data-sort-key="predictedPixels"]').click();
      assert.deepEqual(await column('name'), ['background', 'dog', 'cat']);
      await page.locator('button[data-sort-key="name"]').click();
      assert.deepEqual(await column('name'), ['background', 'cat', 'dog']);
      assert.equal(await page.locator('dd[data-metric="meanAccuracy"]').innerText(), '70.0%');
      const states = (await page.evaluate(() => window.__webviewTest.states)) as { tableSort: unknown }[];
      assert.deepEqual(states.at(-1)?.tableSort, { key: 'name', descending: false });
    } finally {
      await page.close();
    }
  });

  it('shows both mIoUs and Boundary mIoU in the summary', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      assert.equal(await page.locator('dd[data-metric="miou"]').textContent(), '46.7%');
      assert.equal(await page.locator('dd[data-metric="meanImageMiou"]').textContent(), '55.0%');
      assert.equal(await page.locator('dd[data-metric="boundaryMiou"]').textContent(), '47.5%');
      assert.equal(
        await page.locator('dd[data-metric="meanAccuracy"]').count(),
        0,
        'a figure the message lacks is left out',
      );
    } finally {
      await page.close();
    }
  });

  it('draws the reliability diagram of soft predictions: named axes, the diagonal, one bar per bin, the ECE', async () => {
    const { page } = await openPanel();
    try {
      const message = smallDataset();
      const bins = reliabilityBins(5);
      message.reliability = bins;
      message.figures.ece = naiveEce(bins);
      await postDataset(page, message);
      const texts = await page.locator('#calibration svg text.axis-name').allTextContents();
      assert.deepEqual(texts.sort(), ['accuracy', 'confidence']);
      assert.equal(await page.locator('#calibration svg line.diagonal').count(), 1);
      assert.equal(await page.locator('#calibration svg g.bin').count(), 15);
      const full = await page
        .locator('#calibration svg rect.frame')
        .first()
        .evaluate((e) => Number(e.getAttribute('height')));
      const heights = await page.locator('#calibration svg g.bin').evaluateAll((groups) =>
        groups.map((g) => {
          const bar = g.querySelector('rect.accuracy');
          return bar === null ? null : Number(bar.getAttribute('height'));
        }),
      );
      heights.forEach((height, m) => {
        const accuracy = bins[m]!.accuracy;
        if (accuracy === null) assert.equal(height, null, `bin ${m} is empty: no bar`);
        else assert.ok(Math.abs(height! - accuracy * full) < 0.01, `bin ${m}: bar ${height} for accuracy ${accuracy}`);
      });
      assert.match(await page.locator('#ece').innerText(), new RegExp(`^ECE ${(naiveEce(bins) * 100).toFixed(1)}%`));
      const pixels = bins.reduce((sum, bin) => sum + bin.count, 0).toLocaleString('en-US');
      assert.match(await page.locator('#ece').innerText(), new RegExp(`${pixels} pixels`));
      await page.locator('#calibration details summary').click();
      assert.equal(await page.locator('#reliability-table tbody tr').count(), 15);
      await postDataset(page, smallDataset());
      assert.match(await page.locator('#calibration-reason').innerText(), /needs soft predictions/);
      assert.equal(await page.locator('#calibration svg').count(), 0);
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
      const size = await cssCellSize(page);
      // Row cat (1), column dog (2).
      await page.mouse.move(box.x + 2.5 * size, box.y + 1.5 * size);
      assert.equal(await page.locator('#matrix-readout').textContent(), 'cat → dog: 30 px (50.0% of cat)');
      assert.deepEqual(
        [
          await page.locator('.row-label.hot').allTextContents(),
          await page.locator('.column-label.hot').allTextContents(),
        ],
        [['cat'], ['dog']],
        'the hovered row and column names are highlighted',
      );
      await page.mouse.click(box.x + 2.5 * size, box.y + 1.5 * size);
      assert.deepEqual((await posted(page)).at(-1), { type: 'selectCell', pair: { label: 1, predicted: 2 } });
      await page.evaluate(() =>
        window.postMessage(
          {
            type: 'cellImages',
            pair: { label: 1, predicted: 2 },
            images: [
              { name: 'b/2007_000033', count: 2000 },
              { name: 'a/2007_000032', count: 10 },
            ],
            total: 2,
          },
          '*',
        ),
      );
      await page.waitForSelector('button.cell-image');
      assert.deepEqual(await page.locator('button.cell-image').allTextContents(), [
        'b/2007_000033 — 2,000 px',
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

  it('is usable from the keyboard: Tab reaches the controls, arrows move, Enter selects, +/- zoom', async () => {
    const { page } = await openPanel();
    try {
      await postDataset(page);
      const reached: string[] = [];
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        reached.push(await page.evaluate(() => document.activeElement?.id ?? ''));
      }
      for (const id of ['matrix-order', 'zoom-out', 'zoom-in', 'zoom-fit', 'matrix'])
        assert.ok(reached.includes(id), `Tab reaches #${id} (${reached.join(', ')})`);
      const outline = await page.locator('#matrix').evaluate((e) => getComputedStyle(e).outlineStyle);
      await page.locator('#matrix').focus();
      assert.notEqual(outline, 'none', 'focus is visible');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.locator('#matrix-readout').textContent(), 'cat → cat: 30 px (50.0% of cat)');
      await page.keyboard.press('Enter');
      assert.deepEqual((await posted(page)).at(-1), { type: 'selectCell', pair: { label: 1, predicted: 1 } });
      const before = await cssCellSize(page);
      await page.keyboard.press('-');
      assert.equal(await cssCellSize(page), Math.round(before / 1.5));
      await page.keyboard.press('+');
      assert.equal(await cssCellSize(page), Math.round(Math.round(before / 1.5) * 1.5));
    } finally {
      await page.close();
    }
  });

  it('draws 150 classes and restores its zoom, order and selection from the saved state', async () => {
    const saved = {
      version: 1,
      selected: { label: 149, predicted: 0 },
      cellSize: 4,
      order: 'iou',
      showEmptyClasses: true,
      tableSort: { key: 'perClassIoU', descending: true },
    };
    const { page } = await openPanel(saved);
    try {
      const message = generatedDataset({ numClasses: 150, present: 150, seed: 11 });
      await postDataset(page, message);
      assert.equal(await cssCellSize(page), 4);
      assert.equal(await page.locator('#matrix-order').inputValue(), 'iou');
      assert.ok(await page.locator('#matrix-figure.names-hidden').isVisible(), 'names hidden at 4-px cells');
      assert.match(await page.locator('.names-note').innerText(), /Names hidden at this cell size/);
      assert.deepEqual((await posted(page)).at(-1), { type: 'selectCell', pair: { label: 149, predicted: 0 } });
      assert.equal(
        await page.locator('th:has(button[data-sort-key="perClassIoU"])').getAttribute('aria-sort'),
        'descending',
      );
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

  for (const theme of THEME_NAMES) {
    it(`has no serious or critical axe violation in the ${theme} theme`, async () => {
      const { page } = await openPanel(null, { width: 1400, height: 900 });
      try {
        await applyTheme(page, theme);
        const message = generatedDataset({ numClasses: 21, present: 18, seed: 21, soft: true });
        message.figures.ece = naiveEce(message.reliability!);
        await postDataset(page, message);
        await page.locator('#top-confusions .top-confusion').first().click();
        await page.locator('#matrix-table-details summary').click();
        assert.deepEqual(await axeViolations(page), []);
      } finally {
        await page.close();
      }
    });
  }

  const shots = process.env['SEGLENS_SCREENSHOTS'];
  it(
    'screenshots at 1400x900, light and dark, 21 and 171 classes (SEGLENS_SCREENSHOTS=DIR)',
    { skip: shots === undefined ? 'SEGLENS_SCREENSHOTS not set' : false },
    async () => {
      mkdirSync(shots!, { recursive: true });
      const cases: [string, PlainDatasetMessage][] = [
        ['21', generatedDataset({ numClasses: 21, present: 19, seed: 21, soft: true })],
        ['171', generatedDataset({ numClasses: 171, present: 150, seed: 171 })],
        ['150-sparse', generatedDataset({ numClasses: 150, present: 11, seed: 150 })],
        ['sample', sampleDataset()],
      ];
      const records = await sampleRecords();
      const cellColumns = new RecordColumns();
      for (const record of records) cellColumns.set(record);
      for (const [name, message] of cases) {
        if (message.reliability !== null) message.figures.ece = naiveEce(message.reliability);
        for (const theme of ['light', 'dark'] as ThemeName[]) {
          const { page } = await openPanel(null, { width: 1400, height: 900 });
          try {
            await applyTheme(page, theme);
            await postDataset(page, message);
            await page.locator('#top-confusions .top-confusion').first().click();
            if (name === 'sample') {
              // Answer the panel's request for the cell's images as the host does, from the records.
              const asked = (await posted(page)).at(-1) as { type: string; pair: { label: number; predicted: number } };
              assert.equal(asked.type, 'selectCell');
              const answer = {
                type: 'cellImages',
                pair: asked.pair,
                ...imagesForCell(cellColumns.cellImages(asked.pair)),
              };
              await page.evaluate((message) => window.postMessage(message, '*'), answer);
              await page.waitForSelector('button.cell-image');
            }
            await page.screenshot({ path: join(shots!, `dataset-${name}-${theme}.png`) });
            await page.screenshot({ path: join(shots!, `dataset-${name}-${theme}-full.png`), fullPage: true });
          } finally {
            await page.close();
          }
        }
      }
    },
  );
});
