/**
 * End-to-end test of the Inspector webview in headless Chromium.
 *
 * It serves the real page (webviewHtml with its strict CSP), the built bundle dist/inspector.js
 * and media/inspector.css from a fake origin, stands in for VS Code's `acquireVsCodeApi`, posts a
 * real `image` message made of small typed arrays, and then checks behaviour by reading canvas
 * pixels and the DOM. `npm test` builds dist/inspector.js first (pretest).
 *
 * The 8×8 fixture has four 4×4 quadrants:
 *   top-left     label cat (1),  predicted cat (right),   M = +0.8, p = 0.9
 *   top-right    label dog (2),  predicted cat (wrong),   M = -0.8, p = 0.2
 *   bottom-left  label background (0), predicted 0,       M = 0,    p = 0.7
 *   bottom-right void (-1),      predicted dog (2),       M = 0
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { webviewHtml } from '../../src/extension/webviewHtml';
import { defaultClassColors, type PersistedInspectorState } from '../../src/shared/protocol/inspector';
import {
  DEFAULT_METRIC_OPTIONS,
  DEFAULT_READ_OPTIONS,
  LOSS_PRESETS,
  optionsRecord,
  optionsText,
} from '../../src/core/options';
import { evaluateImage, lossVariantName, type EngineOptions, type FilePair } from '../../src/core';
import { VOC_CLASS_NAMES } from '../../src/core/io/colorTable';
import { comparisonMessage, imageMessage } from '../../src/extension/logic/inspectorMessage';
import { fakeVsCodeApi, launchChromium, serveOnly } from './pageHarness';
import { agreeImageWithMaps } from '../../src/core/evaluate/agreeImage';
import { agreementLayer } from '../../src/extension/logic/agreement';
import type { ImageMessage } from '../../src/shared/protocol/inspector';

/** A message with its typed arrays as {kind, values}, so page.evaluate can carry it; the page rebuilds them. */
function plainMessage(message: unknown): unknown {
  for (const kind of [Int32Array, Float32Array, Uint8Array]) {
    if (message instanceof kind) return { kind: kind.name, values: Array.from(message) };
  }
  if (Array.isArray(message)) return message.map(plainMessage);
  if (message !== null && typeof message === 'object')
    return Object.fromEntries(Object.entries(message).map(([key, value]) => [key, plainMessage(value)]));
  return message;
}
import { applyTheme, axeViolations, THEME_NAMES } from './themes';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE_PATH = join(ROOT, 'dist', 'inspector.js');
const STYLE_PATH = join(ROOT, 'media', 'inspector.css');
const ORIGIN = 'https://seglens-webview.test';
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3ODkw';

const WIDTH = 8;
const HEIGHT = 8;
const CLASS_NAMES = ['background', 'cat', 'dog'];
const COLORS = defaultClassColors(3); // VOC: [0,0,0], [128,0,0], [0,128,0]
const GREY = [128, 128, 128] as const;
const PHOTO_COLOR = [0, 0, 255] as const;

type Quadrant = 'topLeft' | 'topRight' | 'bottomLeft' | 'bottomRight';
/** The centre of a pixel well inside each quadrant, in image coordinates. */
const QUADRANT_POINTS: Record<Quadrant, { x: number; y: number }> = {
  topLeft: { x: 1.5, y: 1.5 },
  topRight: { x: 5.5, y: 1.5 },
  bottomLeft: { x: 1.5, y: 5.5 },
  bottomRight: { x: 5.5, y: 5.5 },
};

interface FixtureArrays {
  label: number[];
  predicted: number[];
  truthProbability: number[];
  pixelCost: number[];
  mergeEffect: number[];
}

function fixtureArrays(): FixtureArrays {
  const arrays: FixtureArrays = { label: [], predicted: [], truthProbability: [], pixelCost: [], mergeEffect: [] };
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const top = y < 4;
      const left = x < 4;
      const [label, predicted, p, m] = top
        ? left
          ? [1, 1, 0.9, 0.8]
          : [2, 1, 0.2, -0.8]
        : left
          ? [0, 0, 0.7, 0]
          : [-1, 2, 0, 0];
      arrays.label.push(label);
      arrays.predicted.push(predicted);
      arrays.truthProbability.push(p);
      arrays.pixelCost.push(label < 0 ? 0 : -Math.log(p));
      arrays.mergeEffect.push(m);
    }
  }
  return arrays;
}

interface FixtureOptions {
  name?: string;
  imageUri?: string | null;
  mergeEffectRange?: number | null;
  confusionPair?: { label: number; predicted: number };
  /** Compare mode: which model the layers show and the other model's argmax map. */
  comparison?: { shown: 'a' | 'b'; otherPredicted: number[] };
  /** Boundary band bits per quadrant (top-left, top-right, bottom-left, bottom-right). */
  band?: [number, number, number, number];
  /** The run's options as the host sends them (optionsText). */
  options?: string;
  hotSpots?: readonly (typeof FIXTURE_HOT_SPOTS)[number][];
  position?: { index: number; total: number; list?: string };
  /** More message fields (datasetName, labelsFolder, openedFrom). */
  extra?: Record<string, unknown>;
  /** Soft maps and label issues (SOFT_FIXTURE), and the agreement layer (AGREEMENT_FIXTURE). */
  soft?: boolean;
  agreement?: boolean;
}

/**
 * The soft maps of the fixture, per quadrant (top-left, top-right, bottom-left, bottom-right): the top-1
 * probability, the entropy (0 and ln 3 are the scale's ends), the margin, and the label-issue mask
 * (P(label) < 0.25 in the top-right quadrant only, where p(dog) = 0.2).
 */
const SOFT_QUADRANTS = {
  confidence: [0.9, 0.7, 0.7, 0.95],
  entropy: [0, 0.5, Math.log(3), 0.2],
  margin: [1, 0, 0.45, 0.9],
  labelIssues: [0, 1, 0, 0],
} as const;
const ISSUE_THRESHOLD = 0.25;
/** The engine's region of the top-right quadrant: labelled dog, the model says cat. */
const TOP_RIGHT_REGION = { labelClass: 2, suggestedClass: 1, pixels: 16, box: { x: 4, y: 0, width: 4, height: 4 } };

function quadrantOf(p: number): number {
  return (Math.floor(p / WIDTH) < 4 ? 0 : 2) + (p % WIDTH < 4 ? 0 : 1);
}

function softArrays(): Record<keyof typeof SOFT_QUADRANTS, number[]> {
  const of = (values: readonly number[]) =>
    Array.from({ length: WIDTH * HEIGHT }, (_, p) => values[quadrantOf(p)] ?? 0);
  return {
    confidence: of(SOFT_QUADRANTS.confidence),
    entropy: of(SOFT_QUADRANTS.entropy),
    margin: of(SOFT_QUADRANTS.margin),
    labelIssues: of(SOFT_QUADRANTS.labelIssues),
  };
}

/** Three models, k = 2: all three say cat where the label says dog (the top-right quadrant). */
function agreementArrays(): { agreedClass: number[]; votes: number[] } {
  const flagged = (p: number) => quadrantOf(p) === 1;
  return {
    agreedClass: Array.from({ length: WIDTH * HEIGHT }, (_, p) => (flagged(p) ? 1 : -1)),
    votes: Array.from({ length: WIDTH * HEIGHT }, (_, p) => (flagged(p) ? 3 : 0)),
  };
}

/** Everything of the image message except the typed arrays, which are built inside the page. */
function fixtureMessage(options: FixtureOptions = {}): Record<string, unknown> {
  return {
    type: 'image',
    name: options.name ?? 'fixture/2007_000032',
    width: WIDTH,
    height: HEIGHT,
    numClasses: 3,
    classNames: CLASS_NAMES,
    classColors: COLORS,
    ignoreIndex: 255,
    imageUri: options.imageUri ?? null,
    metrics: {
      ce: 0.8123,
      adaptive: 0.5,
      mergeEffect: 0.3123,
      miou: 0.4444,
      pixelAccuracy: 0.6667,
      perScale: { '2': 0.4, '4': 0.5, '8': 0.6 },
      perClassIoU: [1, 0.5, null],
    },
    position: options.position ?? { index: 2, total: 10 },
    mergeEffectRange: options.mergeEffectRange ?? null,
    lossVariant: 'paper',
    hotSpots: options.hotSpots ?? FIXTURE_HOT_SPOTS,
    ...options.extra,
    ...(options.confusionPair !== undefined ? { confusionPair: options.confusionPair } : {}),
    ...(options.options !== undefined ? { options: options.options } : {}),
    ...(options.soft
      ? { labelIssues: { threshold: ISSUE_THRESHOLD, regions: [{ ...TOP_RIGHT_REGION, score: 0.2 }] } }
      : {}),
  };
}

/** Two hot spots of the fixture: the top-left quadrant (merging removes cost) and the top-right (adds). */
const FIXTURE_HOT_SPOTS = [
  {
    scale: 4,
    classId: 1,
    effect: 2.5,
    share: 0.013,
    pixels: 16,
    windows: 1,
    box: { x: 0, y: 0, width: 4, height: 4 },
    cells: [1],
  },
  {
    scale: 4,
    classId: 2,
    effect: -1.5,
    share: -0.008,
    pixels: 16,
    windows: 1,
    box: { x: 4, y: 0, width: 4, height: 4 },
    cells: [1],
  },
];

function solidPng(width: number, height: number, [r, g, b]: readonly number[]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = r ?? 0;
    png.data[i * 4 + 1] = g ?? 0;
    png.data[i * 4 + 2] = b ?? 0;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

interface Inspector {
  page: Page;
  posted(): Promise<unknown[]>;
  lastState(): Promise<PersistedInspectorState>;
  violations(): Promise<string[]>;
  /** Requests the page made outside the fake origin (must stay empty: no remote content). */
  foreignRequests: string[];
}

let browser: Browser | undefined;
/** One context for all pages: a fresh page per test keeps them independent, a fresh context per test only costs time. */
let context: BrowserContext | undefined;

async function openInspector(savedState: unknown = undefined): Promise<Inspector> {
  if (context === undefined) {
    throw new Error('browser not launched');
  }
  const page = await context.newPage();
  const html = webviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    script: readFileSync(BUNDLE_PATH, 'utf8'),
    style: readFileSync(STYLE_PATH, 'utf8'),
  });
  const photo = solidPng(WIDTH, HEIGHT, PHOTO_COLOR);
  const foreignRequests = await serveOnly(page, ORIGIN, {
    '/index.html': ['text/html', html],
    '/photo.png': ['image/png', photo],
  });
  await fakeVsCodeApi(page, savedState ?? null);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => window.__webviewTest.posted.length > 0);
  // Custom elements upgrade asynchronously; wait until the checkboxes rendered their shadow DOM.
  await page.waitForFunction(() => document.querySelector('vscode-checkbox')?.shadowRoot !== null);
  return {
    page,
    foreignRequests,
    posted: () => page.evaluate(() => window.__webviewTest.posted),
    lastState: async () => {
      const states = await page.evaluate(() => window.__webviewTest.states);
      assert.ok(states.length > 0, 'setState was never called');
      return states[states.length - 1] as PersistedInspectorState;
    },
    violations: () => page.evaluate(() => window.__webviewTest.violations),
  };
}

/** Posts the image message the way VS Code delivers it: a window message whose layers are typed arrays. */
async function postImage(page: Page, options: FixtureOptions = {}): Promise<void> {
  await page.evaluate(
    ({ message, arrays, comparison, band, width, soft, agreement }) => {
      window.postMessage(
        {
          ...message,
          ...(agreement === null
            ? {}
            : {
                agreement: {
                  models: 3,
                  minAgree: 2,
                  agreedClass: Int32Array.from(agreement.agreedClass),
                  votes: Uint8Array.from(agreement.votes),
                  regions: [agreement.region],
                },
              }),
          hotSpots: (message['hotSpots'] as { cells: number[] }[]).map((spot) => ({
            ...spot,
            cells: Uint8Array.from(spot.cells),
          })),
          ...(comparison === null
            ? {}
            : {
                comparison: {
                  shown: comparison.shown,
                  other: {
                    layers: {
                      predicted: Int32Array.from(comparison.otherPredicted),
                      truthProbability: Float32Array.from(arrays.truthProbability),
                      pixelCost: Float32Array.from(arrays.pixelCost),
                      mergeEffect: Float32Array.from(arrays.mergeEffect),
                    },
                    metrics: { ...(message['metrics'] as object), miou: 0.3194 },
                    hotSpots: [],
                  },
                  folders: { a: 'predictions', b: 'predictions-b' },
                  perClassIoUDelta: [0, -0.5, 0.25],
                  miouDelta: -0.125,
                },
              }),
          layers: {
            label: Int32Array.from(arrays.label),
            predicted: Int32Array.from(arrays.predicted),
            truthProbability: Float32Array.from(arrays.truthProbability),
            pixelCost: Float32Array.from(arrays.pixelCost),
            mergeEffect: Float32Array.from(arrays.mergeEffect),
            ...(band === null
              ? {}
              : {
                  boundaryBand: Uint8Array.from(arrays.label, (_, p) => {
                    const quadrant = (Math.floor(p / width) < 4 ? 0 : 2) + (p % width < 4 ? 0 : 1);
                    return band[quadrant] ?? 0;
                  }),
                }),
            ...(soft === null
              ? {}
              : {
                  confidence: Float32Array.from(soft.confidence),
                  entropy: Float32Array.from(soft.entropy),
                  margin: Float32Array.from(soft.margin),
                  labelIssues: Uint8Array.from(soft.labelIssues),
                }),
          },
        },
        '*',
      );
    },
    {
      message: fixtureMessage(options),
      arrays: fixtureArrays(),
      comparison: options.comparison ?? null,
      band: options.band ?? null,
      width: WIDTH,
      soft: options.soft ? softArrays() : null,
      agreement: options.agreement ? { ...agreementArrays(), region: { ...TOP_RIGHT_REGION, score: 1 } } : null,
    },
  );
  await page.waitForFunction(
    (name) => document.getElementById('image-name')?.textContent === name,
    options.name ?? 'fixture/2007_000032',
  );
}

interface View {
  zoom: number;
  offsetX: number;
  offsetY: number;
}

/** The fitted view the product promises: largest zoom showing the whole image, centred. */
async function fittedView(page: Page): Promise<View> {
  const size = await page.evaluate(() => {
    const canvas = document.getElementById('canvas') as HTMLCanvasElement;
    return { width: canvas.width, height: canvas.height };
  });
  const zoom = Math.min(size.width / WIDTH, size.height / HEIGHT);
  return { zoom, offsetX: (size.width - WIDTH * zoom) / 2, offsetY: (size.height - HEIGHT * zoom) / 2 };
}

function toScreen(view: View, point: { x: number; y: number }): { x: number; y: number } {
  return { x: view.offsetX + point.x * view.zoom, y: view.offsetY + point.y * view.zoom };
}

async function canvasPixel(page: Page, point: { x: number; y: number }): Promise<[number, number, number]> {
  return page.evaluate(({ x, y }) => {
    const canvas = document.getElementById('canvas') as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
    if (data === undefined) {
      throw new Error('no 2d context');
    }
    return [data[0] ?? -1, data[1] ?? -1, data[2] ?? -1] as [number, number, number];
  }, point);
}

/** Reads the colour drawn at the centre of a quadrant, under the fitted view unless one is given. */
async function quadrantColor(page: Page, quadrant: Quadrant, view?: View): Promise<[number, number, number]> {
  return canvasPixel(page, toScreen(view ?? (await fittedView(page)), QUADRANT_POINTS[quadrant]));
}

function assertColor(actual: readonly number[], expected: readonly number[], message: string, tolerance = 2): void {
  const close = actual.length === 3 && actual.every((value, i) => Math.abs(value - (expected[i] ?? NaN)) <= tolerance);
  assert.ok(close, `${message}: expected rgb(${expected.join(', ')}) ±${tolerance}, got rgb(${actual.join(', ')})`);
}

function blend(under: readonly number[], over: readonly number[], alpha: number): number[] {
  return under.map((value, i) => value * (1 - alpha) + (over[i] ?? 0) * alpha);
}

async function setLayer(page: Page, layer: string, visible: boolean, opacityPercent?: number): Promise<void> {
  const checkbox = page.locator(`vscode-checkbox[data-layer="${layer}"]`);
  const checked = await checkbox.evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
  if (checked !== visible) {
    await checkbox.click();
  }
  assert.equal(
    await checkbox.evaluate((element) => (element as HTMLElement & { checked: boolean }).checked),
    visible,
    `${layer} checkbox did not toggle`,
  );
  if (opacityPercent !== undefined) {
    await page.locator(`input.opacity[data-layer="${layer}"]`).fill(String(opacityPercent));
  }
}

/** Only the given overlays visible, at full opacity unless said otherwise; image layer on (no photo → grey). */
async function showOnly(page: Page, layers: Record<string, number>): Promise<void> {
  for (const layer of ['label', 'prediction', 'error', 'mergeEffect', 'confusion', 'difference', 'boundary']) {
    await setLayer(page, layer, layer in layers, layers[layer]);
  }
  // The soft and agreement layers only where the image has them (they are disabled otherwise).
  for (const layer of ['entropy', 'margin', 'labelIssues', 'likelyLabelErrors']) {
    const enabled = await page
      .locator(`vscode-checkbox[data-layer="${layer}"]`)
      .evaluate((element) => !(element as HTMLElement & { disabled: boolean }).disabled);
    if (enabled || layer in layers) await setLayer(page, layer, layer in layers, layers[layer]);
  }
}

describe('Inspector webview in Chromium', () => {
  before(async () => {
    browser = await launchChromium(BUNDLE_PATH);
    // deviceScaleFactor 1 so canvas backing pixels equal CSS pixels and the expected coordinates stay simple.
    context = await browser.newContext({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 1 });
  });

  after(async () => {
    await browser?.close();
  });

  it('posts ready at load, under the strict CSP, without remote requests', async () => {
    const inspector = await openInspector();
    try {
      assert.deepEqual(await inspector.posted(), [{ type: 'ready', restoredImageName: null }]);
      const csp = await inspector.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.match(csp ?? '', /default-src 'none'/);
      assert.match(csp ?? '', new RegExp(`script-src 'nonce-${NONCE}'`));
      assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
      await postImage(inspector.page);
      assert.deepEqual(await inspector.violations(), [], 'CSP violations');
      assert.deepEqual(inspector.foreignRequests, [], 'requests outside the webview resources');
    } finally {
      await inspector.page.close();
    }
  });

  it('shows the image name, position, metrics and the class legend with IoU', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      assert.equal(await page.textContent('#position'), '3 of 10');
      assert.equal(await page.textContent('[data-metric="ce"]'), '0.8123');
      assert.equal(await page.textContent('[data-metric="adaptive"]'), '0.5000');
      assert.equal(await page.textContent('[data-metric="mergeEffect"]'), '+0.3123');
      assert.equal(await page.textContent('[data-metric="miou"]'), '44.4%');
      assert.equal(await page.textContent('[data-metric="pixelAccuracy"]'), '66.7%');
      const rows = await page.$$eval('.legend-row', (elements) =>
        elements.map((row) => [row.querySelector('.class-name')?.textContent, row.querySelector('.iou')?.textContent]),
      );
      assert.deepEqual(rows, [
        ['0 background', '1.000'],
        ['1 cat', '0.500'],
        ['2 dog', '—'],
      ]);
      const swatch = await page.$eval(
        '.legend-row[data-class-id="1"] .swatch',
        (element) => getComputedStyle(element).backgroundColor,
      );
      assert.equal(swatch, 'rgb(128, 0, 0)');
    } finally {
      await page.close();
    }
  });

  it('draws the label colour where the label is class k, and void hatched', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      await showOnly(page, { label: 100 });
      assertColor(await quadrantColor(page, 'topLeft'), COLORS[1] ?? [], 'cat pixel');
      assertColor(await quadrantColor(page, 'topRight'), COLORS[2] ?? [], 'dog pixel');
      assertColor(await quadrantColor(page, 'bottomLeft'), COLORS[0] ?? [], 'background pixel');
      // Stripes of two greys: pixel (x, y) is dark where (x + y) mod 6 < 3.
      assertColor(await quadrantColor(page, 'bottomRight'), [190, 190, 190], 'void pixel (5, 5): light stripe');
      const view = await fittedView(page);
      assertColor(await canvasPixel(page, toScreen(view, { x: 7.5, y: 5.5 })), [70, 70, 70], 'void (7, 5): dark');
    } finally {
      await page.close();
    }
  });

  it('removes a layer colour when its toggle is off', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      await showOnly(page, { label: 100 });
      assertColor(await quadrantColor(page, 'topRight'), COLORS[2] ?? [], 'label on');
      await setLayer(page, 'label', false);
      assertColor(await quadrantColor(page, 'topRight'), GREY, 'label off');
      await setLayer(page, 'prediction', true, 100);
      assertColor(await quadrantColor(page, 'topRight'), COLORS[1] ?? [], 'prediction on (predicted cat)');
      assertColor(await quadrantColor(page, 'bottomRight'), COLORS[2] ?? [], 'prediction covers void pixels too');
    } finally {
      await page.close();
    }
  });

  it('blends a layer with its opacity', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      await showOnly(page, { label: 100 });
      await setLayer(page, 'label', true, 50);
      assertColor(await quadrantColor(page, 'topRight'), blend(GREY, COLORS[2] ?? [], 0.5), 'label at 50%');
      await setLayer(page, 'label', true, 25);
      assertColor(await quadrantColor(page, 'topRight'), blend(GREY, COLORS[2] ?? [], 0.25), 'label at 25%');
    } finally {
      await page.close();
    }
  });

  it('draws the photo under the overlays and falls back to grey without it', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page, { imageUri: `${ORIGIN}/photo.png` });
      await showOnly(page, {});
      await page.waitForFunction(() => {
        const canvas = document.getElementById('canvas') as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
        return data !== undefined && data[2] === 255 && data[0] === 0;
      });
      assertColor(await quadrantColor(page, 'topLeft'), PHOTO_COLOR, 'photo');
      await setLayer(page, 'image', true, 50);
      assertColor(await quadrantColor(page, 'topLeft'), blend(GREY, PHOTO_COLOR, 0.5), 'photo at 50% over grey');
      await setLayer(page, 'image', false);
      assertColor(await quadrantColor(page, 'topLeft'), GREY, 'photo hidden');
    } finally {
      await page.close();
    }
  });

  it('draws the error map: right green, wrong red, void grey', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      await showOnly(page, { error: 100 });
      const right = await quadrantColor(page, 'topLeft');
      const wrong = await quadrantColor(page, 'topRight');
      const voidColor = await quadrantColor(page, 'bottomRight');
      assert.ok(right[1] > right[0] + 60 && right[1] > right[2] + 60, `right should be green, got ${right.join(',')}`);
      assert.ok(wrong[0] > wrong[1] + 100 && wrong[0] > wrong[2] + 100, `wrong should be red, got ${wrong.join(',')}`);
      assert.ok(
        Math.max(...voidColor) - Math.min(...voidColor) <= 4 && voidColor[0] > 60,
        `void should be grey, got ${voidColor.join(',')}`,
      );
    } finally {
      await page.close();
    }
  });

  it('lights only the pixels of the confusion cell it was opened from, and says which cell', async () => {
    const { page } = await openInspector();
    try {
      // dog (2) predicted as cat (1): exactly the top-right quadrant.
      await postImage(page, { confusionPair: { label: 2, predicted: 1 } });
      await showOnly(page, { confusion: 100 });
      assertColor(
        await quadrantColor(page, 'topRight'),
        [236, 72, 153],
        'the a→b pixels are lit (not in the hot-spot yellow)',
      );
      for (const quadrant of ['topLeft', 'bottomLeft', 'bottomRight'] as const)
        assertColor(await quadrantColor(page, quadrant), GREY, `${quadrant} is not in the cell`);
      assert.equal(
        await page.locator('dd[data-metric="confusion"]').textContent(),
        'dog → cat: 16 px',
        'the header names the cell and its pixel count',
      );
      // Without a cell the layer draws nothing even when it is on.
      await postImage(page, { name: 'fixture/other' });
      assertColor(await quadrantColor(page, 'topRight'), GREY, 'no cell, nothing lit');
      assert.equal(await page.locator('dd[data-metric="confusion"]').count(), 0);
    } finally {
      await page.close();
    }
  });

  it('compare mode: A | B side by side with one zoom, the difference layer, coloured deltas, b flips, v lays out', async () => {
    const { page } = await openInspector();
    try {
      // Model A = the fixture (top-left right, top-right wrong, bottom-left right). Model B: top-left
      // wrong (A right, B wrong), top-right right (B fixed it), bottom-left right, void wrong.
      const otherPredicted = fixtureArrays().label.map((y, p) => {
        const top = Math.floor(p / WIDTH) < 4;
        const left = p % WIDTH < 4;
        return top && left ? 0 : top ? 2 : y < 0 ? 1 : 0;
      });
      await postImage(page, { comparison: { shown: 'a', otherPredicted } });
      assert.equal(await page.isVisible('#canvas-b'), true, 'side by side is the default');
      assert.equal(await page.textContent('#pane-caption-a'), 'A · predictions · mIoU 44.4%');
      assert.equal(await page.textContent('#pane-caption-b'), 'B · predictions-b · mIoU 31.9%');
      assert.match(
        (await page.locator('dd[data-metric="model"]').textContent()) ?? '',
        /^A \| B \(B − A mIoU −0\.125\)$/,
      );
      await showOnly(page, { difference: 100 });
      assertColor(await quadrantColor(page, 'topLeft'), [255, 120, 0], 'A right, B wrong: regression colour');
      assertColor(await quadrantColor(page, 'topRight'), [0, 170, 255], 'B right, A wrong: fix colour');
      assertColor(await quadrantColor(page, 'bottomLeft'), GREY, 'both right: nothing drawn');
      assertColor(await quadrantColor(page, 'bottomRight'), GREY, 'void: nothing drawn');
      // Per-class B − A on one line, red when worse, green when better.
      const delta = (classId: number) => page.locator(`.legend-row[data-class-id="${classId}"] .iou-delta`);
      assert.equal(await delta(1).textContent(), 'Δ −0.500');
      assert.equal(await delta(1).getAttribute('class'), 'iou-delta worse');
      assert.equal(await delta(2).getAttribute('class'), 'iou-delta better');
      const deltaBox = await delta(1).boundingBox();
      const nameBox = await page.locator('.legend-row[data-class-id="1"] .class-name').boundingBox();
      assert.ok(deltaBox !== null && nameBox !== null && Math.abs(deltaBox.y - nameBox.y) < 4, 'on the class line');
      assert.ok(deltaBox.height < 24, `one line, not wrapped (${deltaBox.height} px)`);

      // The panes: predictions differ where the models do; after a zoom and a pan both moved alike.
      await showOnly(page, { prediction: 100 });
      const box = await page.locator('#canvas').boundingBox();
      assert.ok(box !== null);
      await page.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
      await page.mouse.wheel(0, -400);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 3 + 25, box.y + box.height / 3 + 10);
      await page.mouse.up();
      await page.waitForFunction(() => (window.__webviewTest.states.at(-1) as { view: unknown }).view !== null);
      const pixels = (id: string) =>
        page.evaluate((canvasId) => {
          const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
          const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
          // Every 13th channel value (a prime stride, so every channel and column is met): enough to tell panes apart.
          const sample: number[] = [];
          for (let at = 0; data !== undefined && at < data.length; at += 13) sample.push(data[at] ?? -1);
          return sample;
        }, id);
      await showOnly(page, { label: 100 });
      const [a, b] = [await pixels('canvas'), await pixels('canvas-b')];
      assert.ok(a.length > 0 && a.length === b.length, 'the panes are the same size');
      assert.deepEqual(a, b, 'the same label under the same zoom and pan: identical panes');
      await showOnly(page, { prediction: 100 });
      const [pa, pb] = [await pixels('canvas'), await pixels('canvas-b')];
      assert.notDeepEqual(pa, pb, 'the predictions differ');

      // b: one pane, B; b again: A; v: side by side again. Nothing is asked of the host.
      const posted = (await page.evaluate(() => window.__webviewTest.posted)).length;
      await page.locator('#canvas').focus();
      await page.keyboard.press('b');
      assert.equal(await page.isVisible('#canvas-b'), false);
      assert.match((await page.locator('dd[data-metric="model"]').textContent()) ?? '', /^B \(/);
      assert.equal(await page.textContent('#pane-caption-a'), 'B · predictions-b · mIoU 31.9%');
      await page.keyboard.press('b');
      assert.match((await page.locator('dd[data-metric="model"]').textContent()) ?? '', /^A \(/);
      await page.keyboard.press('v');
      assert.equal(await page.isVisible('#canvas-b'), true);
      assert.equal((await page.evaluate(() => window.__webviewTest.posted)).length, posted);
    } finally {
      await page.close();
    }
  });

  it('draws the boundary bands: agreement grey, label-only green, prediction-only blue, other class red', async () => {
    const { page } = await openInspector();
    try {
      // bits: 1 label band, 2 prediction band, 4 disagreement.
      await postImage(page, { band: [3, 7, 5, 6] });
      await showOnly(page, { boundary: 100 });
      assertColor(await quadrantColor(page, 'topLeft'), [235, 235, 235], 'both bands agree');
      assertColor(await quadrantColor(page, 'topRight'), [255, 23, 68], 'both bands, different classes');
      assertColor(await quadrantColor(page, 'bottomLeft'), [0, 200, 83], 'label band only');
      assertColor(await quadrantColor(page, 'bottomRight'), [41, 121, 255], 'prediction band only');
      await postImage(page, { name: 'fixture/interior', band: [0, 0, 0, 0] });
      assertColor(await quadrantColor(page, 'topLeft'), GREY, 'interior pixels stay clear');
    } finally {
      await page.close();
    }
  });

  it('draws the merge-effect heatmap red where M > 0, blue where M < 0, neutral at 0, with a legend', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      await showOnly(page, { mergeEffect: 100 });
      const positive = await quadrantColor(page, 'topLeft');
      const negative = await quadrantColor(page, 'topRight');
      const zero = await quadrantColor(page, 'bottomLeft');
      assert.ok(
        positive[0] > 150 && positive[0] > positive[2] + 100,
        `M>0 should be red-ish, got ${positive.join(',')}`,
      );
      assert.ok(
        negative[2] > 120 && negative[2] > negative[0] + 100,
        `M<0 should be blue-ish, got ${negative.join(',')}`,
      );
      assert.ok(
        Math.max(...zero) - Math.min(...zero) <= 10 && zero[0] > 200,
        `M=0 should be neutral, got ${zero.join(',')}`,
      );
      assertColor(await quadrantColor(page, 'bottomRight'), GREY, 'void has no heat');
      // Symmetric range ±max|M| = ±0.8, shown on the colour bar.
      assert.equal(await page.textContent('.color-bar .min'), '−0.800');
      assert.equal(await page.textContent('.color-bar .max'), '+0.800');
    } finally {
      await page.close();
    }
  });

  it('uses the host-sent merge-effect range when there is one', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page, { mergeEffectRange: 1.6 });
      await showOnly(page, { mergeEffect: 100 });
      const half = await quadrantColor(page, 'topLeft');
      // M = 0.8 is half-way up a ±1.6 scale: a light red, not the saturated end.
      assertColor(half, [244, 165, 130], 'M = +0.8 on a ±1.6 scale');
      assert.equal(await page.textContent('.color-bar .max'), '+1.600');
    } finally {
      await page.close();
    }
  });

  it('shows the hover readout for the pixel under the pointer', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      const box = await page.locator('#canvas').boundingBox();
      assert.ok(box !== null);
      const view = await fittedView(page);
      const hover = async (quadrant: Quadrant): Promise<Record<string, string>> => {
        const point = toScreen(view, QUADRANT_POINTS[quadrant]);
        await page.mouse.move(box.x + point.x, box.y + point.y);
        return page.$$eval('#readout dd[data-field]', (cells) =>
          Object.fromEntries(cells.map((cell) => [(cell as HTMLElement).dataset.field ?? '', cell.textContent ?? ''])),
        );
      };
      assert.deepEqual(await hover('topRight'), {
        position: 'x 5, y 1',
        label: 'dog (2)',
        predicted: 'cat (1)',
        truthProbability: '0.2000',
        pixelCost: '1.6094',
        mergeEffect: '−0.8000',
        certainty: '',
        labelIssue: '',
        agreement: '',
      });
      assert.equal(
        await page.isVisible('#readout dt[data-term="certainty"]'),
        false,
        'no soft fields for a hard image',
      );
      const onVoid = await hover('bottomRight');
      assert.equal(onVoid.label, 'void (ignore 255)');
      assert.equal(onVoid.predicted, 'dog (2)');
      assert.equal(onVoid.mergeEffect, '—');
      assert.equal((await hover('topLeft')).mergeEffect, '+0.8000');
    } finally {
      await page.close();
    }
  });

  it('posts navigate for n/p, ←/→ and the buttons, but not for arrows on a slider', async () => {
    const inspector = await openInspector();
    const { page } = inspector;
    try {
      await postImage(page);
      await page.locator('#canvas').focus();
      await page.keyboard.press('n');
      await page.keyboard.press('p');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowLeft');
      await page.locator('#next').click();
      await page.locator('#previous').click();
      await page.locator('input.opacity[data-layer="prediction"]').focus();
      await page.keyboard.press('ArrowLeft');
      const navigations = (await inspector.posted()).slice(1);
      assert.deepEqual(navigations, [
        { type: 'navigate', direction: 'next' },
        { type: 'navigate', direction: 'previous' },
        { type: 'navigate', direction: 'next' },
        { type: 'navigate', direction: 'previous' },
        { type: 'navigate', direction: 'next' },
        { type: 'navigate', direction: 'previous' },
      ]);
    } finally {
      await page.close();
    }
  });

  it('saves its state with setState and restores it from getState', async () => {
    const first = await openInspector();
    let saved: PersistedInspectorState;
    let zoomedView: View;
    let box: { x: number; y: number } | null;
    try {
      await postImage(first.page);
      await showOnly(first.page, { mergeEffect: 60 });
      box = await first.page.locator('#canvas').boundingBox();
      assert.ok(box !== null);
      const fitted = await fittedView(first.page);
      const anchor = toScreen(fitted, QUADRANT_POINTS.topLeft);
      await first.page.mouse.move(box.x + anchor.x, box.y + anchor.y);
      await first.page.mouse.wheel(0, -300);
      await first.page.waitForFunction(() => {
        const states = window.__webviewTest.states as { view: unknown }[];
        return states[states.length - 1]?.view !== null;
      });
      saved = await first.lastState();
      assert.equal(saved.imageName, 'fixture/2007_000032');
      assert.deepEqual(saved.layers.mergeEffect, { visible: true, opacity: 0.6 });
      assert.equal(saved.layers.label.visible, false);
      assert.ok(saved.view !== null && saved.view.zoom > fitted.zoom, 'wheel up zooms in');
      zoomedView = saved.view;
      // Zooming keeps the image point under the pointer where it was.
      const anchorAfter = toScreen(zoomedView, QUADRANT_POINTS.topLeft);
      assert.ok(
        Math.hypot(anchorAfter.x - anchor.x, anchorAfter.y - anchor.y) < 1,
        `anchor moved from ${JSON.stringify(anchor)} to ${JSON.stringify(anchorAfter)}`,
      );
    } finally {
      await first.page.close();
    }

    const second = await openInspector(saved);
    try {
      assert.deepEqual(await second.posted(), [{ type: 'ready', restoredImageName: 'fixture/2007_000032' }]);
      const toggles = await second.page.$$eval('vscode-checkbox[data-layer]', (elements) =>
        Object.fromEntries(
          elements.map((element) => [
            (element as HTMLElement).dataset.layer ?? '',
            (element as HTMLElement & { checked: boolean }).checked,
          ]),
        ),
      );
      assert.deepEqual(toggles, {
        image: true,
        label: false,
        prediction: false,
        error: false,
        mergeEffect: true,
        confusion: false,
        // The fixture is no comparison: its difference layer was disabled, so the default (on) was kept
        // and is drawn once an image has something for it.
        difference: true,
        boundary: false,
        entropy: false,
        margin: false,
        // No soft maps or agreement before an image arrives: their defaults (on) are kept, drawn once there is data.
        labelIssues: true,
        likelyLabelErrors: true,
      });
      assert.equal(await second.page.inputValue('input.opacity[data-layer="mergeEffect"]'), '60');
      // The host re-sends the stored image; it comes back with the saved zoom and pan and layers.
      await postImage(second.page);
      const positive = await quadrantColor(second.page, 'topLeft', zoomedView);
      assertColor(
        positive,
        blend(GREY, [202, 0, 32], 0.6),
        'restored merge-effect layer at 60% under the restored view',
      );
      assert.deepEqual((await second.lastState()).view, zoomedView);
      // Another image starts fitted again.
      await postImage(second.page, { name: 'fixture/2007_000033' });
      const next = await second.lastState();
      assert.equal(next.imageName, 'fixture/2007_000033');
      assert.equal(next.view, null);
    } finally {
      await second.page.close();
    }
  });

  it('says which loss variant produced the numbers', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      assert.equal(await page.textContent('#metrics dd[data-metric="lossVariant"]'), 'paper');
    } finally {
      await page.close();
    }
  });

  it('shows every option the numbers were computed with in the header, inside the window', async () => {
    const text = optionsText(
      optionsRecord({ metric: { ...DEFAULT_METRIC_OPTIONS, ...LOSS_PRESETS.paper }, read: DEFAULT_READ_OPTIONS }),
    );
    const { page } = await openInspector();
    try {
      await page.setViewportSize({ width: 1400, height: 900 });
      await postImage(page, { options: text });
      const shown = page.locator('#metrics dd[data-metric="options"]');
      assert.equal(await shown.textContent(), text);
      assert.match(text, /boundaryRatio 0\.02/);
      const box = await shown.boundingBox();
      assert.ok(box !== null && box.x + box.width <= 1400, `the options run off the window: ${JSON.stringify(box)}`);
      const folder = process.env.SEGLENS_SCREENSHOTS;
      if (folder !== undefined) {
        await page.screenshot({ path: `${folder}/inspector-options-dark.png` });
        await page.evaluate(() => {
          const style = document.documentElement.style;
          style.setProperty('--vscode-editor-background', '#ffffff');
          style.setProperty('--vscode-foreground', '#3b3b3b');
          style.setProperty('--vscode-descriptionForeground', '#717171');
          document.body.classList.replace('vscode-dark', 'vscode-light');
        });
        await page.screenshot({ path: `${folder}/inspector-options-light.png` });
      }
    } finally {
      await page.close();
    }
  });

  it('spans a robust range by default, marks the clamped ends, and switches to the full range', async () => {
    const { page } = await openInspector();
    try {
      // 20×20, every pixel valid with M = 0.5 except two outliers at ±9: the 99th percentile is 0.5.
      const side = 20;
      await page.evaluate(
        ({ message, side }) => {
          const pixels = side * side;
          const mergeEffect = new Float32Array(pixels).fill(0.5);
          mergeEffect[0] = 9;
          mergeEffect[1] = -9;
          window.postMessage(
            {
              ...message,
              name: 'fixture/outliers',
              width: side,
              height: side,
              hotSpots: [],
              layers: {
                label: new Int32Array(pixels).fill(1),
                predicted: new Int32Array(pixels).fill(1),
                truthProbability: new Float32Array(pixels).fill(0.5),
                pixelCost: new Float32Array(pixels).fill(0.69),
                mergeEffect,
              },
            },
            '*',
          );
        },
        { message: fixtureMessage(), side },
      );
      await page.waitForFunction(() => document.getElementById('image-name')?.textContent === 'fixture/outliers');
      assert.equal(await page.textContent('.color-bar .max'), '+0.500');
      assert.equal(await page.getAttribute('#color-scale', 'data-kind'), 'robust');
      assert.match((await page.textContent('#color-scale')) ?? '', /99th percentile.*2 px beyond it \(up to ±9\.000\)/);
      assert.equal(await page.isVisible('.color-bar .clamp.high'), true, 'clamped values are marked on the bar');
      await page.click('#color-scale-toggle');
      await page.waitForFunction(() => document.getElementById('color-scale')?.dataset.kind === 'full');
      assert.equal(await page.textContent('.color-bar .max'), '+9.000');
      assert.equal(await page.isVisible('.color-bar .clamp.high'), false);
      await page.keyboard.press('s');
      await page.waitForFunction(() => document.getElementById('color-scale')?.dataset.kind === 'robust');
    } finally {
      await page.close();
    }
  });

  it('numbers the hot spots on the image and in the list, in plain words, zooms to one on click and steps with h', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      await showOnly(page, { mergeEffect: 100 });
      const items = page.locator('#hot-spots button.hot-spot');
      assert.equal(await items.count(), 2);
      assert.deepEqual(await page.locator('#hot-spots .hot-spot-number').allTextContents(), ['1', '2']);
      // share / M̄ = 0.013 / 0.3123 = 4.2%; 0.008 / 0.3123 = 2.6%.
      assert.equal(
        await items.nth(0).locator('.hot-spot-text').textContent(),
        "cat, 16 px at 4×4: merging lowers the loss here by 4.2% of this image's merge effect",
      );
      assert.equal(
        await items.nth(1).locator('.hot-spot-text').textContent(),
        "dog, 16 px at 4×4: merging raises the loss here by 2.6% of this image's merge effect",
      );
      assert.match(
        (await items.nth(0).getAttribute('title')) ?? '',
        /\+2\.5 nats.*\n.*M̄/s,
        'the jargon is in the tooltip',
      );
      // The outline runs along each region's border; sample it half-way down each left edge.
      const view = await fittedView(page);
      const onLeftEdge = (box: { x: number; y: number; height: number }): { x: number; y: number } =>
        toScreen(view, { x: box.x, y: box.y + box.height / 2 });
      assertColor(await canvasPixel(page, onLeftEdge(FIXTURE_HOT_SPOTS[0]!.box)), [255, 214, 0], 'removes: yellow');
      assertColor(await canvasPixel(page, onLeftEdge(FIXTURE_HOT_SPOTS[1]!.box)), [0, 229, 255], 'adds: cyan');
      // Number 1 in a yellow badge at the region's first corner (the badge is 9 px in radius).
      const corner = toScreen(view, { x: 0, y: 0 });
      assertColor(await canvasPixel(page, { x: corner.x + 5, y: corner.y + 4 }), [255, 214, 0], 'badge 1');
      // Inside the region, away from the outline, the heatmap is untouched.
      const heat = await quadrantColor(page, 'topLeft');
      assert.ok(heat[0] > 150 && heat[2] < 100, `heat inside the region, got ${heat.join(',')}`);
      // No outlines without the merge-effect layer.
      await showOnly(page, { error: 100 });
      assertColor(await canvasPixel(page, onLeftEdge(FIXTURE_HOT_SPOTS[0]!.box)), [46, 160, 67], 'error map only');

      await items.nth(1).click();
      await page.waitForFunction(
        () => document.querySelector('#hot-spots [data-hot-spot="1"]')?.getAttribute('aria-pressed') === 'true',
      );
      const state = await page.evaluate(() => window.__webviewTest.states.at(-1) as PersistedInspectorState);
      assert.ok(state.view !== null && state.view.zoom > view.zoom, 'clicking a hot spot zooms in');
      assert.equal(state.layers.mergeEffect.visible, true, 'and shows the merge-effect layer');
      const selectedBox = FIXTURE_HOT_SPOTS[1]!.box;
      const edge = toScreen(state.view, { x: selectedBox.x, y: selectedBox.y + selectedBox.height / 2 });
      assertColor(await canvasPixel(page, { x: edge.x, y: edge.y }), [255, 255, 255], 'selected: white');

      await page.locator('#canvas').focus();
      await page.keyboard.press('h');
      await page.waitForFunction(
        () => document.querySelector('#hot-spots [data-hot-spot="0"]')?.getAttribute('aria-pressed') === 'true',
      );
      await page.keyboard.press('Shift+H');
      await page.waitForFunction(
        () => document.querySelector('#hot-spots [data-hot-spot="1"]')?.getAttribute('aria-pressed') === 'true',
      );
    } finally {
      await page.close();
    }
  });

  it("outlines a hot spot by its windows' own contour, not its box", async () => {
    const { page } = await openInspector();
    try {
      // An L of three 2×2 windows in the top-left quadrant: (0,0), (1,0), (0,1); window (1,1) is not in it.
      const l = { ...FIXTURE_HOT_SPOTS[0]!, scale: 2, windows: 3, pixels: 12, cells: [0b0111] };
      await postImage(page, { hotSpots: [l] });
      await showOnly(page, { mergeEffect: 100 });
      const view = await fittedView(page);
      // The L's inner corner: its edges run along x = 2 (y 2..4) and y = 2 (x 2..4).
      assertColor(await canvasPixel(page, toScreen(view, { x: 2, y: 3 })), [255, 214, 0], 'inner vertical edge');
      assertColor(await canvasPixel(page, toScreen(view, { x: 3, y: 2 })), [255, 214, 0], 'inner horizontal edge');
      // Where a box would have its right edge and bottom edge below the notch, there is only heat.
      for (const point of [
        { x: 4, y: 3 },
        { x: 3, y: 4 },
      ]) {
        const drawn = await canvasPixel(page, toScreen(view, point));
        assert.ok(
          !(drawn[0] > 230 && drawn[1] > 190 && drawn[2] < 40),
          `no outline at (${point.x}, ${point.y}), got ${drawn.join(',')}`,
        );
      }
    } finally {
      await page.close();
    }
  });

  it('shows at most 5 hot spots until "Show all" is pressed', async () => {
    const { page } = await openInspector();
    try {
      const spots = Array.from({ length: 7 }, (_, i) => ({
        scale: 1,
        classId: 1,
        effect: 7 - i,
        share: (7 - i) / 1000,
        pixels: 1,
        windows: 1,
        box: { x: i, y: 0, width: 1, height: 1 },
        cells: [1],
      }));
      await postImage(page, { hotSpots: spots });
      const numbers = (): Promise<string[]> => page.locator('#hot-spots .hot-spot-number').allTextContents();
      assert.deepEqual(await numbers(), ['1', '2', '3', '4', '5']);
      const toggle = page.locator('#hot-spots-show-all');
      assert.equal(await toggle.textContent(), 'Show all 7');
      await toggle.click();
      await page.waitForFunction(() => document.querySelectorAll('#hot-spots .hot-spot').length === 7);
      assert.deepEqual(await numbers(), ['1', '2', '3', '4', '5', '6', '7']);
      assert.equal(await toggle.textContent(), 'Show the top 5');
      await postImage(page, { name: 'fixture/two', hotSpots: FIXTURE_HOT_SPOTS });
      assert.equal(await toggle.isVisible(), false, 'no toggle when every hot spot is shown anyway');
    } finally {
      await page.close();
    }
  });

  it('gives every layer a legend, disables layers without data, and shows the colour bar only with its layer', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      const checkbox = (layer: string) => page.locator(`vscode-checkbox[data-layer="${layer}"]`);
      const flags = (layer: string) =>
        checkbox(layer).evaluate((element) => {
          const box = element as HTMLElement & { checked: boolean; disabled: boolean };
          return { checked: box.checked, disabled: box.disabled, title: box.title };
        });
      // No confusion cell, no comparison, no photo: those layers are off and say why.
      for (const layer of ['confusion', 'difference', 'image']) {
        const state = await flags(layer);
        assert.equal(state.checked, false, `${layer} unchecked`);
        assert.equal(state.disabled, true, `${layer} disabled`);
        assert.ok(state.title.length > 10, `${layer} says why: ${state.title}`);
      }
      assert.equal((await flags('boundary')).disabled, true, 'no boundary bands in this message');
      const legend = (layer: string) => page.locator(`ul[data-legend="${layer}"] li`).allTextContents();
      await showOnly(page, { error: 100, label: 50, mergeEffect: 100 });
      assert.deepEqual(await legend('error'), ['predicted right', 'predicted wrong', 'void (id 255): not scored']);
      assert.deepEqual(await legend('label'), [
        'the true class, colours as under Classes',
        'void (id 255): not scored',
      ]);
      assert.equal(await page.isVisible('.color-bar'), true, 'colour bar with the merge-effect layer');
      await setLayer(page, 'mergeEffect', false);
      assert.equal(await page.isVisible('.color-bar'), false, 'no colour bar without it');
      assert.equal(await page.isVisible('ul[data-legend="mergeEffect"]'), false);

      await postImage(page, {
        name: 'fixture/cell',
        confusionPair: { label: 2, predicted: 1 },
        comparison: { shown: 'a', otherPredicted: fixtureArrays().label.map((y) => Math.max(0, y)) },
      });
      assert.deepEqual(await flags('confusion'), { checked: true, disabled: false, title: '' });
      assert.deepEqual(await legend('confusion'), ['labelled dog, predicted cat']);
      assert.equal((await flags('difference')).disabled, false);
      await setLayer(page, 'difference', true);
      assert.deepEqual(await legend('difference'), ['A right, B wrong', 'B right, A wrong', 'both wrong']);
    } finally {
      await page.close();
    }
  });

  it('names the dataset, the loss and the labels folder, and turns the merge effect on for the hard examples', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page, { extra: { datasetName: 'camvid', labelsFolder: 'camvid/labels', openedFrom: 'list' } });
      assert.equal(await page.textContent('dd[data-metric="dataset"]'), 'camvid');
      assert.equal(await page.textContent('dd[data-metric="labelsFolder"]'), 'camvid/labels');
      assert.equal(await page.textContent('dd[data-metric="lossVariant"]'), 'paper');
      await setLayer(page, 'mergeEffect', false);
      await postImage(page, {
        name: 'fixture/hard',
        position: { index: 0, total: 3, list: 'hard examples' },
        extra: { openedFrom: 'hardExamples' },
      });
      assert.equal(await page.textContent('#position'), '1 of 3 · hard examples');
      const merge = await page
        .locator('vscode-checkbox[data-layer="mergeEffect"]')
        .evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
      assert.equal(merge, true, 'opened from the hard examples: the merge effect is on');
    } finally {
      await page.close();
    }
  });

  for (const theme of THEME_NAMES) {
    it(`has no serious or critical axe-core violation in the ${theme} theme, comparing, every layer on`, async () => {
      const { page } = await openInspector();
      try {
        await applyTheme(page, theme);
        const otherPredicted = fixtureArrays().label.map((y) => Math.max(0, y));
        await postImage(page, {
          confusionPair: { label: 2, predicted: 1 },
          comparison: { shown: 'a', otherPredicted },
          extra: { datasetName: 'voc', labelsFolder: 'SegmentationClass' },
        });
        await showOnly(page, { label: 50, error: 50, mergeEffect: 50, confusion: 50, difference: 50 });
        assert.deepEqual(await axeViolations(page), []);
      } finally {
        await page.close();
      }
    });
  }

  it('paints the canvas again in the new background when VS Code switches the theme', async () => {
    const { page } = await openInspector();
    try {
      await applyTheme(page, 'dark');
      await postImage(page);
      const corner = (): Promise<number[]> =>
        page.evaluate(() => {
          const canvas = document.getElementById('canvas') as HTMLCanvasElement;
          return [...canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data.slice(0, 3)];
        });
      assert.deepEqual(await corner(), [0x1f, 0x1f, 0x1f], 'Dark Modern editor background outside the image');
      await applyTheme(page, 'light');
      await page.waitForFunction(() => {
        const canvas = document.getElementById('canvas') as HTMLCanvasElement;
        return canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data[0] === 255;
      });
      assert.deepEqual(await corner(), [255, 255, 255], 'Light Modern editor background');
    } finally {
      await page.close();
    }
  });

  it('draws entropy and margin on the viridis scale, each with a colour bar whose ends are named', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page, { soft: true });
      // viridis' published ends (matplotlib): #440154 at 0, #fde725 at 1.
      const [low, high] = [
        [68, 1, 84],
        [253, 231, 37],
      ];
      await showOnly(page, { entropy: 100 });
      assertColor(await quadrantColor(page, 'topLeft'), low, 'entropy 0 at the dark end');
      assertColor(await quadrantColor(page, 'bottomLeft'), high, 'entropy ln 3 at the bright end');
      const ends = (layer: string) =>
        Promise.all([
          page.textContent(`ul[data-legend="${layer}"] .legend-low`),
          page.textContent(`ul[data-legend="${layer}"] .legend-high`),
          page.textContent(`ul[data-legend="${layer}"] .legend-bar-title`),
        ]);
      assert.deepEqual(await ends('entropy'), [
        '0 nats: sure',
        '1.10 nats (ln 3): all classes alike',
        'Entropy of the class probabilities, in nats',
      ]);
      await showOnly(page, { margin: 100 });
      assertColor(await quadrantColor(page, 'topLeft'), high, 'margin 1 at the bright end');
      assertColor(await quadrantColor(page, 'topRight'), low, 'margin 0 at the dark end');
      assert.deepEqual(await ends('margin'), [
        '0: top two tie',
        '1: one class only',
        'Probability of the top class minus the runner-up',
      ]);
    } finally {
      await page.close();
    }
  });

  it('greys out the pixels whose top-1 probability is below the slider, set with the keyboard', async () => {
    const inspector = await openInspector();
    const { page } = inspector;
    try {
      await postImage(page, { soft: true });
      await showOnly(page, { prediction: 100 });
      const label = await page.locator('label[for="confidence-threshold"]').textContent();
      assert.equal(label, 'Grey out pixels with top-1 probability below');
      assert.equal(await page.textContent('#confidence-value'), '0.00: nothing greyed');
      await page.focus('#confidence-threshold');
      await page.keyboard.press('Home');
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');
      await page.keyboard.press('PageUp'); // +10: 0.18
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp'); // 0.26
      await page.keyboard.press('End'); // all the way: 1.00
      for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowDown'); // 0.80
      assert.equal(await page.inputValue('#confidence-threshold'), '80');
      assert.equal(await page.getAttribute('#confidence-threshold', 'aria-valuetext'), '0.80');
      // Below 0.8: top-right (0.7) and bottom-left (0.7); above: top-left (0.9), bottom-right (0.95).
      assertColor(await quadrantColor(page, 'topRight'), GREY, 'p 0.7 < 0.8 greyed');
      assertColor(await quadrantColor(page, 'bottomLeft'), GREY, 'p 0.7 < 0.8 greyed');
      assertColor(await quadrantColor(page, 'topLeft'), COLORS[1] ?? [], 'p 0.9 keeps its prediction colour (cat)');
      assertColor(
        await quadrantColor(page, 'bottomRight'),
        COLORS[2] ?? [],
        'p 0.95 keeps its prediction colour (dog)',
      );
      assert.equal(await page.textContent('#confidence-value'), '0.80: 32 px (50.0%) greyed');
      assert.equal((await inspector.lastState()).confidenceThreshold, 0.8);
    } finally {
      await page.close();
    }
  });

  it('draws the label issues and the likely label errors, lists their regions and says both in the readout', async () => {
    const inspector = await openInspector();
    const { page } = inspector;
    try {
      await postImage(page, { soft: true, agreement: true });
      await showOnly(page, { labelIssues: 100 });
      assertColor(await quadrantColor(page, 'topRight'), [255, 140, 0], 'label-issue pixels in orange');
      assertColor(await quadrantColor(page, 'topLeft'), GREY, 'elsewhere nothing drawn');
      assert.deepEqual(await page.locator('ul[data-legend="labelIssues"] li').allTextContents(), [
        "the model gives the label's class p < 0.25 (16 px): check the label",
      ]);
      await showOnly(page, { likelyLabelErrors: 100 });
      assertColor(await quadrantColor(page, 'topRight'), [0, 255, 255], 'likely label errors in cyan');
      assertColor(await quadrantColor(page, 'bottomLeft'), GREY, 'elsewhere nothing drawn');
      assert.deepEqual(await page.locator('ul[data-legend="likelyLabelErrors"] li').allTextContents(), [
        "2 or more of 3 models predict the same class, not the label's (16 px)",
      ]);
      assert.deepEqual(await page.locator('#issue-regions li').allTextContents(), [
        'dog → cat, 16 px: the model gives the label p = 0.2000',
        'dog → cat, 16 px: 100% of 3 models agree',
      ]);
      const box = await page.locator('#canvas').boundingBox();
      assert.ok(box !== null);
      const view = await fittedView(page);
      const hover = async (quadrant: Quadrant): Promise<Record<string, string>> => {
        const point = toScreen(view, QUADRANT_POINTS[quadrant]);
        await page.mouse.move(box.x + point.x, box.y + point.y);
        return page.$$eval('#readout dd[data-field]', (cells) =>
          Object.fromEntries(cells.map((cell) => [(cell as HTMLElement).dataset.field ?? '', cell.textContent ?? ''])),
        );
      };
      const onIssue = await hover('topRight');
      assert.equal(onIssue.labelIssue, 'label: dog, model: cat (p=0.7000); p(label)=0.2000');
      assert.equal(onIssue.agreement, 'label: dog → agreed: cat (3 of 3 models)');
      assert.equal(onIssue.certainty, 'top-1 p 0.7000 · entropy 0.50 nats · margin 0.0000');
      const clean = await hover('topLeft');
      assert.equal(clean.labelIssue, 'none here');
      assert.equal(clean.agreement, 'no likely label error here');
      // A click on the first region zooms to its box and switches the label-issue layer back on.
      await page.click('#issue-regions li:first-child button');
      const state = await inspector.lastState();
      assert.equal(state.layers.labelIssues.visible, true);
      assert.ok(state.view !== null && state.view.zoom > view.zoom, 'zoomed in on the region');
    } finally {
      await page.close();
    }
  });

  it('disables the soft and agreement layers and the slider on a hard prediction, saying why', async () => {
    const { page } = await openInspector();
    try {
      await postImage(page);
      for (const layer of ['entropy', 'margin', 'labelIssues', 'likelyLabelErrors']) {
        const flags = await page.locator(`vscode-checkbox[data-layer="${layer}"]`).evaluate((element) => {
          const box = element as HTMLElement & { checked: boolean; disabled: boolean };
          return { checked: box.checked, disabled: box.disabled, title: box.title };
        });
        assert.equal(flags.disabled, true, `${layer} disabled`);
        assert.equal(flags.checked, false, `${layer} unchecked`);
        assert.match(flags.title, layer === 'likelyLabelErrors' ? /Find Likely Label Errors/ : /soft predictions/);
      }
      assert.equal(await page.isDisabled('#confidence-threshold'), true);
      assert.match((await page.textContent('#confidence-hint')) ?? '', /soft predictions/);
      assert.equal(await page.isVisible('.issues-section'), false, 'no label-issue list without the evidence');
    } finally {
      await page.close();
    }
  });

  for (const theme of THEME_NAMES) {
    it(`has no serious or critical axe-core violation in the ${theme} theme with the soft and agreement layers`, async () => {
      const { page } = await openInspector();
      try {
        await applyTheme(page, theme);
        await postImage(page, { soft: true, agreement: true, extra: { datasetName: 'voc' } });
        await showOnly(page, {
          prediction: 50,
          mergeEffect: 50,
          entropy: 50,
          margin: 50,
          labelIssues: 80,
          likelyLabelErrors: 80,
        });
        await page.locator('#confidence-threshold').fill('50');
        assert.deepEqual(await axeViolations(page), []);
      } finally {
        await page.close();
      }
    });
  }

  it('draws the soft sample and an agreement of the sample predictions as the host sends them (screenshots)', async () => {
    const samples = join(ROOT, 'samples', 'voc-mini');
    const metric = { ...DEFAULT_METRIC_OPTIONS, numClasses: 21, labelIssueThreshold: 0.1 };
    const engine = { metric, read: DEFAULT_READ_OPTIONS };
    const soft = await evaluateImage(
      {
        name: 'soft_000',
        predictionFile: join(samples, 'soft-predictions', 'soft_000.npy'),
        labelFile: join(samples, 'soft-labels', 'soft_000.png'),
      },
      engine,
    );
    const base = {
      numClasses: 21,
      ignoreIndex: 255,
      classNames: VOC_CLASS_NAMES,
      colorTable: undefined,
      imageUri: null,
      position: { index: 0, total: 12, list: 'hard examples' },
      lossVariant: 'v1',
      datasetName: 'voc',
      labelsFolder: 'samples/voc-mini/soft-labels',
      labelIssueThreshold: 0.1,
    };
    const softMessage = imageMessage({ ...base, record: soft.record, maps: soft.maps });
    // Three models that all predict what the sample's one prediction says: where it differs from the label, 3 of 3 agree.
    const name = '2007_000100';
    const prediction = join(samples, 'predictions', `${name}.png`);
    const label = join(samples, 'SegmentationClass', `${name}.png`);
    const hard = await evaluateImage({ name, predictionFile: prediction, labelFile: label }, engine);
    const voted = agreeImageWithMaps(
      { name, labelFile: label, predictionFiles: [prediction, prediction, prediction] },
      { models: [engine, engine, engine], minAgree: 2 },
    );
    assert.ok(voted.outcome.record !== null && voted.maps !== null);
    const hardMessage = imageMessage({
      ...base,
      labelsFolder: 'samples/voc-mini/SegmentationClass',
      record: hard.record,
      maps: hard.maps,
      agreement: agreementLayer(voted.outcome.record, voted.maps, 2),
    });
    const { page } = await openInspector();
    try {
      await page.setViewportSize({ width: 1400, height: 900 });
      const post = async (message: ImageMessage): Promise<void> => {
        await page.evaluate((plain) => {
          const typed = (value: unknown): unknown =>
            value !== null && typeof value === 'object' && 'kind' in value && 'values' in value
              ? (
                  {
                    Int32Array: Int32Array,
                    Float32Array: Float32Array,
                    Uint8Array: Uint8Array,
                  } as Record<string, { from(values: number[]): unknown }>
                )[(value as { kind: string }).kind]!.from((value as { values: number[] }).values)
              : Array.isArray(value)
                ? value.map(typed)
                : value !== null && typeof value === 'object'
                  ? Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, typed(entry)]))
                  : value;
          window.postMessage(typed(plain), '*');
        }, plainMessage(message));
        await page.waitForFunction(
          (shown) => document.getElementById('image-name')?.textContent === shown,
          message.name,
        );
      };
      const folder = process.env.SEGLENS_SCREENSHOTS;
      await post(softMessage);
      await showOnly(page, { label: 35, entropy: 85, labelIssues: 100 });
      await page.locator('#confidence-threshold').fill('60');
      assert.match((await page.textContent('#confidence-value')) ?? '', /^0\.60: [\d,]+ px \([\d.]+%\) greyed$/);
      assert.match(
        (await page.textContent('ul[data-legend="labelIssues"] li')) ?? '',
        /p < 0\.10 \([\d,]+ px\)/,
        'the threshold with two decimals, the count through the one number formatter',
      );
      const issues = await page.locator('#issue-regions li').allTextContents();
      assert.equal(issues.length, Math.min(12, soft.record.labelIssueRegions?.length ?? 0));
      assert.match((await page.textContent('ul[data-legend="entropy"] .legend-high')) ?? '', /3\.04 nats \(ln 21\)/);
      for (const theme of ['light', 'dark'] as const) {
        await applyTheme(page, theme);
        if (folder !== undefined) await page.screenshot({ path: `${folder}/inspector-soft-${theme}.png` });
      }
      await post(hardMessage);
      await showOnly(page, { label: 45, likelyLabelErrors: 100 });
      const regions = voted.outcome.record.likelyLabelErrorRegions;
      assert.ok(regions.length > 0, 'the sample prediction differs from its label somewhere');
      const first = regions[0]!;
      const names = VOC_CLASS_NAMES;
      assert.match(
        (await page.locator('#issue-regions li').first().textContent()) ?? '',
        new RegExp(`^${names[first.labelClass]} → ${names[first.suggestedClass]}, `),
      );
      assert.equal(await page.textContent('#confidence-value'), '', 'no threshold figure for a slider that cannot act');
      assert.match((await page.textContent('#confidence-hint')) ?? '', /^Needs soft predictions/);
      for (const theme of ['light', 'dark'] as const) {
        await applyTheme(page, theme);
        if (folder !== undefined) await page.screenshot({ path: `${folder}/inspector-agreement-${theme}.png` });
      }
    } finally {
      await page.close();
    }
  });

  it('shows loading and error messages, and refuses malformed host messages', async () => {
    const { page } = await openInspector();
    try {
      await page.evaluate(() => window.postMessage({ type: 'loading', name: 'fixture/a' }, '*'));
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Computing fixture/a…');
      await page.evaluate(() => window.postMessage({ type: 'error', message: 'Prediction file is truncated' }, '*'));
      await page.waitForFunction(
        () => document.getElementById('status')?.textContent === 'Prediction file is truncated',
      );
      assert.equal(await page.getAttribute('#status', 'class'), 'status error');
      await page.evaluate(() => window.postMessage({ type: 'image', name: 'x', width: 2, height: 2 }, '*'));
      await page.waitForFunction(() => /malformed/.test(document.getElementById('status')?.textContent ?? ''));
      assert.equal(await page.textContent('#image-name'), 'No image yet');
    } finally {
      await page.close();
    }
  });

  /**
   * Typed arrays as tagged plain arrays, so a host-built message crosses into the page (the test's
   * channel is JSON) and is rebuilt there as the typed arrays VS Code would transfer.
   */
  function tagTypedArrays(value: unknown): unknown {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const typed = value as unknown as ArrayLike<number> & { constructor: { name: string } };
      return { __typed: typed.constructor.name, data: Array.from(typed) };
    }
    if (Array.isArray(value)) return value.map(tagTypedArrays);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, tagTypedArrays(entry)]));
    return value;
  }

  const shots = process.env['SEGLENS_SCREENSHOTS'];
  it(
    'screenshots the bundled samples (samples/voc-mini) at 1400x900, light and dark: hard example, then A | B (SEGLENS_SCREENSHOTS=DIR)',
    { skip: shots === undefined ? 'SEGLENS_SCREENSHOTS not set' : false },
    async () => {
      const samples = join(ROOT, 'samples', 'voc-mini');
      const options: EngineOptions = {
        metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 21, ignoreIndex: 255 },
        read: DEFAULT_READ_OPTIONS,
      };
      const name = '2007_000177';
      const pair = (predictionFile: string): FilePair => ({
        name,
        predictionFile,
        labelFile: join(samples, 'SegmentationClass', `${name}.png`),
      });
      const a = await evaluateImage(pair(join(samples, 'predictions', `${name}.png`)), options);
      // B: another sample label of the same size given as the prediction, a model that got this image wrong.
      const b = await evaluateImage(pair(join(samples, 'SegmentationClass', '2007_000149.png')), options);
      assert.equal(a.maps.width * a.maps.height, b.maps.width * b.maps.height, 'the two samples share a size');
      // As the panel sends it: the place in the list it was opened from, and that list's name.
      const position = { index: 1, total: 12, list: 'hard examples' };
      const message = (comparing: boolean): unknown =>
        tagTypedArrays(
          imageMessage({
            record: a.record,
            maps: a.maps,
            numClasses: 21,
            ignoreIndex: 255,
            classNames: VOC_CLASS_NAMES,
            colorTable: undefined,
            imageUri: `${ORIGIN}/sample-photo.png`,
            position,
            lossVariant: lossVariantName(options.metric),
            datasetName: 'voc',
            labelsFolder: 'voc-mini/SegmentationClass',
            options: optionsText(optionsRecord(options)),
            openedFrom: 'hardExamples',
            comparison: comparing
              ? comparisonMessage('a', a.record, b, { a: 'voc-mini/predictions', b: 'voc-mini/predictions-b' })
              : null,
          }),
        );
      const { page } = await openInspector();
      try {
        await page.setViewportSize({ width: 1400, height: 900 });
        const photo = readFileSync(join(samples, 'JPEGImages', `${name}.png`));
        await page.route(`${ORIGIN}/sample-photo.png`, (route) =>
          route.fulfill({ status: 200, contentType: 'image/png', body: photo }),
        );
        const photoServed = page.waitForResponse(`${ORIGIN}/sample-photo.png`);
        for (const comparing of [false, true]) {
          await page.evaluate((tagged) => {
            const revive = (value: unknown): unknown => {
              if (Array.isArray(value)) return value.map(revive);
              if (value === null || typeof value !== 'object') return value;
              const record = value as { __typed?: string; data?: number[] };
              if (record.__typed === 'Int32Array') return Int32Array.from(record.data!);
              if (record.__typed === 'Float32Array') return Float32Array.from(record.data!);
              if (record.__typed === 'Uint8Array') return Uint8Array.from(record.data!);
              return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, revive(entry)]));
            };
            window.postMessage(revive(tagged), '*');
          }, message(comparing));
          await page.waitForFunction((shown) => document.getElementById('image-name')?.textContent === shown, name);
          await photoServed;
          for (const theme of ['light', 'dark'] as const) {
            await applyTheme(page, theme);
            await page.waitForTimeout(300);
            await page.screenshot({
              path: join(shots!, `inspector-${comparing ? 'compare' : 'hard-example'}-${theme}.png`),
            });
          }
        }
      } finally {
        await page.close();
      }
    },
  );
});
