/**
 * SegLens end to end: the packaged extension in a real VS Code (code-server) driven through chromium.
 * Started by .ci/e2e.sh, which sets the SEGLENS_E2E_* variables; without them the suite is skipped,
 * so a plain `node --test` over compiled tests does not need a VS Code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { cliConfusions, expectedHardestFirst, orderBy, type CliImage } from './expectedResults';
import { segLensLogLines } from './extensionLog';
import { churnFiles } from './fileChurn';
import { writeSegColorLayout } from './generatedLayouts';
import {
  answerFolderDialog,
  answerNotification,
  cancelProgressNotification,
  e2eEnvironment,
  errorNotifications,
  expandExplorerFolder,
  explorerRow,
  launchBrowser,
  notification,
  openWorkbench,
  quickInputTitle,
  retry,
  runFromContextMenu,
  runFromPalette,
  screenshot,
  showExplorerRow,
  showViewContainer,
  sleep,
  typeIntoQuickInput,
  waitUntil,
  webviewContent,
} from './workbench';

const { url, workspace, repo } = e2eEnvironment();
const skip = url === undefined ? 'set by .ci/e2e.sh (needs code-server)' : false;

/** The Hard examples view's rows, inside the SegLens activity-bar container. */
function hardExampleRows(page: Page): Locator {
  return page.locator('[id="workbench.view.extension.seglens"] .monaco-list-row');
}

async function rowLabels(page: Page): Promise<string[]> {
  return hardExampleRows(page).locator('.label-name').allInnerTexts();
}

/**
 * An image row reads "0.1234 · name": the sort metric first (padded with figure spaces), then the
 * name. While comparing, the row is the name alone (the deltas are its description).
 */
function splitImageRow(label: string): { metric: string; name: string } | undefined {
  const at = label.indexOf(' · ');
  return at < 0 ? undefined : { metric: label.slice(0, at).replace(/\u2007/g, ''), name: label.slice(at + 3) };
}

/** Matches the label of the image row named `name` (any metric in front). */
function imageRowLabel(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(` · ${escaped}$`);
}

/** The image rows of the view, in view order (summary, facts and skipped rows left out). */
async function imageRowsIn(page: Page, images: readonly CliImage[]): Promise<string[]> {
  return (await rowLabels(page))
    .map((label) => splitImageRow(label)?.name ?? label)
    .filter((name) => images.some((image) => image.name === name));
}

const SEGLENS_CONTAINER = 'workbench.view.extension.seglens';

function summaryRow(page: Page): Locator {
  return hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: /^Dataset mIoU/ }) });
}

async function summaryDescription(page: Page): Promise<string> {
  return summaryRow(page).locator('.label-description').innerText({ timeout: 2_000 });
}

/** The summary of a run that finished normally: "N images · backend · time · K skipped", no state suffix. */
const DONE = /^(\d+) images · .* · (\d+) skipped$/;

/** Waits until the summary description matches `pattern` and returns the match. */
async function waitForSummary(
  page: Page,
  what: string,
  pattern: RegExp,
  timeoutMs = 120_000,
): Promise<RegExpMatchArray> {
  let text = '';
  return waitUntil(
    what,
    timeoutMs,
    async () => {
      text = await summaryDescription(page).catch(() => '');
      return text.match(pattern) ?? undefined;
    },
    () => JSON.stringify(text),
  );
}

/** Waits until the view's image rows are exactly `want`, in that order. */
async function waitForImageRows(
  page: Page,
  what: string,
  images: readonly CliImage[],
  want: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  let seen: string[] = [];
  await waitUntil(
    what,
    timeoutMs,
    async () => {
      seen = await imageRowsIn(page, images);
      return JSON.stringify(seen) === JSON.stringify(want) ? true : undefined;
    },
    () => JSON.stringify(seen),
  );
}

/** How many log lines match `pattern`, so a scenario can look only at what it caused. */
function logCount(pattern: RegExp): number {
  return segLensLogLines().filter((line) => pattern.test(line)).length;
}

async function waitForLog(what: string, pattern: RegExp, atLeast: number): Promise<void> {
  await waitUntil(
    what,
    30_000,
    () => Promise.resolve(logCount(pattern) >= atLeast ? true : undefined),
    () => `${logCount(pattern)} lines match ${pattern}`,
  );
}

/** Number of siblings of the view's first top-level row: the summary, the skipped group (if any) and the images. */
async function topLevelCount(page: Page): Promise<number> {
  const size = await hardExampleRows(page)
    .filter({ has: page.locator('.label-name', { hasText: /^Dataset mIoU/ }) })
    .getAttribute('aria-setsize');
  return Number(size);
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
    for (let i = 0; data !== undefined && i < data.length && colours.size < 50; i += 4 * 97)
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return { width: canvas.width, height: canvas.height, colours: colours.size };
  });
  assert.ok(drawn.width > 0 && drawn.height > 0, `canvas has a size (${drawn.width}×${drawn.height})`);
  assert.ok(drawn.colours >= 5, `canvas shows an image, not a blank fill (${drawn.colours} colours sampled)`);
  return frame.locator('#metrics').innerText();
}

/** Hovers the middle of the canvas and returns the readout's label field (a class name and id). */
/** Opens `fileName` from the explorer (expanding `folder` until it shows) and waits for its editor tab. */
async function openFromExplorer(page: Page, folder: string, fileName: string): Promise<void> {
  const file = explorerRow(page, fileName);
  await retry(`${fileName} visible in the explorer`, 20_000, async () => {
    if (await file.isVisible()) return true;
    await explorerRow(page, folder).click();
    await sleep(500);
    return file.isVisible();
  });
  await file.dblclick();
  await page
    .locator('.tabs-container .tab', { hasText: fileName })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
}

/** *SegLens: Evaluate Predictions* from the palette, answering its folder dialog with `folder`. */
async function evaluateFromPalette(page: Page, folder: string): Promise<void> {
  await runFromPalette(page, 'SegLens: Evaluate Predictions');
  await answerFolderDialog(page, 'prediction folder to evaluate', folder);
}

/** Opens a workspace file by name with Quick Open and waits for its editor tab. */
async function quickOpen(page: Page, fileName: string): Promise<void> {
  const row = page.locator('#quickInput_list [role="option"]', { hasText: fileName }).first();
  await retry(`quick open ${fileName}`, 45_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+P');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 5_000 });
    await page.keyboard.type(fileName);
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      return true;
    } catch {
      return false;
    }
  });
  await page.keyboard.press('Enter');
  await page
    .locator('.tabs-container .tab', { hasText: fileName })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
}

/** The value of one of the summary's rows (expanding the summary first). */
async function summaryFact(page: Page, label: string): Promise<string> {
  const summary = summaryRow(page);
  await summary.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
  const row = hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  return row.locator('.label-description').innerText({ timeout: 10_000 });
}

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

/**
 * Evaluates the sample predictions from the explorer and waits until the view lists them: scenarios
 * that compare with the CLI on `predictions` start from it, whatever the one before left in the view.
 */
async function evaluateSamplePredictions(page: Page, expected: readonly CliImage[]): Promise<void> {
  const predictions = path.join(workspace, 'predictions');
  const evaluatesSamples = new RegExp(`evaluate ${predictions.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} against`);
  const evaluations = logCount(evaluatesSamples);
  await showExplorerRow(page, 'predictions');
  await runFromContextMenu(page, explorerRow(page, 'predictions'), 'Evaluate Predictions');
  await waitForLog('the sample predictions evaluated', evaluatesSamples, evaluations + 1);
  await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
  await retry(
    'the sample predictions listed',
    90_000,
    async () => (await imageRowsIn(page, expected)).length === expected.length,
  );
}

describe('SegLens in VS Code', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let expected: CliImage[];

  before(async () => {
    const started = Date.now();
    expected = expectedHardestFirst(
      repo,
      path.join(workspace, 'predictions'),
      path.join(workspace, 'SegmentationClass'),
    );
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
    await hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: imageRowLabel(hardest.name) }) })
      .click();
    const metrics = await waitForInspector(page, hardest.name);
    assert.ok(
      hardest.adaptive !== null && metrics.includes(hardest.adaptive.toFixed(4)),
      `inspector shows adaptive ${hardest.adaptive} in "${metrics}"`,
    );
    assert.match(await readoutAtCentre(page), /\(\d+\)$|^void/, 'the readout names the class under the pointer');
    await screenshot(page, 'inspector');

    // Next walks the hard-example order.
    await webviewContent(page).locator('#next').click();
    await waitForInspector(page, expected[1]!.name);

    // After a window reload the serializer brings the panel back on the same image. The workbench's
    // own reload runs its shutdown (which saves the open editors); a bare page reload may not finish it.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await page
      .locator('.explorer-folders-view .monaco-list-row, [id="workbench.view.extension.seglens"]')
      .first()
      .waitFor({ timeout: 60_000 });
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
    await page
      .locator('.tabs-container .tab', { hasText: `${target.name}.png` })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await runFromPalette(page, 'SegLens: Run Loss on Current Image');
    const metrics = await waitForInspector(page, target.name);
    assert.ok(
      target.adaptive !== null && metrics.includes(target.adaptive.toFixed(4)),
      `inspector shows adaptive ${target.adaptive} in "${metrics}"`,
    );
    await screenshot(page, 'run-on-current-image');
  });

  it('evaluates the folder again from the cache written before the reload', async () => {
    await runFromContextMenu(page, explorerRow(page, 'predictions'), 'Evaluate Predictions');
    const summary = hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: /^Dataset mIoU/ }) });
    await summary.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
    const fromCache = hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: /^from cache$/ }) })
      .locator('.label-description');
    let text = '';
    await retry('every image served from the cache', 30_000, async () => {
      text = await fromCache.innerText({ timeout: 2_000 });
      if (text === `${expected.length} of ${expected.length}`) return true;
      await sleep(250);
      return false;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; summary says from cache "${text}"`);
    });
    // The summary was just expanded: the tree may still be laying its rows out (CI once read none).
    await waitForImageRows(
      page,
      'the cached images listed in CLI order',
      expected,
      expected.map((image) => image.name),
      10_000,
    );
  });

  it('re-sorts the view by mIoU from the sort quick pick', async () => {
    await runFromPalette(page, 'SegLens: Sort Hard Examples By');
    const option = page.locator('#quickInput_list [role="option"][aria-label^="mIoU"]').first();
    await option.waitFor({ state: 'visible', timeout: 10_000 });
    await option.click();
    const want = orderBy(expected, (image) => image.miou, 'ascending').map((image) => image.name);
    await waitForImageRows(page, 'hard examples in mIoU order', expected, want, 20_000);
  });
  it('shows the last results again after a window reload, without a run, leaving out a changed file', async () => {
    // A new mtime with the same bytes: the cache stamp no longer matches, so this image must not be restored.
    const touched = expected[0]!;
    const touchedFile = path.join(workspace, 'predictions', `${touched.name}.png`);
    const later = new Date(Date.now() + 60_000);
    utimesSync(touchedFile, later, later);
    const runsBefore = logCount(/\] evaluate /);

    await page.reload();
    await page
      .locator('.explorer-folders-view .monaco-list-row, [id="workbench.view.extension.seglens"]')
      .first()
      .waitFor({ timeout: 60_000 });
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    const rest = expected.filter((image) => image !== touched);
    // The sort key picked before the reload (mIoU) is kept too.
    const want = orderBy(rest, (image) => image.miou, 'ascending').map((image) => image.name);
    await waitForImageRows(page, 'restored hard examples', expected, want);
    await waitForSummary(page, 'summary of restored results', /^\d+ images · result cache · 0 skipped · restored$/);
    const note = `${rest.length} of ${expected.length} from cache — re-run to refresh`;
    await page
      .locator(`[id="${SEGLENS_CONTAINER}"]`)
      .getByText(note)
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(logCount(/\] evaluate /), runsBefore, 'nothing was evaluated: the list came from the cache');
  });

  it('filters the view to the images containing the class picked in the filter quick pick, then by a confusion', async () => {
    // Re-run from the restored list: the changed file is computed again and the list is complete.
    await runFromPalette(page, 'SegLens: Re-run Evaluation');
    await waitForSummary(page, 'the re-run to finish', new RegExp(`^${expected.length} images · .* · 0 skipped$`));
    const byMiou = (images: readonly CliImage[]): string[] =>
      orderBy(images, (image) => image.miou, 'ascending').map((image) => image.name);
    await waitForImageRows(page, 'every image after the re-run', expected, byMiou(expected));

    // The rarest foreground class present in some but not all images, so the filter visibly removes rows.
    const containing = (id: number): CliImage[] =>
      expected.filter((image) => (image.perClassIoU?.[id] ?? null) !== null);
    const candidates = Array.from({ length: 20 }, (_, i) => i + 1).filter(
      (id) => containing(id).length > 0 && containing(id).length < expected.length,
    );
    assert.ok(candidates.length > 0, 'the sample data has a class present in only some images');
    const classId = candidates.sort((a, b) => containing(a).length - containing(b).length || a - b)[0]!;

    /** Picks `option` of the filter's quick pick; its label (the class's name). */
    const pickFilter = async (option: Locator): Promise<string> => {
      await runFromPalette(page, 'SegLens: Filter Hard Examples by Class');
      await option.waitFor({ state: 'visible', timeout: 10_000 });
      const label = (await option.locator('.label-name').first().innerText()).trim();
      await option.click();
      return label;
    };
    const options = page.locator('#quickInput_list [role="option"]');
    const className = await pickFilter(
      options.filter({ has: page.locator('.label-description', { hasText: new RegExp(`^id ${classId} · `) }) }).first(),
    );
    await waitForImageRows(page, `images containing class ${classId}`, expected, byMiou(containing(classId)));
    // The filter in force sits above the images it filters, with how many pass it (counted here from the CLI's records).
    const filterRow = hardExampleRows(page).filter({ has: page.locator('.codicon-filter') });
    assert.equal(await filterRow.locator('.label-name').innerText({ timeout: 10_000 }), `class: ${className}`);
    assert.equal(
      await filterRow.locator('.label-description').innerText(),
      `${containing(classId).length} of ${expected.length} images`,
    );
    await screenshot(page, 'hard-examples-filtered');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
    await sleep(1000);
    await screenshot(page, 'hard-examples-filtered-toggled-theme');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');

    await pickFilter(options.filter({ has: page.locator('.label-name', { hasText: /^All classes$/ }) }).first());
    await waitForImageRows(page, 'every image again', expected, byMiou(expected));
    await filterRow.waitFor({ state: 'detached', timeout: 10_000 });

    // The confusion filter's first cell is the one with the most pixels labelled one class and predicted
    // another, pooled over the CLI's records; the list holds the images with such pixels, most first (the
    // mIoU order among ties), and the filter's row names the cell and counts them.
    const confusions = cliConfusions(
      repo,
      path.join(workspace, 'predictions'),
      path.join(workspace, 'SegmentationClass'),
    );
    const n = [...confusions.values()][0]!.numClasses;
    const pooled = new Array<number>(n * n).fill(0);
    for (const { counts } of confusions.values()) counts.forEach((pixels, i) => (pooled[i]! += pixels));
    const top = pooled
      .map((pixels, i) => ({ label: Math.floor(i / n), predicted: i % n, pixels }))
      .filter((cell) => cell.label !== cell.predicted && cell.pixels > 0)
      .sort((a, b) => b.pixels - a.pixels || a.label - b.label || a.predicted - b.predicted)[0]!;
    const inCell = (name: string): number => confusions.get(name)?.counts[top.label * n + top.predicted] ?? 0;
    const byCell = byMiou(expected)
      .filter((name) => inCell(name) > 0)
      .sort((a, b) => inCell(b) - inCell(a));
    assert.ok(byCell.length > 0 && byCell.length < expected.length, 'the top confusion is in some images, not all');
    const pickConfusion = async (index: number): Promise<{ label: string; description: string }> => {
      await runFromPalette(page, 'SegLens: Filter by Confusion');
      await quickInputTitle(page, 'show images with pixels labelled A and predicted B');
      const option = options.nth(index);
      await option.waitFor({ state: 'visible', timeout: 10_000 });
      const label = (await option.locator('.label-name').first().innerText()).trim();
      const description = index === 0 ? '' : (await option.locator('.label-description').first().innerText()).trim();
      await option.click();
      return { label, description };
    };
    const cell = await pickConfusion(1);
    assert.equal(cell.description, `${top.pixels.toLocaleString('en-US')} px`, `the first cell, ${cell.label}`);
    await waitForImageRows(page, `images with pixels of ${cell.label}`, expected, byCell);
    assert.equal(await filterRow.locator('.label-name').innerText({ timeout: 10_000 }), `confusion: ${cell.label}`);
    assert.equal(
      await filterRow.locator('.label-description').innerText(),
      `${byCell.length} of ${expected.length} images`,
    );
    await screenshot(page, 'hard-examples-confusion-filtered');
    assert.equal((await pickConfusion(0)).label, 'No confusion filter');
    await waitForImageRows(page, 'every image after the confusion filter', expected, byMiou(expected));
    await filterRow.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('evaluates a folder while its files are rewritten; a second run cancels the first and every file is accounted for', async () => {
    const folder = path.join(workspace, 'soak', 'soak-predictions');
    const names = readdirSync(folder)
      .filter((name) => name.endsWith('.png'))
      .sort();
    assert.ok(names.length >= 80, `the soak folder has enough pairs (${names.length})`);
    // Pairs are evaluated in name order: the last two are broken for good before any run reaches them.
    const [truncated, garbage] = names.slice(-2) as [string, string];
    const churned = names.slice(Math.floor(names.length / 3), -2).filter((_, i) => i % 5 === 0);
    const cancels = logCount(/cancelling the previous evaluation/);
    const cancelled = logCount(/\] cancelled\b/);
    const idle = logCount(/runner idle: 0 worker threads alive/);
    const pairsLogged = logCount(new RegExp(`\\] ${names.length} pairs, `));

    await runFromPalette(page, 'View: Show Explorer');
    await expandExplorerFolder(page, 'soak', 'soak-predictions');
    await runFromContextMenu(page, explorerRow(page, 'soak-predictions'), 'Evaluate Predictions');
    await waitForSummary(page, 'the soak run to start', / · running$/, 30_000);

    // One count while a run goes on: the view's message and the summary row say the same "n of N images".
    // Watched from the first run's start, as runs of a few thousand small pairs end within seconds.
    let seen = { message: '', summary: '' };
    const oneCount = retry('the view message and the summary showing one count', 90_000, async () => {
      seen = await page.evaluate(() => {
        const view = document.querySelector('[id="workbench.view.extension.seglens"]');
        const message = view?.querySelector('.tree-explorer-viewlet-tree-view .message:not(.hide)')?.textContent ?? '';
        const summary =
          [...(view?.querySelectorAll('.monaco-list-row') ?? [])]
            .find((row) => row.querySelector('.label-name')?.textContent?.startsWith('Dataset mIoU'))
            ?.querySelector('.label-description')?.textContent ?? '';
        return { message, summary };
      });
      const inMessage = /^Evaluating… ([\d,]+ of [\d,]+ images) done$/.exec(seen.message.trim())?.[1];
      const inSummary = /^([\d,]+ of [\d,]+ images) · /.exec(seen.summary.trim())?.[1];
      if (inMessage !== undefined && inMessage === inSummary) return true;
      await sleep(50);
      return false;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(seen)}`);
    });
    // Awaited below; until then a failure is kept, not reported as unhandled.
    oneCount.catch(() => undefined);

    const bytes = readFileSync(path.join(folder, truncated));
    writeFileSync(path.join(folder, truncated), bytes.subarray(0, bytes.length >> 1));
    writeFileSync(path.join(folder, garbage), Buffer.from('GIF89a, not a PNG at all'));
    // Rewrites go on until the second run is done; the round cap (about a minute) only bounds a hung run.
    const churn = churnFiles(folder, churned, { rounds: 1500, pauseMs: 40 });
    let rounds = 0;
    try {
      // A second evaluation of the same folder while the first runs: the runner cancels the first.
      await runFromPalette(page, 'SegLens: Re-run Evaluation');
      await waitForLog('the first run to be cancelled', /cancelling the previous evaluation/, cancels + 1);
      await waitForLog('the first run to stop', /\] cancelled\b/, cancelled + 1);
      // Both runs have listed the folder (2 "N pairs" lines): from now on files may vanish from a listing.
      await waitForLog('the second run to pair the files', new RegExp(`\\] ${names.length} pairs, `), pairsLogged + 2);
      churn.allowDeletes();
      await oneCount;
      const [, images, skipped] = await waitForSummary(page, 'the second run to finish', DONE);
      rounds = await churn.stop();
      assert.equal(Number(images) + Number(skipped), names.length, `images + skipped = pairs (${images} + ${skipped})`);
    } finally {
      rounds = await churn.stop();
    }
    console.log(`# soak: ${names.length} pairs, ${churned.length} files churned in ${rounds} rewrites`);
    assert.ok(rounds > 0, 'files were rewritten during the run');
    // The view lists the hardest 100 images (MAX_TREE_IMAGES, src/extension/hardExamplesView.ts) and a
    // last row counting the rest, which the gallery lists (aria-setsize counts the rows the tree holds).
    const images = Number((await waitForSummary(page, 'summary', DONE))[1]);
    const listed = Math.min(images, 100);
    assert.equal(
      await topLevelCount(page),
      1 + 1 + listed + (images > listed ? 1 : 0),
      'the view lists summary, skipped group, the hardest images and a row counting the rest',
    );

    // The skipped group lists the files broken for good, each with a reason.
    const group = hardExampleRows(page).filter({
      has: page.locator('.label-name', { hasText: /^Skipped files \(\d+\)$/ }),
    });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    const skippedRows = async (): Promise<string[]> =>
      (await rowLabels(page)).filter((label) => label.startsWith('skipped: '));
    let shown: string[] = [];
    await waitUntil(
      'the broken files listed as skipped',
      15_000,
      async () => {
        shown = await skippedRows();
        return [truncated, garbage].every((name) =>
          shown.some((row) => new RegExp(`^skipped: ${name} — \\S`).test(row)),
        )
          ? true
          : undefined;
      },
      () => JSON.stringify(shown),
    );
    const skippedCount = Number(
      await group
        .locator('.label-name')
        .innerText()
        .then((text) => /\((\d+)\)/.exec(text)?.[1]),
    );
    assert.equal(
      Number((await waitForSummary(page, 'summary', DONE))[2]),
      skippedCount,
      'the group holds every skipped file',
    );
    await screenshot(page, 'soak');
    // The list's end: past the hundred images listed, one row counts the rest and opens the gallery.
    assert.ok(images > listed, `the soak lists more images than the view does (${images})`);
    await page.locator('[id="workbench.view.extension.seglens"] .monaco-list').first().focus();
    await page.keyboard.press('End');
    const moreRow = hardExampleRows(page).filter({ has: page.locator('.label-name', { hasText: / more images: / }) });
    await moreRow.waitFor({ timeout: 10_000 });
    assert.equal(
      await moreRow.locator('.label-name').innerText(),
      `${(images - listed).toLocaleString('en-US')} more images: Open Gallery to see them all`,
    );
    await screenshot(page, 'soak-end-of-list');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
    await sleep(1000);
    await screenshot(page, 'soak-end-of-list-toggled-theme');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
    // Back to the top, where the steps below find the skipped group and the hardest image.
    await page.locator('[id="workbench.view.extension.seglens"] .monaco-list').first().focus();
    await page.keyboard.press('Home');

    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
    await waitForLog('the runner to report no worker threads left', /runner idle: 0 worker threads alive/, idle + 2);
    // The extension host still answers: the inspector opens on the top image of the soaked folder
    // (collapse the skipped group first, so the image rows are inside the rendered part of the tree).
    if ((await group.getAttribute('aria-expanded')) === 'true') await group.click();
    const top = hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: / · img_\d+$/ }) })
      .first();
    const name = splitImageRow(await top.locator('.label-name').innerText())?.name ?? '';
    await top.click();
    await waitForInspector(page, name);
  });

  it('cancels a run from the progress notification and leaves no worker threads', async () => {
    await runFromPalette(page, 'SegLens: Clear Cached Results');
    const idle = logCount(/runner idle: 0 worker threads alive/);
    const cancelled = logCount(/\] cancelled\b/);
    await runFromPalette(page, 'View: Show Explorer');
    await expandExplorerFolder(page, 'soak', 'soak-predictions');
    await runFromContextMenu(page, explorerRow(page, 'soak-predictions'), 'Evaluate Predictions');
    await cancelProgressNotification(page, 'SegLens: evaluating soak-predictions');
    await waitForSummary(page, 'the summary to say cancelled', / · cancelled$/, 60_000);
    await waitForLog('the cancelled run to be logged', /\] cancelled\b/, cancelled + 1);
    await waitForLog('the runner to report no worker threads left', /runner idle: 0 worker threads alive/, idle + 1);
    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
  });
  it('shows the merge-effect heatmap in the inspector when its layer is switched on', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    await runFromPalette(page, 'View: Show Explorer');
    const hardest = expected[0]!;
    await openFromExplorer(page, 'predictions', `${hardest.name}.png`);
    await runFromPalette(page, 'SegLens: Run Loss on Current Image');
    await waitForInspector(page, hardest.name);

    const frame = webviewContent(page);
    const canvasPixels = (): Promise<number[]> =>
      frame.locator('#canvas').evaluate((element) => {
        const canvas = element as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        return data === undefined ? [] : Array.from(data.filter((_, i) => i % (4 * 13) < 3));
      });
    const setLayer = async (layer: string, visible: boolean): Promise<void> => {
      const checkbox = frame.locator(`vscode-checkbox[data-layer="${layer}"]`);
      const isChecked = (): Promise<boolean> =>
        checkbox.evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
      if ((await isChecked()) !== visible) await checkbox.click();
      assert.equal(await isChecked(), visible, `the ${layer} layer is ${visible ? 'on' : 'off'}`);
    };
    const before = await canvasPixels();
    await setLayer('prediction', false);
    await setLayer('mergeEffect', true);
    let changed = 0;
    await retry('the canvas to show the heatmap', 15_000, async () => {
      const after = await canvasPixels();
      changed = after.filter((value, i) => Math.abs(value - (before[i] ?? value)) > 8).length;
      if (changed > before.length / 50) return true;
      await sleep(250);
      return false;
    });
    assert.ok(
      changed > before.length / 50,
      `switching layers redrew the canvas (${changed} of ${before.length} channel samples changed)`,
    );
    // The colour bar is symmetric about 0: its ends read -x and +x for the same x > 0.
    const [low, high] = await Promise.all([
      frame.locator('.color-bar .ticks .min').innerText(),
      frame.locator('.color-bar .ticks .max').innerText(),
    ]);
    const magnitude = (text: string): number => Math.abs(Number(text.replace(/[^\d.]/g, '')));
    assert.ok(magnitude(high) > 0 && magnitude(low) === magnitude(high), `colour bar runs from ${low} to ${high}`);
    await screenshot(page, 'inspector-heatmap');
  });

  it('shows the hot spots of a real VOC prediction and zooms to one when it is clicked', async (t) => {
    const realPrediction = path.join(workspace, 'real', 'real-predictions', '2007_000129.png');
    if (!existsSync(realPrediction)) {
      t.skip('shared/data/real is not beside this checkout');
      return;
    }
    await runFromPalette(page, 'View: Close All Editors');
    await expandExplorerFolder(page, 'real', 'real-predictions');
    await openFromExplorer(page, 'real-predictions', '2007_000129.png');
    await runFromPalette(page, 'SegLens: Run Loss on Current Image');
    const metrics = await waitForInspector(page, '2007_000129');
    assert.match(metrics, /Loss\s+v1/, 'the header names the loss variant');

    const frame = webviewContent(page);
    const checkbox = frame.locator('vscode-checkbox[data-layer="mergeEffect"]');
    const isChecked = (): Promise<boolean> =>
      checkbox.evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
    if (!(await isChecked())) await checkbox.click();
    const spots = frame.locator('#hot-spots button.hot-spot');
    await retry('the hot spots to be listed', 15_000, async () => (await spots.count()) > 0);
    const count = await spots.count();
    assert.ok(count >= 3, `a real prediction has several hot spots (${count})`);
    const first = (await spots.nth(0).locator('.hot-spot-text').innerText()).trim();
    assert.match(first, /^\S.*, [\d,]+ px at \d+×\d+: merging (lowers|raises) the loss here/, `hot spot row: ${first}`);
    assert.ok(count <= 5, `at most 5 hot spots until "Show all" (${count})`);
    assert.match(
      (await frame.locator('#color-scale').innerText()).trim(),
      /^Robust: 99th percentile/,
      'the robust colour scale is the default',
    );
    const canvasPixels = (): Promise<number[]> =>
      frame.locator('#canvas').evaluate((element) => {
        const canvas = element as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        return data === undefined ? [] : Array.from(data.filter((_, i) => i % (4 * 13) < 3));
      });
    const before = await canvasPixels();
    await spots.nth(0).click();
    await retry('the first hot spot to be selected', 10_000, async () => {
      return (await spots.nth(0).getAttribute('aria-pressed')) === 'true';
    });
    let changed = 0;
    await retry('the canvas to zoom to the hot spot', 15_000, async () => {
      const after = await canvasPixels();
      changed = after.filter((value, i) => Math.abs(value - (before[i] ?? value)) > 8).length;
      if (changed > before.length / 10) return true;
      await sleep(250);
      return false;
    });
    assert.ok(changed > before.length / 10, `clicking the hot spot zoomed the view (${changed} samples changed)`);
    // A real photo: this screenshot stays in the gitignored screenshots folder, never in docs/.
    await screenshot(page, 'real-hot-spots', { realData: true });
  });

  it('opens a merged cluster result (seglens merge --out) into the Hard examples view from the explorer', async () => {
    // What a SLURM or Kubernetes run leaves behind: parts of 2 shards, merged into merged.jsonl.
    const run = path.join(workspace, 'cluster-run');
    const cli = path.join(repo, 'dist', 'cli.js');
    const predictions = path.join(workspace, 'predictions');
    const labels = path.join(workspace, 'SegmentationClass');
    for (const shard of ['0/2', '1/2'])
      execFileSync(process.execPath, [
        cli,
        'eval',
        predictions,
        '--labels',
        labels,
        '--shard',
        shard,
        '--out',
        `${run}/`,
      ]);
    execFileSync(process.execPath, [cli, 'merge', run, '--out', path.join(run, 'merged.jsonl')]);
    const runsBefore = logCount(/\] evaluate /);

    await runFromPalette(page, 'View: Close All Editors');
    await expandExplorerFolder(page, 'cluster-run', 'merged.jsonl');
    await runFromContextMenu(page, explorerRow(page, 'merged.jsonl'), 'Open Results…');
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    await waitForSummary(
      page,
      'the summary of the opened file',
      new RegExp(`^${expected.length} images · exact-float64 · 0 skipped · restored$`),
    );
    // The sort key picked earlier (mIoU) applies to the opened results as to a run.
    const want = orderBy(expected, (image) => image.miou, 'ascending').map((image) => image.name);
    await waitForImageRows(page, 'the opened images', expected, want);
    assert.equal(logCount(/\] evaluate /), runsBefore, 'nothing was evaluated: the list came from the file');
    await hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: imageRowLabel(want[0]!) }) })
      .click();
    await waitForInspector(page, want[0]!);
    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
  });

  it('exports the results (JSON lines), reloads the window and opens them: the same names, colours, photo and numbers', async () => {
    const exported = path.join(workspace, 'voc-mini-results.jsonl');
    await runFromPalette(page, 'View: Close All Editors');
    await expandExplorerFolder(page, 'predictions', `${expected[0]!.name}.png`);
    await runFromContextMenu(page, explorerRow(page, 'predictions'), 'Evaluate Predictions');
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    await waitForSummary(page, 'the sample run', new RegExp(`^${expected.length} images · .* · 0 skipped$`));
    const datasetBefore = await summaryFact(page, 'dataset');
    const labelsBefore = await summaryFact(page, 'labels');

    // What the inspector shows of the hardest image: its numbers, a class name under the pointer, the
    // label layer's colours alone, and the photo found for it.
    const hardest = expected[0]!.name;
    const inspect = async (): Promise<{ metrics: string; readout: string; colours: string[] }> => {
      await hardExampleRows(page)
        .filter({ has: page.locator('.label-name', { hasText: imageRowLabel(hardest) }) })
        .click();
      const metrics = await waitForInspector(page, hardest);
      const readout = await readoutAtCentre(page);
      const frame = webviewContent(page);
      for (const layer of ['image', 'prediction', 'error', 'mergeEffect', 'label']) {
        const checkbox = frame.locator(`vscode-checkbox[data-layer="${layer}"]`);
        const checked = await checkbox.evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
        if (checked !== (layer === 'label')) await checkbox.click();
      }
      await sleep(500);
      const colours = await frame.locator('#canvas').evaluate((element) => {
        const canvas = element as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        const seen = new Set<string>();
        for (let i = 0; data !== undefined && i < data.length; i += 4 * 13)
          seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
        return [...seen].sort();
      });
      return { metrics, readout, colours };
    };
    const photo = new RegExp(`inspector: ${hardest} .* photo .*JPEGImages.${hardest}\\.(jpg|png)$`);
    const photosBefore = logCount(photo);
    const before = await inspect();
    await waitForLog('the photo found for the inspector', photo, photosBefore + 1);
    assert.match(before.readout, /\(\d+\)$|^void/, 'a class under the pointer');
    assert.ok(before.colours.length >= 3, `the label layer alone shows classes (${before.colours.join(' ')})`);

    await runFromPalette(page, 'SegLens: Export Results…');
    await answerFolderDialog(page, 'export results', exported);
    await retry('the exported file', 20_000, () => Promise.resolve(existsSync(exported)));
    const header = JSON.parse(readFileSync(exported, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    assert.ok(JSON.stringify(header).includes('"aeroplane"'), 'the header carries the class names');

    await runFromPalette(page, 'View: Close All Editors');
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await retry('the exported file in the explorer', 60_000, async () => {
      if (await explorerRow(page, 'voc-mini-results.jsonl').isVisible()) return true;
      await runFromPalette(page, 'View: Show Explorer');
      await sleep(500);
      return false;
    });
    const runsBefore = logCount(/\] evaluate /);
    await runFromContextMenu(page, explorerRow(page, 'voc-mini-results.jsonl'), 'Open Results…');
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    await waitForSummary(
      page,
      'the opened file',
      new RegExp(`^${expected.length} images · .* · 0 skipped · restored$`),
    );
    assert.equal(await summaryFact(page, 'dataset'), datasetBefore, 'the dataset row');
    assert.equal(await summaryFact(page, 'labels'), labelsBefore, 'the labels row');

    const after = await inspect();
    await waitForLog('the photo found again', photo, photosBefore + 2);
    assert.equal(after.metrics, before.metrics, 'the same numbers');
    assert.equal(after.readout, before.readout, 'the same class name under the pointer');
    assert.deepEqual(after.colours, before.colours, 'the same label colours');
    assert.equal(logCount(/\] evaluate /), runsBefore, 'nothing was evaluated: the list came from the file');
    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
  });

  it('evaluates a Cityscapes-style prediction folder with city sub-folders: labels found, names relative, the photo under the overlays', async (t) => {
    const real = path.join(repo, '..', 'shared', 'data', 'real');
    if (!existsSync(real)) {
      t.skip(`real data not found at ${real}`);
      return;
    }
    // A Cityscapes tree of the two real frames, copied into the temp workspace (never into the repo).
    const root = path.join(workspace, 'cityscapes');
    const pseudo = path.join(real, 'cityscapes-mmseg-pseudo', 'tests', 'data', 'pseudo_cityscapes_dataset');
    const fast = path.join(real, 'cityscapes-fast-scnn', 'png');
    const a = 'frankfurt_000000_000294';
    const b = 'frankfurt_000001_058914';
    const copies: [string, string][] = [
      [
        path.join(pseudo, 'gtFine', `${a}_gtFine_labelTrainIds.png`),
        `gtFine/val/frankfurt/${a}_gtFine_labelTrainIds.png`,
      ],
      [path.join(pseudo, 'gtFine', `${a}_gtFine_labelIds.png`), `gtFine/val/frankfurt/${a}_gtFine_labelIds.png`],
      [path.join(pseudo, 'gtFine', `${a}_gtFine_instanceIds.png`), `gtFine/val/frankfurt/${a}_gtFine_instanceIds.png`],
      [path.join(fast, `${b}_gtFine_color.png`), `gtFine/val/frankfurt/${b}_gtFine_color.png`],
      [path.join(pseudo, 'leftImg8bit', `${a}_leftImg8bit.png`), `leftImg8bit/val/frankfurt/${a}_leftImg8bit.png`],
      [path.join(fast, `${b}_leftImg8bit.png`), `leftImg8bit/val/frankfurt/${b}_leftImg8bit.png`],
      [path.join(fast, `${b}_seg.png`), `results/frankfurt/${b}_leftImg8bit.png`],
      [path.join(pseudo, 'gtFine', `${a}_gtFine_labelTrainIds.png`), `results/frankfurt/${a}_leftImg8bit.png`],
    ];
    for (const [from, to] of copies) {
      mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
      copyFileSync(from, path.join(root, to));
    }
    const cityscapes = expectedHardestFirst(repo, path.join(root, 'results'), path.join(root, 'gtFine', 'val'));
    assert.deepEqual(cityscapes.map((image) => image.name).sort(), [`frankfurt/${a}`, `frankfurt/${b}`]);
    const detected = logCount(/dataset: cityscapes \(detected: _gtFine_ in file names\)/);

    await runFromPalette(page, 'View: Close All Editors');
    await expandExplorerFolder(page, 'cityscapes', 'results');
    await runFromContextMenu(page, explorerRow(page, 'results'), 'Evaluate Predictions');
    await waitForSummary(page, 'the Cityscapes run to finish', /^2 images · .* · 0 skipped$/);
    await waitForImageRows(
      page,
      'names relative to the prediction folder',
      cityscapes,
      cityscapes.map((i) => i.name),
    );
    await waitForLog(
      'the detection in the log',
      /dataset: cityscapes \(detected: _gtFine_ in file names\)/,
      detected + 1,
    );
    assert.ok(
      logCount(new RegExp(`evaluate .*results against .*gtFine.val$`)) > 0,
      'the label folder found is gtFine/val, beside the predictions',
    );

    const hardest = cityscapes[0]!;
    await hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: imageRowLabel(hardest.name) }) })
      .click();
    const metrics = await waitForInspector(page, hardest.name);
    assert.ok(
      hardest.adaptive !== null && metrics.includes(hardest.adaptive.toFixed(4)),
      `inspector shows adaptive ${hardest.adaptive} in "${metrics}"`,
    );
    const stem = hardest.name.split('/')[1]!;
    await waitForLog(
      'the photo found for the inspector',
      new RegExp(`inspector: ${hardest.name} .* photo .*leftImg8bit.val.frankfurt.${stem}_leftImg8bit\\.png$`),
      1,
    );

    // With every overlay off the canvas is the photo alone: many colours, and far fewer once the photo is hidden.
    const frame = webviewContent(page);
    const colours = (): Promise<number> =>
      frame.locator('#canvas').evaluate((element) => {
        const canvas = element as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        const seen = new Set<number>();
        for (let i = 0; data !== undefined && i < data.length; i += 4 * 31)
          seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        return seen.size;
      });
    const setLayer = async (layer: string, visible: boolean): Promise<void> => {
      const checkbox = frame.locator(`vscode-checkbox[data-layer="${layer}"]`);
      const isChecked = (): Promise<boolean> =>
        checkbox.evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
      if ((await isChecked()) !== visible) await checkbox.click();
    };
    for (const layer of ['label', 'prediction', 'error', 'mergeEffect']) await setLayer(layer, false);
    let withPhoto = 0;
    await retry('the photo drawn on the canvas', 15_000, async () => {
      withPhoto = await colours();
      if (withPhoto > 500) return true;
      await sleep(250);
      return false;
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; ${withPhoto} colours sampled`);
    });
    await screenshot(page, 'cityscapes-photo', { realData: true });
    await setLayer('image', false);
    let withoutPhoto = withPhoto;
    await retry('the canvas without the photo', 15_000, async () => {
      withoutPhoto = await colours();
      if (withoutPhoto < withPhoto / 10) return true;
      await sleep(250);
      return false;
    });
    assert.ok(withoutPhoto < withPhoto / 10, `hiding the photo leaves ${withoutPhoto} of ${withPhoto} colours`);
    await setLayer('image', true);
    await setLayer('prediction', true);
    await screenshot(page, 'cityscapes-inspector', { realData: true });
  });

  it('compares a second prediction folder from the explorer, opens the worst regression and switches A|B', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    const predictions = path.join(workspace, 'predictions');
    const labels = path.join(workspace, 'SegmentationClass');
    // B: A's predictions, one image fixed (its label as prediction), one broken (another label of its size).
    const b = path.join(workspace, 'predictions-b');
    mkdirSync(b, { recursive: true });
    for (const file of readdirSync(predictions)) copyFileSync(path.join(predictions, file), path.join(b, file));
    const size = (file: string): string => readFileSync(file).subarray(16, 24).toString('hex');
    const names = expected.map((image) => image.name);
    const fixed = names[0]!;
    const [broken, donor] =
      names
        .flatMap((x) => names.filter((y) => y !== x).map((y) => [x, y] as const))
        .find(
          ([x, y]) =>
            x !== fixed && y !== x && size(path.join(labels, `${x}.png`)) === size(path.join(labels, `${y}.png`)),
        ) ?? [];
    assert.ok(broken !== undefined && donor !== undefined, 'two sample labels share a size');
    copyFileSync(path.join(labels, `${fixed}.png`), path.join(b, `${fixed}.png`));
    copyFileSync(path.join(labels, `${donor}.png`), path.join(b, `${broken}.png`));
    const report = JSON.parse(
      execFileSync(
        process.execPath,
        [path.join(repo, 'dist', 'cli.js'), 'compare', predictions, b, '--labels', labels, '--json'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      ),
    ) as { images: { name: string; delta: { miou: number | null } }[] };
    const worst = report.images[0]!;
    assert.equal(worst.name, broken, 'the CLI ranks the broken image as the worst regression');

    await runFromPalette(page, 'View: Show Explorer');
    await explorerRow(page, 'predictions').scrollIntoViewIfNeeded({ timeout: 10_000 });
    await runFromContextMenu(page, explorerRow(page, 'predictions'), 'Evaluate Predictions');
    await retry('A evaluated', 90_000, async () => (await imageRowsIn(page, expected)).length === expected.length);
    await runFromPalette(page, 'View: Show Explorer');
    await retry('predictions-b in the explorer', 20_000, async () => {
      await explorerRow(page, 'predictions-b')
        .scrollIntoViewIfNeeded({ timeout: 1_000 })
        .catch(() => undefined);
      return explorerRow(page, 'predictions-b').isVisible();
    });
    await runFromContextMenu(page, explorerRow(page, 'predictions-b'), 'Compare With Another Prediction Folder');
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    const firstImage = hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: /^\d{4}_\d{6}$/ }) })
      .first();
    // The sort metric's B − A first, then the worst class drop ("−0.42 mIoU · cat −0.80").
    const want = `${worst.delta.miou! < 0 ? '−' : '+'}${Math.abs(worst.delta.miou!).toFixed(2)} mIoU`;
    await retry('the view ordered by regression', 90_000, async () => {
      const name = await firstImage.locator('.label-name').innerText({ timeout: 2_000 });
      const description = await firstImage.locator('.label-description').innerText({ timeout: 2_000 });
      if (name === worst.name && (description === want || description.startsWith(`${want} · `))) return true;
      await sleep(250);
      return false;
    });
    await screenshot(page, 'compare-view');
    await firstImage.click();
    await waitForInspector(page, worst.name);
    const frame = webviewContent(page);
    const model = frame.locator('dd[data-metric="model"]');
    assert.match(await model.innerText(), /^A \| B \(B − A mIoU −/, 'A and B side by side, and the regression');
    assert.ok(await frame.locator('#canvas-b').isVisible(), 'the second pane is shown');
    await screenshot(page, 'inspector-side-by-side');
    await frame.locator('#switch-model').click();
    await retry('the inspector to show B', 30_000, async () => /^B /.test(await model.innerText({ timeout: 2_000 })));
    await screenshot(page, 'inspector-compare');
  });

  it('finds likely label errors with two other model folders, lists the top image first and draws its layer and region', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    const predictions = path.join(workspace, 'predictions');
    const labels = path.join(workspace, 'SegmentationClass');
    // Two more models: copies of the sample predictions, where one image's prediction is another label
    // of its size, so both say the same other class over whole regions.
    const size = (file: string): string => readFileSync(file).subarray(16, 24).toString('hex');
    const names = expected.map((image) => image.name);
    const [changed, donor] =
      names
        .flatMap((x) => names.filter((y) => y !== x).map((y) => [x, y] as const))
        .find(([x, y]) => size(path.join(labels, `${x}.png`)) === size(path.join(labels, `${y}.png`))) ?? [];
    assert.ok(changed !== undefined && donor !== undefined, 'two sample labels share a size');
    const models = ['model-b', 'model-c'].map((name) => path.join(workspace, name));
    for (const model of models) {
      mkdirSync(model, { recursive: true });
      for (const file of readdirSync(predictions)) copyFileSync(path.join(predictions, file), path.join(model, file));
      copyFileSync(path.join(labels, `${donor}.png`), path.join(model, `${changed}.png`));
    }
    const report = JSON.parse(
      execFileSync(
        process.execPath,
        [path.join(repo, 'dist', 'cli.js'), 'agree', predictions, ...models, '--labels', labels, '--json'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      ),
    ) as {
      minAgree: number;
      images: {
        name: string;
        likelyLabelErrorPixels: number;
        likelyLabelErrorRegions: { labelClass: number; suggestedClass: number; pixels: number }[];
      }[];
    };
    assert.equal(report.minAgree, 2, 'k = ⌈2·3/3⌉ = 2');
    const top = report.images[0]!;
    const region = top.likelyLabelErrorRegions[0]!;
    assert.ok(top.likelyLabelErrorPixels > 0 && region !== undefined);

    await runFromPalette(page, 'View: Show Explorer');
    // The explorer lists the new model folders first: rows added while a right-click is on its way
    // move the list under the pointer, and the click lands on another folder.
    const [rowB, rowC] = [explorerRow(page, 'model-b'), explorerRow(page, 'model-c')];
    await retry('the model folders in the explorer', 20_000, async () => {
      await rowC.scrollIntoViewIfNeeded({ timeout: 1_000 }).catch(() => undefined);
      return (await rowB.isVisible()) && (await rowC.isVisible());
    });
    await evaluateSamplePredictions(page, expected);
    await runFromPalette(page, 'View: Show Explorer');
    await retry('the model folders in the explorer again', 20_000, async () => {
      await rowC.scrollIntoViewIfNeeded({ timeout: 1_000 }).catch(() => undefined);
      return (await rowB.isVisible()) && (await rowC.isVisible());
    });
    // Both folders selected, then the context menu of the selection: the command gets both.
    const menuItem = page
      .locator('.context-view .action-item', { hasText: 'Find Likely Label Errors With Other Models' })
      .locator('a.action-menu-item')
      .first();
    await retry('the context menu of both model folders', 30_000, async () => {
      await rowB.click();
      await rowC.click({ modifiers: ['Control'] });
      await rowC.click({ button: 'right' });
      return menuItem
        .waitFor({ state: 'visible', timeout: 2_000 })
        .then(() => true)
        .catch(async () => {
          await page.keyboard.press('Escape');
          return false;
        });
    });
    await sleep(500);
    await menuItem.click();
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    const count = String(top.likelyLabelErrorPixels).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    await retry('the view sorted by likely label errors, the count first', 90_000, async () => {
      const first = (await rowLabels(page)).map(splitImageRow).find((row) => row !== undefined);
      if (first?.name === top.name && first.metric === count) return true;
      await sleep(250);
      return false;
    });
    const firstImage = hardExampleRows(page)
      .filter({ has: page.locator('.label-name', { hasText: imageRowLabel(top.name) }) })
      .first();
    await firstImage.click();
    await waitForInspector(page, top.name);
    const frame = webviewContent(page);
    const toggle = frame.locator('vscode-checkbox[data-layer="likelyLabelErrors"]');
    await retry('the likely-label-error layer on', 30_000, async () =>
      toggle.evaluate((element) => {
        const box = element as HTMLElement & { checked: boolean; disabled: boolean };
        return box.checked && !box.disabled;
      }),
    );
    assert.match(
      (await frame.locator('ul[data-legend="likelyLabelErrors"]').innerText()) ?? '',
      /2 or more of 3 models predict the same class/,
    );
    const voc = (
      JSON.parse(
        execFileSync(
          process.execPath,
          [path.join(repo, 'dist', 'cli.js'), 'eval', predictions, '--labels', labels, '--json'],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        ),
      ) as { dataset: { classNames: string[] } }
    ).dataset.classNames;
    const listed = await frame.locator('#issue-regions li').allInnerTexts();
    assert.ok(
      listed.some((text) =>
        text.startsWith(
          `${voc[region.labelClass]} → ${voc[region.suggestedClass]}, ${String(region.pixels).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} px`,
        ),
      ),
      `the largest region listed: ${listed.join(' | ')}`,
    );
    // Drawn: cyan (0, 255, 255) at 90 % over whatever lies beneath.
    const cyan = await frame.locator('#canvas').evaluate((element) => {
      const canvas = element as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      if (data !== undefined)
        for (let i = 0; i < data.length; i += 4)
          if (data[i]! <= 30 && data[i + 1]! >= 225 && data[i + 2]! >= 225) count++;
      return count;
    });
    assert.ok(cyan > 0, 'the layer is drawn on the canvas');
    await screenshot(page, 'inspector-likely-label-errors');
  });

  it('exports the label issues of the soft samples (JSON lines): one line per region, the counts of the CLI --label-issues', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    const predictions = path.join(workspace, 'soft-predictions');
    const labels = path.join(workspace, 'soft-labels');
    const exported = path.join(workspace, 'soft-label-issues.jsonl');
    // The independent reference: the CLI on the same files, writing its own label-issues file.
    const reference = path.join(workspace, '..', 'cli-soft-label-issues.jsonl');
    const report = JSON.parse(
      execFileSync(
        process.execPath,
        [
          path.join(repo, 'dist', 'cli.js'),
          'eval',
          predictions,
          '--labels',
          labels,
          '--label-issues',
          reference,
          '--json',
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      ),
    ) as { images: unknown[] };
    const readLines = (file: string): Record<string, unknown>[] =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const cli = readLines(reference);
    assert.ok(cli.length > 0, 'the soft samples have label issues (the CLI found some)');

    await showExplorerRow(page, 'soft-predictions');
    await runFromContextMenu(page, explorerRow(page, 'soft-predictions'), 'Evaluate Predictions');
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    await waitForSummary(
      page,
      'the soft samples evaluated',
      new RegExp(`^${report.images.length} images · .* · 0 skipped$`),
    );

    await runFromPalette(page, 'SegLens: Export Label Issues…');
    await answerFolderDialog(page, 'export label issues', exported);
    await retry('the exported label issues', 20_000, () => Promise.resolve(existsSync(exported)));
    const written = readLines(exported);

    // Every line one region, with the fields issue 22 lists: image, label file, box, pixels, label class,
    // suggested class, score, evidence (and the prediction it came from).
    const fields = [
      'image',
      'labelFile',
      'predictionFiles',
      'box',
      'pixels',
      'labelClass',
      'suggestedClass',
      'score',
      'evidence',
    ];
    for (const line of written) {
      assert.deepEqual(Object.keys(line).sort(), [...fields].sort(), `the fields of ${JSON.stringify(line)}`);
      assert.equal(line['evidence'], 'soft');
      const box = line['box'] as { x: number; y: number; width: number; height: number };
      assert.ok(
        box.width > 0 && box.height > 0 && (line['pixels'] as number) <= box.width * box.height,
        'the box holds the region',
      );
      assert.ok(existsSync(line['labelFile'] as string), `the label file exists: ${String(line['labelFile'])}`);
      assert.ok(
        (line['score'] as number) >= 0 && (line['score'] as number) < 0.1,
        'a soft score below the default threshold',
      );
    }
    // The same regions as the CLI's: per image, the region count, the pixels and the class pairs.
    const perImage = (lines: Record<string, unknown>[]): Record<string, string[]> => {
      const out: Record<string, string[]> = {};
      for (const line of lines)
        (out[line['image'] as string] ??= []).push(
          `${String(line['labelClass'])}>${String(line['suggestedClass'])}:${String(line['pixels'])}@${JSON.stringify(line['box'])}`,
        );
      for (const list of Object.values(out)) list.sort();
      return out;
    };
    assert.equal(written.length, cli.length, 'one line per region, as many as the CLI writes');
    assert.deepEqual(perImage(written), perImage(cli), 'the same regions per image as the CLI');
    const total = (lines: Record<string, unknown>[]): number =>
      lines.reduce((sum, line) => sum + (line['pixels'] as number), 0);
    assert.equal(total(written), total(cli), 'the same label-issue pixels in all');
    assert.deepEqual(
      readdirSync(workspace).filter((name) => name.startsWith('.soft-label-issues')),
      [],
      'no temporary file left beside the export',
    );
    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
  });

  it('opens the dataset panel, clicks a confusion cell and lands in the inspector with the confusion layer on', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    await evaluateSamplePredictions(page, expected);
    const predictions = path.join(workspace, 'predictions');
    const labels = path.join(workspace, 'SegmentationClass');
    const cli = JSON.parse(
      execFileSync(
        process.execPath,
        [path.join(repo, 'dist', 'cli.js'), 'eval', predictions, '--labels', labels, '--json'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      ),
    ) as { dataset: { confusion: number[][] } };
    const confusion = cli.dataset.confusion;
    let cell = { label: 0, predicted: 0, count: -1 };
    confusion.forEach((row, label) =>
      row.forEach((count, predicted) => {
        if (label !== predicted && count > cell.count) cell = { label, predicted, count };
      }),
    );
    assert.ok(cell.count > 0, 'the samples have a confusion');
    await runFromPalette(page, 'SegLens: Open Dataset Panel (Confusion Matrix)');
    const frame = webviewContent(page);
    const matrix = frame.locator('#matrix');
    await retry(
      'the matrix drawn',
      30_000,
      async () =>
        (await matrix.evaluate((element) => (element as HTMLCanvasElement).width, undefined, { timeout: 2_000 })) > 0,
    );
    // The largest confusion heads the top-confusions list; a click on it does what a click on its cell does.
    const top = frame.locator('#top-confusions .top-confusion').first();
    assert.deepEqual(
      [await top.getAttribute('data-label'), await top.getAttribute('data-predicted')],
      [String(cell.label), String(cell.predicted)],
    );
    await top.click();
    const first = frame.locator('button.cell-image').first();
    await first.waitFor({ timeout: 30_000 });
    await screenshot(page, 'dataset-panel');
    // Stepping needs a cell found in at least two images: the first of the top confusions that is.
    const cellNames = (): Promise<string[]> =>
      frame
        .locator('button.cell-image')
        .evaluateAll((nodes) => nodes.map((node) => (node.textContent ?? '').split(' — ')[0]!));
    const entries = frame.locator('#top-confusions .top-confusion');
    let names = await cellNames();
    for (let i = 1; names.length < 2 && i < (await entries.count()); i++) {
      const previous = JSON.stringify(names);
      await entries.nth(i).click();
      await retry("the cell's images listed", 30_000, async () => {
        names = await cellNames();
        return names.length > 0 && JSON.stringify(names) !== previous;
      }).catch(() => undefined);
    }
    assert.ok(
      names.length >= 2,
      `a top confusion of the samples is found in two images or more (${JSON.stringify(names)})`,
    );
    const name = names[0]!;
    await frame.locator('button.cell-image').first().click();
    await waitForInspector(page, name);
    const inspector = webviewContent(page);
    assert.match(await inspector.locator('dd[data-metric="confusion"]').innerText(), /→ .*: \d+ px$/);
    const checked = await inspector
      .locator('vscode-checkbox[data-layer="confusion"]')
      .evaluate((element) => (element as HTMLElement & { checked: boolean }).checked);
    assert.ok(checked, 'the confusion layer is on');
    await screenshot(page, 'inspector-confusion');
    // Next and Previous step through the cell's images in the panel's order (not the hard-example
    // order); the header says so, and the Hard Examples view's selection follows.
    const position = inspector.locator('#position');
    assert.match(await position.innerText(), new RegExp(`^1 of ${names.length} · cell .+ → .+$`));
    /** The label of the view's selected image row ("value · name"), or '' when none is selected. */
    const selectedRow = (): Promise<string> =>
      hardExampleRows(page)
        .filter({ has: page.locator('.label-name') })
        .evaluateAll((rows) =>
          rows
            .filter((row) => row.classList.contains('selected'))
            .map((row) => row.querySelector('.label-name')?.textContent ?? '')
            .join(','),
        );
    // The selection follows only in a view on screen (stepping never opens it): show it, as a user has it.
    await showViewContainer(page, SEGLENS_CONTAINER, 'SegLens');
    for (let step = 1; step < names.length; step++) {
      await inspector.locator('#next').click();
      await retry(`image ${step + 1} of the cell`, 30_000, async () =>
        new RegExp(`^${step + 1} of ${names.length} · cell `).test(await position.innerText({ timeout: 2_000 })),
      );
      assert.equal(await inspector.locator('#image-name').innerText(), names[step], `image ${step + 1} of the cell`);
      await retry(`the view's selection on ${names[step]}`, 30_000, async () =>
        (await selectedRow()).endsWith(` · ${names[step]}`),
      );
    }
    for (let step = names.length - 2; step >= 0; step--) {
      await inspector.locator('#previous').click();
      await retry(
        `back to image ${step + 1} of the cell`,
        30_000,
        async () => (await inspector.locator('#image-name').innerText({ timeout: 2_000 })) === names[step],
      );
    }
    console.log(
      `# stepped Next through ${names.length} images of a confusion cell and back; the view's selection followed`,
    );
    await retry(`the view's selection back on ${name}`, 30_000, async () =>
      (await selectedRow()).endsWith(` · ${name}`),
    );
  });
  it('opens the gallery, sorts it, filters it by class, shows thumbnails and opens an image in the inspector', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    await runFromPalette(page, 'SegLens: Open Gallery');
    const frame = webviewContent(page);
    const cells = frame.locator('[role=option]');
    /** The names the gallery shows, in its order (cells are placed by index, not in DOM order). */
    const shownNames = (): Promise<string[]> =>
      cells.evaluateAll((nodes) =>
        nodes
          .map((node) => ({
            index: Number((node as HTMLElement).dataset.index),
            name: node.querySelector('.name')?.textContent ?? '',
          }))
          .sort((a, b) => a.index - b.index)
          .map((cell) => cell.name),
      );
    const waitForNames = async (what: string, want: readonly string[]): Promise<void> => {
      let seen: string[] = [];
      await waitUntil(
        what,
        30_000,
        async () => {
          seen = await shownNames().catch(() => []);
          return JSON.stringify(seen) === JSON.stringify(want) ? true : undefined;
        },
        () => JSON.stringify(seen),
      );
    };
    const sort = frame.locator('#sort');
    await sort.waitFor({ timeout: 30_000 });
    await sort.selectOption('adaptive');
    await waitForNames(
      'the gallery sorted by adaptive loss',
      expected.map((image) => image.name),
    );
    const byMiou = orderBy(expected, (image) => image.miou, 'ascending');
    await sort.selectOption('miou');
    await waitForNames(
      'the gallery sorted by mIoU',
      byMiou.map((image) => image.name),
    );
    const firstNumber = await frame.locator('[aria-posinset="1"] .number').innerText();
    assert.equal(firstNumber, `${(byMiou[0]!.miou! * 100).toFixed(1)}%`, 'the first cell shows its mIoU');

    // Thumbnails come from the extension's worker threads as JPEG data URIs.
    await retry('thumbnails drawn', 60_000, async () => {
      const drawn = await frame.locator('[role=option] img[src^="data:image/jpeg;base64,"]').count();
      return drawn >= Math.min(3, expected.length);
    });

    // Filter to the rarest class present in some but not all images (label or prediction).
    const containing = (id: number): CliImage[] => byMiou.filter((image) => (image.perClassIoU?.[id] ?? null) !== null);
    const classId = Array.from({ length: 20 }, (_, i) => i + 1)
      .filter((id) => containing(id).length > 0 && containing(id).length < expected.length)
      .sort((a, b) => containing(a).length - containing(b).length || a - b)[0]!;
    await frame.locator('#class-filter').selectOption(String(classId));
    const filtered = containing(classId).map((image) => image.name);
    await waitForNames(`the gallery filtered to class ${classId}`, filtered);
    assert.match(
      await frame.locator('#gallery-status').innerText(),
      new RegExp(`^${filtered.length} of ${expected.length} images, sorted by mIoU`),
    );
    // Every image the filter leaves gets its thumbnail (none stays "loading…").
    await retry('the filtered images drawn', 60_000, async () => {
      const drawn = await frame.locator('[role=option] img[src^="data:image/jpeg;base64,"]').count();
      return drawn === filtered.length;
    });
    await screenshot(page, 'gallery');

    // Keyboard: to the last image of the filtered list, Enter opens it in the inspector.
    await frame.locator('#grid').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await waitForInspector(page, filtered[filtered.length - 1]!);
    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
  });
  it('Change Labels Folder… to a folder of photos: the error names it, its button picks another, the folder keeps it', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    // A copy of the generated samples, so the folders of the earlier scenarios keep their settings;
    // named to sort near the top of the explorer, above the long folders earlier scenarios expand.
    const root = path.join(workspace, 'camvid-like');
    const predictions = path.join(root, 'wl-predictions');
    cpSync(path.join(workspace, 'predictions'), predictions, { recursive: true });
    for (const folder of ['SegmentationClass', 'JPEGImages'])
      cpSync(path.join(workspace, folder), path.join(root, folder), { recursive: true });
    const reference = expectedHardestFirst(repo, predictions, path.join(root, 'SegmentationClass'));
    const count = reference.length;
    await evaluateFromPalette(page, predictions);
    await waitForSummary(page, 'the run against the sibling labels', new RegExp(`^${count} images · .* · 0 skipped$`));

    await runFromPalette(page, 'SegLens: Change Labels Folder…');
    const title = await answerFolderDialog(page, 'Pick the labels folder', path.join(root, 'JPEGImages'));
    assert.match(
      title,
      /Pick the labels folder for predictions in …\/camvid-like\/wl-predictions \(now …\/camvid-like\/SegmentationClass\)/,
      'the picker says why it asks and for which folder',
    );
    const refused = await answerNotification(page, 'are RGB photos, not label maps');
    assert.match(
      refused,
      new RegExp(`${count} of ${count} files in …/camvid-like/JPEGImages are RGB photos, not label maps`),
    );
    assert.ok(
      await notification(page, 'are RGB photos')
        .locator('.monaco-button', { hasText: 'Pick Another Labels Folder…' })
        .isVisible(),
      'a button picks another folder',
    );
    await waitForSummary(page, 'the refused run, not a silent zero', /^0 images · .* · failed$/);
    await screenshot(page, 'labels-are-photos');
    await waitForLog('the log says it too', /are RGB photos, not label maps/, 1);

    await answerNotification(page, 'are RGB photos', 'Pick Another Labels Folder…');
    await answerFolderDialog(page, 'Pick the labels folder', path.join(root, 'SegmentationClass'));
    await waitForSummary(page, 'the run against the label maps', new RegExp(`^${count} images · .* · 0 skipped$`));
    // The view keeps the sort key picked earlier (mIoU in the full run); the CLI lists by adaptive loss.
    await runFromPalette(page, 'SegLens: Sort Hard Examples By');
    const adaptive = page.locator('#quickInput_list [role="option"][aria-label^="Adaptive loss"]').first();
    await adaptive.waitFor({ state: 'visible', timeout: 10_000 });
    await adaptive.click();
    await waitForImageRows(
      page,
      'the CLI order',
      reference,
      reference.map((image) => image.name),
    );
    assert.match(
      await summaryFact(page, 'labels'),
      /camvid-like.SegmentationClass$/,
      'the summary shows the folder’s labels',
    );
    await screenshot(page, 'folder-settings-summary');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
    await sleep(1000);
    await screenshot(page, 'folder-settings-summary-toggled-theme');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
  });

  it('a Cityscapes X_seg.png / X_gtFine_color.png layout: nothing pairs is said with buttons; Set Pairing… on the current image, then the folder evaluates', async () => {
    await runFromPalette(page, 'View: Close All Editors');
    const pattern = '{stem}_seg.png:{stem}_gtFine_color.png';
    const layout = writeSegColorLayout(path.join(workspace, 'cs-pairing'), 'cs-seg');
    const reference = expectedHardestFirst(repo, layout.predictions, layout.labels, ['--pair', pattern]);
    assert.equal(reference.length, layout.stems.length, 'the CLI pairs every frame with --pair');

    await evaluateFromPalette(page, layout.predictions);
    const said = await answerNotification(page, 'Nothing pairs');
    assert.match(
      said,
      /Nothing pairs: none of the 3 predictions in …\/cs-pairing\/cs-seg has a label in …\/cs-pairing\/gt \(frankfurt_\w+_seg\.png: no label/,
    );
    for (const button of ['Pick Another Labels Folder…', 'Set Pairing…'])
      assert.ok(
        await notification(page, 'Nothing pairs').locator('.monaco-button', { hasText: button }).isVisible(),
        button,
      );
    await screenshot(page, 'nothing-pairs');

    // The current image has no label either: its message offers both ways out.
    const first = layout.stems[0]!;
    await quickOpen(page, `${first}_seg.png`);
    await runFromPalette(page, 'SegLens: Run Loss on Current Image');
    const noLabel = notification(page, `no label found for ${first}_seg.png`);
    await noLabel.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await noLabel.locator('.monaco-button', { hasText: 'Choose Label File…' }).isVisible());
    await screenshot(page, 'no-label-for-current-image');
    await answerNotification(page, `no label found for ${first}_seg.png`, 'Set Pairing…');
    assert.match(await quickInputTitle(page, 'pairing for the predictions in'), /…\/cs-pairing\/cs-seg/);
    await typeIntoQuickInput(page, pattern);
    await page.keyboard.press('Enter');
    const image = reference.find((entry) => entry.name === first)!;
    const metrics = await waitForInspector(page, first);
    assert.ok(
      image.adaptive !== null && metrics.includes(image.adaptive.toFixed(4)),
      `inspector shows adaptive ${image.adaptive} in "${metrics}"`,
    );

    // The folder keeps its pairing: evaluating it now pairs every frame, as the CLI with --pair does.
    await evaluateFromPalette(page, layout.predictions);
    await waitForSummary(page, 'the paired run', /^3 images · .* · 0 skipped$/);
    await waitForImageRows(
      page,
      'the CLI order',
      reference,
      reference.map((entry) => entry.name),
    );
    assert.equal(await summaryFact(page, 'pairing'), pattern);
    assert.match(await summaryFact(page, 'dataset'), /^dataset: cityscapes/);
    await screenshot(page, 'pairing-summary');
  });
});
