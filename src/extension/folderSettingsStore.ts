import * as vscode from 'vscode';
import { STATE_KEYS } from './ids';
import { Disposable } from './logic/dispose';
import { folderHolding, parseFolderSettingsMap, type FolderSettings } from './logic/folderSettings';

/**
 * Each evaluated prediction folder's own settings (labels folder, dataset, prediction ids, pairing,
 * photos folder), in workspace state: readable with the summary rows, changed by commands, never
 * written into the user's folders.
 */
export class FolderSettingsStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Fires with the prediction folder whose settings changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly workspaceState: vscode.Memento) {
    super();
  }

  private all(): Record<string, FolderSettings> {
    return parseFolderSettingsMap(
      this.workspaceState.get<unknown>(STATE_KEYS.folderSettings),
      this.workspaceState.get<unknown>(STATE_KEYS.labelsFolderByPredictions),
    );
  }

  /** The settings of exactly this prediction folder. */
  get(predictionsDir: string): FolderSettings | undefined {
    return this.all()[predictionsDir];
  }

  /** The evaluated folder holding `target` (a folder or a file) and its settings, the deepest one. */
  holding(target: string): { readonly predictionsDir: string; readonly settings: FolderSettings } | undefined {
    return folderHolding(this.all(), target);
  }

  async update(predictionsDir: string, change: FolderSettings): Promise<void> {
    const all = this.all();
    await this.workspaceState.update(STATE_KEYS.folderSettings, {
      ...all,
      [predictionsDir]: { ...all[predictionsDir], ...change },
    });
    this.changed.fire(predictionsDir);
  }
}
