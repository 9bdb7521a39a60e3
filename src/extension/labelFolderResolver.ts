import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FolderSettingsStore } from './folderSettingsStore';
import { findSiblingLabelFolder, isDirectory } from '../core/io/labelFolder';
import { shortFolder } from './logic/folderSettings';

/**
 * Finds the label folder for a prediction folder: the folder's own (or, for a folder never
 * evaluated, `seglens.labelsFolder`), else a sibling named like `SegmentationClass`, else a folder
 * picker that says why it asks; the answer becomes the folder's own labels folder.
 */
export class LabelFolderResolver {
  constructor(
    private readonly folders: FolderSettingsStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** `requested` is the labels folder of the run settings (the folder's own, else the setting). */
  async resolve(predictionsDir: string, requested: string | undefined): Promise<string | undefined> {
    if (requested !== undefined) {
      if (await isDirectory(requested)) return requested;
      this.log.warn(`labels folder ${requested} is not a folder; looking beside the predictions instead`);
    }
    const sibling = await findSiblingLabelFolder(predictionsDir);
    if (sibling !== undefined) return sibling;
    return this.pick(predictionsDir, 'none was found beside it');
  }

  /**
   * Asks for the labels folder of `predictionsDir`, saying why and for which folder, and keeps the
   * answer as that folder's own. Undefined when dismissed.
   */
  async pick(predictionsDir: string, why: string): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: vscode.Uri.file(path.dirname(predictionsDir)),
      openLabel: 'Use as Labels',
      title: `SegLens: Pick the labels folder for predictions in ${shortFolder(predictionsDir)} (${why})`,
    });
    const chosen = picked?.[0]?.fsPath;
    if (chosen === undefined) return undefined;
    await this.folders.update(predictionsDir, { labelsFolder: chosen });
    this.log.info(`labels folder of ${predictionsDir}: ${chosen}`);
    return chosen;
  }
}
