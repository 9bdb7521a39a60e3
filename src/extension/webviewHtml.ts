/**
 * The HTML shell of every SegLens webview (inspector, dataset panel, gallery; loaded by webviewPage.ts).
 * The page is built by its bundle (`dist/<page>.js`); the shell only carries the Content-Security-Policy
 * and the two local resources.
 *
 * The policy allows nothing by default: scripts only with this load's nonce, styles and images only
 * from the extension's own webview resource origin (`cspSource`), plus `data:`/`blob:` images for
 * canvas exports. No `'unsafe-inline'`: the bundled web components (@vscode-elements/elements, lit)
 * style themselves with constructable stylesheets, which CSP does not gate, and our own code sets
 * styles through the CSSOM, which CSP allows.
 */

import { EMBEDDED_DATA_ELEMENT_ID } from '../shared/protocol/common';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` */
  readonly cspSource: string;
  /** A fresh random nonce per page load (see `createNonce`). */
  readonly nonce: string;
  /** `asWebviewUri` of dist/inspector.js */
  readonly scriptUri: string;
  /** `asWebviewUri` of the inspector stylesheet */
  readonly styleUri: string;
  /** Optional separate script loaded before the main one (e.g. an unbundled component library). */
  readonly elementsScriptUri?: string;
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
    `style-src ${source}`,
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
  const elementsScript =
    options.elementsScriptUri === undefined
      ? ''
      : `\n    <script nonce="${nonce}" type="module" src="${escapeHtml(options.elementsScriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
    <title>${title}</title>
  </head>
  <body>
    <main id="${options.rootId ?? 'inspector'}" aria-label="${title}"></main>${embedded}${elementsScript}
    <script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
  </body>
</html>
`;
}
