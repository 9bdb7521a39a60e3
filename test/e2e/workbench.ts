/**
 * Shared waits for driving VS Code (code-server 4.139.1) in chromium, per the e2e recipe
 * (docs/dev/e2e-vscode.md). Each retry below fixes a timing failure seen there:
 * the palette lists only commands registered when it opened, a context-menu click made at once is
 * ignored, and a right-click made as the explorer appears may open no menu.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

/** Where .ci/e2e.sh started things (its SEGLENS_E2E_* variables): one reading for every driver. */
export interface E2eEnvironment {
  /** The workbench's address with the workspace folder; undefined outside .ci/e2e.sh, where the drivers skip. */
  readonly url: string | undefined;
  /** The throwaway workspace folder code-server opened. */
  readonly workspace: string;
  /** The repository, for dist/cli.js and the screenshot folder. */
  readonly repo: string;
  /** The code-server profile's log folder (udd/logs), where each extension host writes SegLens.log. */
  readonly logs: string | undefined;
}

export function e2eEnvironment(): E2eEnvironment {
  return {
    url: process.env['SEGLENS_E2E_URL'],
    workspace: process.env['SEGLENS_E2E_WORKSPACE'] ?? '',
    repo: process.env['SEGLENS_E2E_REPO'] ?? process.cwd(),
    logs: process.env['SEGLENS_E2E_LOGS'],
  };
}

/** In the repo (gitignored), wherever the compiled driver runs from. */
export const SCREENSHOT_DIR = path.join(e2eEnvironment().repo, 'test', 'e2e', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['SEGLENS_E2E_CHROMIUM'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the workbench and waits until the explorer lists the workspace. */
export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // A loaded machine can take over a minute to serve the workbench's first page.
  await page.goto(url, { timeout: 180_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  return page;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries `attempt` until it returns true or the deadline passes. */
export async function retry(what: string, timeoutMs: number, attempt: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await attempt()) return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `timed out: ${what}${lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : ''}`,
  );
}

/** Runs a command by its palette title; reopens the palette while the extension's commands are still arriving. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const row = page.locator(`#quickInput_list [role="option"][aria-label^="${title}"]`).first();
  await retry(`palette row "${title}"`, 45_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 5_000 });
    await page.keyboard.type(title);
    try {
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      return true;
    } catch {
      return false;
    }
  });
  await page.keyboard.press('Enter');
}

/** An explorer row whose name is exactly `name` (so `predictions` does not match `soft-predictions`). */
export function explorerRow(page: Page, name: string): Locator {
  return page
    .locator('.explorer-folders-view .monaco-list-row')
    .filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
    })
    .first();
}

/** Right-clicks `row` until the menu shows `item`, waits 500 ms (an immediate click is ignored), then clicks it. */
export async function runFromContextMenu(page: Page, row: Locator, item: string): Promise<void> {
  const menuItem = page.locator('.context-view .action-item', { hasText: item }).locator('a.action-menu-item').first();
  await retry(`context menu item "${item}"`, 30_000, async () => {
    await page.keyboard.press('Escape');
    await row.click({ button: 'right' });
    try {
      await menuItem.waitFor({ state: 'visible', timeout: 2_000 });
      return true;
    } catch {
      return false;
    }
  });
  await sleep(500);
  await menuItem.click();
}

/**
 * The document inside a webview: the workbench page holds `iframe.webview.ready`, which holds
 * `iframe#active-frame` with the extension's HTML. With several webviews, pick by the outer title.
 */
export function webviewContent(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/**
 * Pictures of the real datasets' photos (research-use only) never land in the repository, not even in
 * its ignored screenshot folder: they go to the run's temporary folder, removed with it.
 */
const REAL_DATA_SCREENSHOT_DIR =
  process.env['SEGLENS_E2E_REAL_DATA_SHOTS'] ?? path.join(os.tmpdir(), 'seglens-e2e-real-data-screenshots');

export async function screenshot(page: Page, name: string, options: { realData?: boolean } = {}): Promise<string> {
  const dir = options.realData === true ? REAL_DATA_SCREENSHOT_DIR : SCREENSHOT_DIR;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `probe` every 250 ms until it returns a value; the error names what was last seen. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  lastSeen?: () => string,
): Promise<T> {
  let value: T | undefined;
  await retry(what, timeoutMs, async () => {
    value = await probe();
    if (value !== undefined) return true;
    await sleep(250);
    return false;
  }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}${lastSeen !== undefined ? `; last seen: ${lastSeen()}` : ''}`);
  });
  return value as T;
}

/** Shows a view container of the activity bar (clicking its icon when hidden; a click on a shown one would hide it). */
export async function showViewContainer(page: Page, containerId: string, activityLabel: string): Promise<void> {
  const container = page.locator(`[id="${containerId}"]`);
  await retry(`view container ${containerId}`, 30_000, async () => {
    if (await container.isVisible()) return true;
    await page.locator(`.activitybar .action-item a[aria-label^="${activityLabel}"]`).first().click({ timeout: 5_000 });
    await sleep(500);
    return container.isVisible();
  });
}

/** Expands the explorer folder `name` until its child `child` shows. */
export async function expandExplorerFolder(page: Page, name: string, child: string): Promise<void> {
  await retry(`explorer folder ${name} expanded`, 30_000, async () => {
    if (await explorerRow(page, child).isVisible()) return true;
    const parent = explorerRow(page, name);
    if (!(await parent.isVisible())) {
      // Either the explorer is not showing (a palette command typed while a webview had the focus can
      // be lost) or it renders only the rows in view and an earlier scenario left it scrolled down a
      // long folder: show it again and scroll back to the top, where the workspace's own folders are.
      await runFromPalette(page, 'View: Show Explorer');
      const list = page.locator('.explorer-folders-view .monaco-list').first();
      if (await list.isVisible()) {
        await list.hover({ timeout: 2_000 });
        await page.mouse.wheel(0, -100_000);
      }
      await sleep(300);
      return false;
    }
    await parent.click({ timeout: 5_000 });
    await sleep(500);
    return explorerRow(page, child).isVisible();
  });
}

/**
 * Scrolls the explorer until the top-level row `name` is rendered: the explorer renders only the rows
 * in view, and with the folders earlier scenarios add a late name (soft-predictions) is out of it.
 */
export async function showExplorerRow(page: Page, name: string): Promise<void> {
  await retry(`explorer row ${name} shown`, 30_000, async () => {
    await runFromPalette(page, 'View: Show Explorer');
    const list = page.locator('.explorer-folders-view .monaco-list').first();
    await list.hover({ timeout: 2_000 });
    await page.mouse.wheel(0, -100_000);
    for (let step = 0; step < 40; step++) {
      await sleep(150);
      if (await explorerRow(page, name).isVisible()) return true;
      await page.mouse.wheel(0, 200);
    }
    return false;
  });
}

/** Waits for the progress notification whose text contains `title` and clicks its Cancel button. */
export async function cancelProgressNotification(page: Page, title: string): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: title }).first();
  await toast.waitFor({ state: 'visible', timeout: 30_000 });
  await retry(`Cancel on "${title}"`, 15_000, async () => {
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click({ timeout: 2_000 });
    return true;
  });
}

/** Error toasts currently shown (VS Code marks them with the error codicon). */
export async function errorNotifications(page: Page): Promise<string[]> {
  return page
    .locator('.notifications-toasts .notification-toast')
    .filter({ has: page.locator('.codicon-error') })
    .allInnerTexts();
}

/** The toast whose text contains `text` (a regular expression or a plain part). */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

/** Waits for the toast containing `text`, returns its text and clicks its button `button` when given. */
export async function answerNotification(page: Page, text: string | RegExp, button?: string): Promise<string> {
  const toast = notification(page, text);
  await toast.waitFor({ state: 'visible', timeout: 60_000 });
  const said = await toast.innerText();
  if (button !== undefined)
    await retry(`"${button}" on the notification`, 15_000, async () => {
      await toast.hover();
      await toast.locator('.monaco-button', { hasText: button }).first().click({ timeout: 2_000 });
      return true;
    });
  return said;
}

/** The quick input's title, once it shows one containing `part`. */
export async function quickInputTitle(page: Page, part: string): Promise<string> {
  const title = page.locator('.quick-input-widget .quick-input-title', { hasText: part }).first();
  await title.waitFor({ state: 'visible', timeout: 30_000 });
  return title.innerText();
}

/** Replaces the quick input's text with `value` (a file dialog's path, an input box's answer). */
export async function typeIntoQuickInput(page: Page, value: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(value);
}

/**
 * Answers VS Code's own (web) folder dialog whose title contains `titlePart` with `folder`: types the
 * path, then Enter until the dialog closes (the first Enter may only open the folder in the list).
 */
export async function answerFolderDialog(page: Page, titlePart: string, folder: string): Promise<string> {
  const title = await quickInputTitle(page, titlePart);
  await typeIntoQuickInput(page, folder);
  await sleep(500);
  const open = page.locator('.quick-input-widget .quick-input-title', { hasText: titlePart }).first();
  await retry(`the dialog "${titlePart}" accepts ${folder}`, 20_000, async () => {
    if (!(await open.isVisible())) return true;
    await page.keyboard.press('Enter');
    await sleep(1000);
    return !(await open.isVisible());
  });
  return title;
}
