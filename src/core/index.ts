/** The SegLens engine: no VS Code in here; shared by the extension, the CLI, the workers and the tests. */
export * from './options';
export * from './errors';
export type * from './types';
export {
  vocColormap,
  vocColorTable,
  cityscapesColorTable,
  loadColorTable,
  parseColorTable,
  VOC_CLASS_NAMES,
  ColorTableError,
  type ColorTable,
} from './io/colorTable';
export { pairFiles, type FilePair, type SkippedFile, type PairingResult, type PairingOptions } from './io/pairing';
export { readLabel, readPrediction, type EngineOptions } from './io/readFiles';
export { evaluatePair, metricsFromTerms } from './metrics/imageMetrics';
export { evaluateImage, evaluatePairOutcome, type PairOutcome } from './evaluate/evaluateImage';
export { evaluatePairs, defaultWorkerCount, type EvaluatePairsControl } from './evaluate/evaluatePairs';
export { DatasetAccumulator, type DatasetSummary } from './evaluate/datasetSummary';
export { computeLabel } from './evaluate/computeLabel';
export { hardestFirst, RANKING_KEYS, type RankingKey } from './report/ranking';
export type { ImageRecord } from './evaluate/record';
// TensorFlow.js only through loadTensorPath: a value export here would put it in every bundle.
export type { TensorRuntime, TensorBackendName, Tf } from './tensor/backend';
export type { LossFunctionOptions } from './tensor/adaptiveLossFunction';
export { loadTensorPath, type TensorPathModule } from './tensor/loadTensorPath';
export { prepareDataset, type DatasetRequest, type PreparedDataset } from './datasets/prepareDataset';
export { BUILTIN_PRESETS, builtinPreset, type BuiltinPresetName } from './datasets/builtinPresets';
export { parseDatasetFile, loadDatasetFile, DatasetFileError } from './datasets/datasetFile';
export type { DatasetPreset, IdSpace } from './datasets/preset';
