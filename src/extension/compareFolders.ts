import * as path from 'node:path';
import * as vscode from 'vscode';
import { DatasetAccumulator, evaluatePairs, type ImageRecord } from '../core';
import type { CommandServices } from './commandServices';
import { settingsForFolders } from './configuration';

/**
 * Compare With Another Prediction Folder…: evaluates folder B against the labels and settings of the
 * results on show (A), and hands B to the store, which then lists A's images by B's regression.
 */
export async function compareWithFolder(services: CommandServices, folder: vscode.Uri | undefined): Promise<void> {
  const { store, log } = services;
  const source = store.source;
  if (source === undefined || store.imageCount === 0) {
    void vscode.window.showInformationMessage('SegLens: evaluate the first prediction folder (A), then compare.');
    return;
  }
  const picked =
    folder ??
    (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        defaultUri: vscode.Uri.file(path.dirname(source.predictionsDir)),
        openLabel: 'Compare',
        title: `SegLens: prediction folder B to compare with ${path.basename(source.predictionsDir)}`,
      })
    )?.[0];
  if (picked === undefined) return;
  if (picked.scheme !== 'file') throw new Error('SegLens compares folders on the local disk only');
  const predictionsDir = picked.fsPath;
  if (path.resolve(predictionsDir) === path.resolve(source.predictionsDir))
    throw new Error('pick a different prediction folder than the one evaluated');
  const { settings, labelsDir } = source;
  // B is paired the way A was (its dataset, suffixes, sub-folders), then evaluated with A's engine options.
  const { prepared } = await settingsForFolders(settings, predictionsDir, labelsDir);
  const { pairs } = prepared.pairing;
  const records = new Map<string, ImageRecord>();
  const accumulator = new DatasetAccumulator(settings.engine.metric.numClasses);
  log.info(`compare: evaluating B = ${predictionsDir} against ${labelsDir} (${pairs.length} pairs)`);
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `SegLens: evaluating ${path.basename(predictionsDir)} (B)`,
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      for await (const outcome of evaluatePairs(pairs, settings.engine, {
        signal: controller.signal,
        lowPriority: true,
        gate: services.activity,
        ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
      })) {
        if (outcome.type === 'image') {
          records.set(outcome.record.name, outcome.record);
          accumulator.add(outcome.record);
        } else {
          log.warn(`compare: skipped ${outcome.skipped.file}: ${outcome.skipped.reason}`);
        }
        progress.report({ message: `${records.size} of ${pairs.length}`, increment: 100 / Math.max(1, pairs.length) });
      }
      if (controller.signal.aborted) throw new Error('comparison cancelled');
    },
  );
  if (records.size === 0) throw new Error(`no image of ${predictionsDir} could be evaluated against ${labelsDir}`);
  store.setComparison({ predictionsDir, records, summary: accumulator.summary() });
  log.info(`compare: ${records.size} images of B; the view lists A's images by B's mIoU regression`);
}

/** Ends the comparison: the view goes back to the hard-example order of A. */
export function stopComparing(services: CommandServices): Promise<void> {
  services.store.setComparison(undefined);
  return Promise.resolve();
}
