import * as vscode from 'vscode';
import { errorText, type FilePair } from '../core';
import type { RunSettings } from './configuration';
import { COMMANDS } from './ids';
import { folderCensus, outOfRangeWarning, sampleIdCensus } from './logic/idRange';
import type { RecordColumns } from './logic/recordColumns';

const CHANGE_DATASET = 'Change Dataset…';

/**
 * Warns, once per prediction folder and dataset, when the ids of a folder's labels or predictions
 * do not fit its dataset (more than 1% of pixels outside its classes and void): the usual sign of
 * a dataset meant for another folder. Nothing is read when the engine flagged no image.
 */
export class IdRangeWarnings {
  private readonly checked = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** After a run: only the images the engine flagged (ids outside the classes) are read, a sample of them. */
  async checkRun(
    predictionsDir: string,
    settings: RunSettings,
    pairs: readonly FilePair[],
    records: RecordColumns | undefined,
  ): Promise<void> {
    if (records === undefined) return;
    const flagged = new Set<string>();
    let labelPixels = 0;
    let scoredPixels = 0;
    for (const slot of records.slots()) {
      if (records.warnings(slot) > 0) flagged.add(records.predictionFile(slot));
      const pixels = records.pixels(slot);
      labelPixels += pixels.label;
      scoredPixels += pixels.scored;
    }
    if (flagged.size === 0) return;
    const flaggedPairs = pairs.filter((pair) => flagged.has(pair.predictionFile));
    await this.warnOnce(predictionsDir, settings, async () =>
      folderCensus(await sampleIdCensus(flaggedPairs, settings.engine), {
        flaggedImages: flaggedPairs.length,
        images: records.size,
        labelPixels,
        scoredPixels,
      }),
    );
  }

  /** For one image (Run Loss on Current Image): its own ids. */
  async checkImage(predictionsDir: string, settings: RunSettings, pair: FilePair): Promise<void> {
    await this.warnOnce(predictionsDir, settings, () => sampleIdCensus([pair], settings.engine));
  }

  private async warnOnce(
    predictionsDir: string,
    settings: RunSettings,
    census: () => ReturnType<typeof sampleIdCensus>,
  ): Promise<void> {
    const { numClasses, ignoreIndex } = settings.engine.metric;
    const datasetName = settings.datasetName ?? 'none';
    const key = [predictionsDir, datasetName, numClasses, ignoreIndex].join('\0');
    if (this.checked.has(key)) return;
    this.checked.add(key);
    try {
      const warning = outOfRangeWarning({ datasetName, predictionsDir, numClasses, ignoreIndex }, await census());
      if (warning === undefined) return;
      this.log.warn(warning);
      const choice = await vscode.window.showWarningMessage(`SegLens: ${warning}`, CHANGE_DATASET);
      if (choice === CHANGE_DATASET) await vscode.commands.executeCommand(COMMANDS.changeDataset, predictionsDir);
    } catch (error) {
      this.log.warn(`could not check the ids of ${predictionsDir}: ${errorText(error)}`);
    }
  }
}
