import { loadColorTable, type ColorTable } from '../core/io/colorTable';
import { prepareDatasetWith, type PairFolders, type PreparedDataset } from '../core/datasets/prepareDataset';
import type { ListView } from '../core/io/packedPairs';
import { pairFiles, type FilePair } from '../core/io/pairing';
import type { EngineOptions } from '../core/io/readFiles';
import { validateMetricOptions, type MetricOptions } from '../core/options';
import type { DatasetInfo } from '../core/report/jsonReport';
import type { EvalCommand } from './args';

export interface PreparedFolder<Pairs extends ListView<FilePair> = FilePair[]> {
  readonly prepared: PreparedDataset<Pairs>;
  readonly metric: MetricOptions;
  readonly options: EngineOptions;
  readonly info: DatasetInfo;
}

/**
 * Pairs one prediction folder with the labels and settles its dataset and engine options, as eval,
 * compare and agree all do: the dataset sets the class count and void; an explicit --classes / --ignore
 * still wins.
 */
export async function prepareFolder(predictionsDir: string, command: FolderCommand): Promise<PreparedFolder> {
  return prepareFolderWith(pairFiles, predictionsDir, command);
}

type FolderCommand = Pick<
  EvalCommand,
  'labelsDir' | 'dataset' | 'read' | 'colorTable' | 'metric' | 'explicit' | 'compute'
>;

/** prepareFolder with the folders paired by `pair` (eval and compare: pairFilesPacked). */
export async function prepareFolderWith<Pairs extends ListView<FilePair>>(
  pair: PairFolders<Pairs>,
  predictionsDir: string,
  command: FolderCommand,
): Promise<PreparedFolder<Pairs>> {
  let colorTable: ColorTable | undefined;
  if (command.colorTable) colorTable = await loadColorTable(command.colorTable);
  const prepared = await prepareDatasetWith(pair, predictionsDir, command.labelsDir, command.dataset, {
    read: command.read,
    ...(colorTable ? { colorTable } : {}),
  });
  const { preset, pairing } = prepared;
  const metric = validateMetricOptions({
    ...command.metric,
    ...(preset && !command.explicit.classes ? { numClasses: preset.classNames.length } : {}),
    ...(preset && !command.explicit.ignore ? { ignoreIndex: preset.ignoreIndex } : {}),
  });
  const options: EngineOptions = {
    metric,
    read: command.read,
    colorTable: colorTable ?? preset?.colorTable,
    compute: command.compute,
    ...(prepared.ids ? { ids: prepared.ids } : {}),
    ...(preset?.name === 'cityscapes' ? { cityscapesInstances: true } : {}),
  };
  const info: DatasetInfo = {
    preset: preset?.name ?? null,
    predictionIds: prepared.predictionIds,
    detection: prepared.description,
    ignored: pairing.ignored,
    ...(preset ? { classNames: preset.classNames } : {}),
  };
  return { prepared, metric, options, info };
}
