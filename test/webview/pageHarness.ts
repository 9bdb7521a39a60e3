/**
 * What the webview tests share: headless Debian Chromium, a page served from a fake origin with nothing
 * else reachable, and a stand-in for VS Code's injected API that records what the page posts and saves.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What the page-side stand-in for VS Code records (window.__webviewTest). */
export interface Recorded {
  posted: unknown[];
  states: unknown[];
  violations: string[];
}

declare global {
  interface Window {
    __webviewTest: Recorded;
  }
}

/**
 * Launches Chromium after checking that it and the bundle under test exist. A missing Chromium is a
 * failure, not a skip: CI installs Debian's chromium, and a silently skipped UI test proves nothing.
 */
export async function launchChromium(bundlePath: string): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install -y chromium); the webview tests need a real browser.`,
    );
  }
  if (!existsSync(bundlePath)) {
    throw new Error(`${bundlePath} is missing: run \`npm run build\` first (npm test does it in pretest).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
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

/**
 * Serves `files` (path → [content type, body]) at `origin` and refuses everything else with a 404.
 * Returns the list the refused addresses are added to: a webview must request nothing remote.
 */
export async function serveOnly(
  page: Page,
  origin: string,
  files: Readonly<Record<string, readonly [string, string | Buffer]>>,
): Promise<string[]> {
  const foreign: string[] = [];
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const served = url.origin === origin ? files[url.pathname] : undefined;
    if (served === undefined) {
      foreign.push(url.href);
      await route.fulfill({ status: 404, body: '' });
      return;
    }
    await route.fulfill({ status: 200, contentType: served[0], body: served[1] });
  });
  return foreign;
}

/**
 * Installs, before any page script runs (as VS Code injects it), an acquireVsCodeApi that may be called
 * once and records posted messages, saved states and CSP violations in window.__webviewTest. `saved`
 * is the state getState returns first (null: none).
 */
export async function fakeVsCodeApi(page: Page, saved: unknown): Promise<void> {
  await page.addInitScript((initial: unknown) => {
    const recorded: Recorded = { posted: [], states: [], violations: [] };
    window.__webviewTest = recorded;
    let state: unknown = initial === null ? undefined : initial;
    let acquired = false;
    document.addEventListener('securitypolicyviolation', (event) =>
      recorded.violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
      if (acquired) {
        throw new Error('acquireVsCodeApi may only be called once');
      }
      acquired = true;
      return {
        postMessage: (message: unknown) => recorded.posted.push(JSON.parse(JSON.stringify(message))),
        getState: () => state,
        setState: (next: unknown) => {
          state = JSON.parse(JSON.stringify(next));
          recorded.states.push(state);
        },
      };
    };
  }, saved);
}
