import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { createNonce, resourceOriginForCsp, webviewHtml, type WebviewPage } from './webviewHtml';

/** Tab titles of the pages' HTML (the panel's own title is set where it is made). */
const PAGE_TITLES: Record<WebviewPage, string> = {
  inspector: 'SegLens Inspector',
  dataset: 'SegLens Dataset',
  gallery: 'SegLens Gallery',
};

/** The extension's bundles, which loadPage writes into the pages. */
function distFolder(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist');
}

/**
 * Scripts on, and no file the page may load: its script and stylesheet are written into its HTML (the
 * inspector allows the folders of the image it shows, for the photo).
 */
export function noFilesOptions(): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [] };
}

/** A new panel for one of the pages, in the active editor column. */
export function createPagePanel(
  viewType: string,
  title: string,
  options: vscode.WebviewOptions & vscode.WebviewPanelOptions = noFilesOptions(),
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, options);
}

/** The pages' bundles and stylesheets by path, read once: they change only with the extension. */
const pageFiles = new Map<string, string>();

function pageFile(file: vscode.Uri): string {
  let text = pageFiles.get(file.fsPath);
  if (text === undefined) {
    text = readFileSync(file.fsPath, 'utf8');
    pageFiles.set(file.fsPath, text);
  }
  return text;
}

/**
 * Loads `page` into a panel, new or handed back after a reload: the SegLens icon, and the shell with
 * dist/<page>.js and dist/<page>.css written in under a fresh nonce, and `embeddedJson`, the data the page starts
 * with, if any. The caller has set the webview's options and its listeners first, so the page's first
 * message is heard.
 */
export function loadPage(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  page: WebviewPage,
  embeddedJson?: string,
): void {
  const dist = distFolder(extensionUri);
  const { webview } = panel;
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'seglens.svg');
  webview.html = webviewHtml({
    cspSource: resourceOriginForCsp(webview.cspSource),
    nonce: createNonce(),
    script: pageFile(vscode.Uri.joinPath(dist, `${page}.js`)),
    style: pageFile(vscode.Uri.joinPath(dist, `${page}.css`)),
    title: PAGE_TITLES[page],
    rootId: page,
    ...(embeddedJson !== undefined ? { embeddedJson } : {}),
  });
}
