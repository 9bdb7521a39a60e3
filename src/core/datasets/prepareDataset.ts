import { resolve } from 'node:path';
import type { SuffixRule } from '../io/fileRoles';
import { parsePairPattern } from '../io/fileRoles';
import type { ListView } from '../io/packedPairs';
import { pairFiles, type FilePair, type PairingOptions, type PairingResult } from '../io/pairing';
import type { EngineOptions } from '../io/readFiles';
import { BUILTIN_PRESETS, builtinPreset, cityscapesPreset, type BuiltinPresetName } from './builtinPresets';
import { loadDatasetFile } from './datasetFile';
import { detectPreset } from './detect';
import type { IdMapping } from './idMap';
import { decidePredictionIds, samplePredictions } from './predictionIds';
import type { DatasetPreset, IdSpace } from './preset';

/** What the user asked for: `--dataset`, `--prediction-ids`, `--pair` (or the settings). */
export interface DatasetRequest {
  /** `auto`, a built-in name, or the path of a dataset JSON file. */
  readonly dataset: string;
  readonly predictionIds: 'auto' | IdSpace;
  readonly pair?: string;
}

export interface PreparedDataset<Pairs extends ListView<FilePair> = FilePair[]> {
  /** undefined: nothing recognised; ids are taken as they are (the generic options apply). */
  readonly preset: DatasetPreset | undefined;
  readonly predictionIds: IdSpace;
  readonly pairing: PairingResult<Pairs>;
  /** One line for the output's top, the view's summary and the log. */
  readonly description: string;
  readonly ids: IdMapping | undefined;
}

const isBuiltin = (name: string): name is BuiltinPresetName => (BUILTIN_PRESETS as readonly string[]).includes(name);

async function explicitPreset(dataset: string): Promise<DatasetPreset | undefined> {
  if (dataset === 'auto') return undefined;
  return isBuiltin(dataset) ? builtinPreset(dataset) : loadDatasetFile(dataset);
}

function presetLine(request: DatasetRequest, preset: DatasetPreset | undefined, detection: string): string {
  if (!preset)
    return 'dataset: none recognised (ids used as they are; --dataset voc|cityscapes|ade20k|FILE.json sets one)';
  if (request.dataset !== 'auto') return `dataset: ${preset.name} (set by --dataset)`;
  return `dataset: ${preset.name} (${detection})`;
}

/** How the folders are paired: pairFiles (every pair in an array) or pairFilesPacked (held compact). */
export type PairFolders<Pairs extends ListView<FilePair>> = (
  predictionsDir: string,
  labelsDir: string,
  options: PairingOptions,
) => Promise<PairingResult<Pairs>>;

/**
 * Pairs the folders and settles the dataset: the preset (given or detected), then the predictions'
 * id space (given, or decided once for the folder from a sample of its ids).
 */
export async function prepareDataset(
  predictionsDir: string,
  labelsDir: string,
  request: DatasetRequest,
  options: Pick<EngineOptions, 'read' | 'colorTable'>,
): Promise<PreparedDataset> {
  return prepareDatasetWith(pairFiles, predictionsDir, labelsDir, request, options);
}

/** prepareDataset with the folders paired by `pair`. */
export async function prepareDatasetWith<Pairs extends ListView<FilePair>>(
  pair: PairFolders<Pairs>,
  predictionsDir: string,
  labelsDir: string,
  request: DatasetRequest,
  options: Pick<EngineOptions, 'read' | 'colorTable'>,
): Promise<PreparedDataset<Pairs>> {
  let preset = await explicitPreset(request.dataset);
  // In auto mode the Cityscapes suffixes are tried too: they are what tells the dataset apart.
  const suffixes: readonly SuffixRule[] = preset?.suffixes ?? cityscapesPreset().suffixes;
  const pairing = await pair(predictionsDir, labelsDir, {
    suffixes,
    ...(request.pair !== undefined ? { pattern: parsePairPattern(request.pair) } : {}),
  });
  let detection = '';
  if (request.dataset === 'auto') {
    const found = await detectPreset(pairing, resolve(labelsDir), options.read.maxMegapixels);
    if (found) {
      preset = builtinPreset(found.preset);
      detection = found.certain
        ? `detected: ${found.evidence}`
        : `a guess from ${found.evidence}; --dataset overrides it`;
    }
  }
  let predictionIds: IdSpace = 'train';
  let idsLine = '';
  if (preset?.labelToTrain) {
    if (request.predictionIds !== 'auto') {
      predictionIds = request.predictionIds;
      idsLine = `predictions in ${predictionIds} ids (set by --prediction-ids)`;
    } else {
      const engine: EngineOptions = {
        metric: { numClasses: preset.classNames.length, ignoreIndex: preset.ignoreIndex, scales: [1], hardEpsilon: 0 },
        read: options.read,
        colorTable: options.colorTable ?? preset.colorTable,
      };
      const decision = decidePredictionIds(await samplePredictions(pairing.pairs, engine, preset), preset);
      predictionIds = decision.predictionIds;
      idsLine = `predictions in ${predictionIds} ids (${decision.certain ? 'detected' : 'a guess'}: ${decision.evidence}${
        decision.certain ? '' : `; --prediction-ids ${predictionIds === 'train' ? 'label' : 'train'} overrides it`
      })`;
    }
  }
  const ids: IdMapping | undefined = preset?.labelToTrain
    ? { labelToTrain: preset.labelToTrain, ignoreIndex: preset.ignoreIndex, labelIds: preset.labelIds, predictionIds }
    : undefined;
  const description = [presetLine(request, preset, detection), idsLine].filter((s) => s !== '').join('; ');
  return { preset, predictionIds, pairing, description, ids };
}
