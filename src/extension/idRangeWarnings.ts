import * as vscode from 'vscode';
import { errorText, type FilePair } from '../core';
import type { RunSettings } from './configuration';
import { COMMANDS } from './ids';
import { outOfRangeWarning, sampleIdCensus } from './logic/idRange';

const CHANGE_DATASET = 'Change Dataset…';

/**
 * Warns, once per prediction folder and dataset, when the ids of a folder's labels or predictions
 * do not fit its dataset (more than 1% of pixels outside its classes and void): the usual sign of
 * a dataset meant for another folder. Only a sample of the folder is read, after the run.
 */
export class IdRangeWarnings {
  private readonly checked = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async check(predictionsDir: string, settings: RunSettings, pairs: readonly FilePair[]): Promise<void> {
    const { numClasses, ignoreIndex } = settings.engine.metric;
    const datasetName = settings.datasetName ?? 'none';
    const key = [predictionsDir, datasetName, numClasses, ignoreIndex].join('\0');
    if (this.checked.has(key) || pairs.length === 0) return;
    this.checked.add(key);
    try {
      const sample = await sampleIdCensus(pairs, settings.engine);
      const warning = outOfRangeWarning({ datasetName, predictionsDir, numClasses, ignoreIndex }, sample);
      if (warning === undefined) return;
      this.log.warn(warning);
      const choice = await vscode.window.showWarningMessage(`SegLens: ${warning}`, CHANGE_DATASET);
      if (choice === CHANGE_DATASET) await vscode.commands.executeCommand(COMMANDS.changeDataset, predictionsDir);
    } catch (error) {
      this.log.warn(`could not check the ids of ${predictionsDir}: ${errorText(error)}`);
    }
  }
}
