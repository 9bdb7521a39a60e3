/**
 * The HTML shell of every SegLens webview (inspector, dataset panel, gallery; loaded by webviewPage.ts).
 * The page is built by its bundle (`dist/<page>.js`); the shell carries the Content-Security-Policy, the
 * page's stylesheet and its script. Both are written into the HTML, not linked: a linked file is
 * fetched through the webview's service worker and the workbench, 30-110 ms for each new panel here
 * (a Chrome trace of the scale bench), before anything is drawn.
 *
 * The policy allows nothing by default: the one script and the one style element only with this
 * load's nonce, images only from the extension's own webview resource origin (`cspSource`), plus
 * `data:`/`blob:` images for canvas exports. No `'unsafe-inline'`: the bundled web components
 * (@vscode-elements/elements, lit) style themselves with constructable stylesheets, which CSP does not
 * gate, and our own code sets styles through the CSSOM, which CSP allows.
 */

import { EMBEDDED_DATA_ELEMENT_ID } from '../shared/protocol/common';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` */
  readonly cspSource: string;
  /** A fresh random nonce per page load (see `createNonce`). */
  readonly nonce: string;
  /** The page's bundle (dist/<page>.js), written into the page under the nonce. */
  readonly script: string;
  /** The page's stylesheet (dist/<page>.css), written into the page under the nonce. */
  readonly style: string;
  /** Page title, defaults to "SegLens Inspector". */
  readonly title?: string;
  /** Id of the element the script builds the page in (the dataset panel uses its own); default "inspector". */
  readonly rootId?: WebviewPage;
  /**
   * JSON the page reads at start-up from `<script type="application/json" id="embedded-data">` (a data
   * block: never run, so the nonce policy does not apply to it), e.g. the dataset panel's first data.
   */
  readonly embeddedJson?: string;
}

/** The webview pages: each is built by dist/<page>.js in the element of that id. */
export type WebviewPage = 'inspector' | 'dataset' | 'gallery';

/**
 * `webview.cspSource` is a list (VS Code 1.139: `'self' https://*.vscode-cdn.net`), but the shared
 * HTML shell accepts a single source token. Every `asWebviewUri` resource is served from the
 * `vscode-cdn.net` origin, so that token alone is enough and is the narrower policy.
 */
export function resourceOriginForCsp(cspSource: string): string {
  const tokens = cspSource.split(/\s+/).filter((token) => /^[^\s;,'"]+$/.test(token));
  return (
    tokens.find((token) => token.includes('vscode-cdn') || token.includes('vscode-resource')) ?? tokens[0] ?? cspSource
  );
}

const NONCE_PATTERN = /^[A-Za-z0-9+/=_-]{16,128}$/;

/** 32 random bytes as base64url; a webview nonce must be unguessable and fresh per load. */
export function createNonce(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** For text and double-quoted attribute values (every attribute below is double-quoted). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Text that goes verbatim into a `<script>` or `<style>` element: nothing in it may end the element or
 * open an HTML comment there (which changes how the rest of a script is parsed). Our bundles never
 * hold either (a test checks the shipped ones); text that does is refused, never altered.
 */
function checkRawText(text: string, element: 'script' | 'style'): string {
  const found = new RegExp(`</${element}|<!--`, 'i').exec(text);
  if (found !== null)
    throw new Error(`webviewHtml: the page's ${element} holds "${found[0]}", which cannot be written into the page`);
  return text;
}

/** The source goes inside the CSP header value, where `;` or `,` would start a new directive. */
function checkCspSource(cspSource: string): string {
  if (!/^[^\s;,'"]+$/.test(cspSource)) {
    throw new Error(`webviewHtml: unexpected cspSource ${JSON.stringify(cspSource)}`);
  }
  return cspSource;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  const source = checkCspSource(cspSource);
  return [
    "default-src 'none'",
    `img-src ${source} data: blob:`,
    `style-src 'nonce-${nonce}'`,
    `font-src ${source}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewHtml(options: WebviewHtmlOptions): string {
  if (!NONCE_PATTERN.test(options.nonce)) {
    throw new Error('webviewHtml: the nonce must be 16..128 base64 characters');
  }
  const nonce = escapeHtml(options.nonce);
  const csp = escapeHtml(contentSecurityPolicy(options.cspSource, options.nonce));
  const title = escapeHtml(options.title ?? 'SegLens Inspector');
  // Every "<" as its JSON escape: no "</script>" or "<!--" can end or change the data block early.
  const embedded =
    options.embeddedJson === undefined
      ? ''
      : `\n    <script type="application/json" id="${EMBEDDED_DATA_ELEMENT_ID}">${options.embeddedJson.replace(/</g, '\\u003c')}</script>`;
  const script = checkRawText(options.script, 'script');
  const style = checkRawText(options.style, 'style');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <style nonce="${nonce}">${style}</style>
    <title>${title}</title>
  </head>
  <body>
    <main id="${options.rootId ?? 'inspector'}" aria-label="${title}"></main>${embedded}
    <script nonce="${nonce}">${script}</script>
  </body>
</html>
`;
}
