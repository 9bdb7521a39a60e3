/**
 * SegLens end to end: the packaged extension in a real VS Code (code-server) driven through chromium.
 * Started by .ci/e2e.sh, which sets the SEGLENS_E2E_* variables; without them the suite is skipped,
 * so a plain `node --test` over compiled tests does not need a VS Code.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { expectedHardestFirst, orderBy, type CliImage } from './expectedResults';
import { explorerRow, launchBrowser, openWorkbench, retry, runFromContextMenu, runFromPalette, screenshot, sleep, webviewContent } from './workbench';

const url = process.env['SEGLENS_E2E_URL'];
const workspace = process.env['SEGLENS_E2E_WORKSPACE'] ?? '';
const repo = process.env['SEGLENS_E2E_REPO'] ?? process.cwd();
const skip = url === undefined ? 'set by .ci/e2e.sh (needs code-server)' : false;

/** The Hard examples view's rows, inside the SegLens activity-bar container. */
function hardExampleRows(page: Page): Locator {
  return page.locator('[id="workbench.view.extension.seglens"] .monaco-list-row');
}

async function rowLabels(page: Page): Promise<string[]> {
  return hardExampleRows(page).locator('.label-name').allInnerTexts();
}

/** The image rows of the view, in view order (summary, facts and skipped rows left out). */
async function imageRowsIn(page: Page, images: readonly CliImage[]): Promise<string[]> {
  return (await rowLabels(page)).filter((label) => images.some((image) => image.name === label));
}

/** Waits until the inspector webview shows `name`, and returns its header metrics text. */
async function waitForInspector(page: Page, name: string): Promise<string> {
  const frame = webviewContent(page);
  const title = frame.locator('#image-name');
  await retry(`inspector showing ${name}`, 45_000, async () => {
    const text = await title.innerText({ timeout: 2_000 });
    if (text.includes(name)) return true;
    await sleep(250);
    return false;
  }).catch(async (error: unknown) => {
    await screenshot(page, `failed-inspector-${name}`);
    throw error;
  });
  const drawn = await frame.locator('#canvas').evaluate((element) => {
    const canvas = element as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; data !== undefined && i < data.length && colours.size < 50; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return { width: canvas.width, height: canvas.height, colours: colours.size };
  });
  assert.ok(drawn.width > 0 && drawn.height > 0, `canvas has a size (${drawn.width}×${drawn.height})`);
  assert.ok(drawn.colours >= 5, `canvas shows an image, not a blank fill (${drawn.colours} colours sampled)`);
  return frame.locator('#metrics').innerText();
}

/** Hovers the middle of the canvas and returns the readout's label field (a class name and id). */
async function readoutAtCentre(page: Page): Promise<string> {
  const frame = webviewContent(page);
  await frame.locator('#canvas').hover();
  const label = frame.locator('#readout [data-field="label"]');
  let text = '';
  await retry('pixel readout', 10_000, async () => {
    text = await label.innerText({ timeout: 2_000 });
    return text !== '';
  });
  return text;
}

describe('SegLens in VS Code', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let expected: CliImage[];

  before(async () => {
    const started = Date.now();
    expected = expectedHardestFirst(repo, path.join(workspace, 'predictions'), path.join(workspace, 'SegmentationClass'));
    assert.ok(expected.length >= 3, 'the sample data has images');
    browser = await launchBrowser();
    page = await openWorkbench(browser, url ?? '');
    console.log(`# workbench ready in ${Date.now() - started} ms (CLI reference, chromium, workbench load)`);
  });

  after(async () => {
    await browser?.close();
  });

  it('evaluates a prediction folder from the explorer and lists the hardest images first', async () => {
    await runFromContextMenu(page, explorerRow(page, 'predictions'), 'Evaluate Predictions');
    const want = expected.map((image) => image.name);
    let seen: string[] = [];
    await retry('hard examples in CLI order', 90_000, async () => {
      seen = await imageRowsIn(page, expected);
      if (seen.length === want.length) return true;
      await sleep(250);
      return false;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; view shows ${JSON.stringify(seen)}`);
    });
    assert.deepEqual(seen, want);
    const labels = await rowLabels(page);
    assert.match(labels[0] ?? '', /^Dataset mIoU \d+\.\d%$/, 'the dataset summary is the top item');
    await screenshot(page, 'hard-examples');
  });

  it('opens the hardest image in the inspector from the view', async () => {
    const hardest = expected[0]!;
    await hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${hardest.name}$`) }) }).click();
    const metrics = await waitForInspector(page, hardest.name);
    assert.ok(hardest.adaptive !== null && metrics.includes(hardest.adaptive.toFixed(4)), `inspector shows adaptive ${hardest.adaptive} in "${metrics}"`);
    assert.match(await readoutAtCentre(page), /\(\d+\)$|^void/, 'the readout names the class under the pointer');
    await screenshot(page, 'inspector');

    // Next walks the hard-example order.
    await webviewContent(page).locator('#next').click();
    await waitForInspector(page, expected[1]!.name);

    // After a window reload the serializer brings the panel back on the same image.
    await page.reload();
    await page.locator('.explorer-folders-view .monaco-list-row, [id="workbench.view.extension.seglens"]').first().waitFor({ timeout: 60_000 });
    await waitForInspector(page, expected[1]!.name);
  });

  it('runs the loss on the prediction PNG open in the editor', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    await runFromPalette(page, 'View: Show Explorer');
    const target = expected[expected.length - 1]!;
    const folder = explorerRow(page, 'predictions');
    const file = explorerRow(page, `${target.name}.png`);
    await retry('prediction file visible in the explorer', 20_000, async () => {
      if (await file.isVisible()) return true;
      await folder.click();
      await sleep(500);
      return file.isVisible();
    });
    await file.dblclick();
    await page.locator('.tabs-container .tab', { hasText: `${target.name}.png` }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await runFromPalette(page, 'SegLens: Run Loss on Current Image');
    const metrics = await waitForInspector(page, target.name);
    assert.ok(target.adaptive !== null && metrics.includes(target.adaptive.toFixed(4)), `inspector shows adaptive ${target.adaptive} in "${metrics}"`);
    await screenshot(page, 'run-on-current-image');
  });

  it('evaluates the folder again from the cache written before the reload', async () => {
    await runFromContextMenu(page, explorerRow(page, 'predictions'), 'Evaluate Predictions');
    const summary = hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: /^Dataset mIoU/ }) });
    await summary.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
    const fromCache = hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: /^from cache$/ }) }).locator('.label-description');
    let text = '';
    await retry('every image served from the cache', 30_000, async () => {
      text = await fromCache.innerText({ timeout: 2_000 });
      if (text === `${expected.length} of ${expected.length}`) return true;
      await sleep(250);
      return false;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; summary says from cache "${text}"`);
    });
    assert.deepEqual(await imageRowsIn(page, expected), expected.map((image) => image.name));
  });

  it('re-sorts the view by mIoU from the sort quick pick', async () => {
    await runFromPalette(page, 'SegLens: Sort Hard Examples By');
    const option = page.locator('#quickInput_list [role="option"][aria-label^="mIoU"]').first();
    await option.waitFor({ state: 'visible', timeout: 10_000 });
    await option.click();
    const want = orderBy(expected, (image) => image.miou, 'ascending').map((image) => image.name);
    let seen: string[] = [];
    await retry('hard examples in mIoU order', 20_000, async () => {
      seen = await imageRowsIn(page, expected);
      if (JSON.stringify(seen) === JSON.stringify(want)) return true;
      await sleep(250);
      return false;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; view shows ${JSON.stringify(seen)}`);
    });
  });
});
