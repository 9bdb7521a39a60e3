import * as vscode from 'vscode';
import { errorText } from '../core';
import { settingsForFolders, type RunSettings } from './configuration';
import type { EvaluationRunner } from './evaluationRunner';
import { STATE_KEYS } from './ids';
import { optionsIdentity } from '../core/optionsIdentity';
import { parseEvaluatedFolders, restoreFromCache, type EvaluatedFolders } from './logic/restoreResults';
import type { ResultsStore } from './resultsStore';

export interface RestoreServices {
  readonly workspaceState: vscode.Memento;
  readonly log: vscode.LogOutputChannel;
  readonly store: ResultsStore;
  readonly runner: EvaluationRunner;
  readonly storageDir: string;
  readonly engineVersion: string;
  readonly loadSettings: (scope: vscode.Uri | undefined) => Promise<RunSettings>;
}

/** Remembers the folder pair a run is about to evaluate, for restoreLastResults after a reload. */
export async function rememberEvaluatedFolders(
  workspaceState: vscode.Memento,
  folders: EvaluatedFolders,
): Promise<void> {
  await workspaceState.update(STATE_KEYS.lastEvaluated, {
    predictionsDir: folders.predictionsDir,
    labelsDir: folders.labelsDir,
  });
}

/**
 * After a window reload the view would be empty until the next run: show the last folder's cached
 * results instead. Nothing is computed; a run started meanwhile wins, since its results are newer.
 */
export async function restoreLastResults(services: RestoreServices): Promise<void> {
  const { log, store, runner } = services;
  const folders = parseEvaluatedFolders(services.workspaceState.get<unknown>(STATE_KEYS.lastEvaluated));
  if (folders === undefined) return;
  try {
    const requested = await services.loadSettings(vscode.Uri.file(folders.predictionsDir));
    // The same dataset decision as the run that filled the cache, so its options identity matches.
    const { settings } = await settingsForFolders(requested, folders.predictionsDir, folders.labelsDir);
    const restored = await restoreFromCache(
      services.storageDir,
      folders,
      optionsIdentity(settings.engine, { engineVersion: services.engineVersion }),
    );
    if (restored === undefined) {
      log.info(`nothing to restore for ${folders.predictionsDir}: no cached result matches the files and options`);
      return;
    }
    if (store.source !== undefined || runner.isRunning) {
      restored.close();
      return;
    }
    store.restore({ ...folders, settings }, restored.records, restored.cached, restored.note);
    log.info(`restored ${folders.predictionsDir}: ${restored.note}`);
  } catch (error) {
    // A missing folder or a bad setting only means there is nothing to show until the next run.
    log.warn(`could not restore the last results: ${errorText(error)}`);
  }
}
