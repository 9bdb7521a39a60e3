import * as path from 'node:path';
import * as vscode from 'vscode';
import { STATE_KEYS } from './ids';
import { findSiblingLabelFolder, isDirectory } from '../core/io/labelFolder';

/**
 * Finds the label folder for a prediction folder: the `seglens.labelsFolder` setting, else an
 * answer the user gave before in this workspace, else a sibling named like `SegmentationClass`,
 * else a folder picker whose answer is remembered per workspace.
 */
export class LabelFolderResolver {
  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async resolve(predictionsDir: string, fromSetting: string | undefined): Promise<string | undefined> {
    if (fromSetting !== undefined) {
      if (await isDirectory(fromSetting)) return fromSetting;
      this.log.warn(`seglens.labelsFolder ${fromSetting} is not a folder; looking beside the predictions instead`);
    }
    const remembered = this.memory()[predictionsDir];
    if (remembered !== undefined && (await isDirectory(remembered))) return remembered;
    const sibling = await findSiblingLabelFolder(predictionsDir);
    if (sibling !== undefined) return sibling;
    return this.ask(predictionsDir);
  }

  private memory(): Record<string, string> {
    const stored = this.workspaceState.get<unknown>(STATE_KEYS.labelsFolderByPredictions);
    return typeof stored === 'object' && stored !== null ? (stored as Record<string, string>) : {};
  }

  private async ask(predictionsDir: string): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: vscode.Uri.file(path.dirname(predictionsDir)),
      openLabel: 'Use as Labels',
      title: `SegLens: labels for ${path.basename(predictionsDir)}`,
    });
    const chosen = picked?.[0]?.fsPath;
    if (chosen === undefined) return undefined;
    await this.workspaceState.update(STATE_KEYS.labelsFolderByPredictions, {
      ...this.memory(),
      [predictionsDir]: chosen,
    });
    this.log.info(`remembered labels folder ${chosen} for ${predictionsDir}`);
    return chosen;
  }
}
