import * as vscode from 'vscode';

/**
 * The file shown in the active editor tab. PNGs open in VS Code's image preview (a custom editor)
 * and `.npy` files in the binary placeholder, so `activeTextEditor` is not enough: read the tab.
 */
export function activeEditorFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}
