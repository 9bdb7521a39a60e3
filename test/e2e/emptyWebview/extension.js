// The scale bench's yardstick (test/e2e/extensionScale.e2e.test.ts): a new webview panel made the way
// SegLens makes its pages (the active column, scripts on, no file roots, a nonce CSP), holding nothing
// but a line of text and the mark of its first frame. What it takes from Enter to that frame is what
// VS Code's new webview costs any extension on the machine, with no page of ours in it.
'use strict';
const vscode = require('vscode');
const { randomBytes } = require('node:crypto');

/** The mark's name; the driver reads the same (EMPTY_PAGE_SHOWN in the scale bench). */
const SHOWN = 'bench:empty-shown';

function html() {
  const nonce = randomBytes(16).toString('base64');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}';">
<title>Empty</title></head>
<body><p id="empty-page">An empty page.</p>
<script nonce="${nonce}">requestAnimationFrame(() => setTimeout(() => performance.mark(${JSON.stringify(SHOWN)})));</script>
</body></html>`;
}

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('seglensBench.openEmptyWebview', () => {
      const panel = vscode.window.createWebviewPanel('seglensBench.empty', 'Empty', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      panel.webview.html = html();
    }),
  );
};
exports.deactivate = () => undefined;
