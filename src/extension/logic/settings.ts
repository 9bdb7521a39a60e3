// The options module directly, not the core index: settings need no image readers or TensorFlow.js.
import {
  DEFAULT_BOUNDARY_RATIO,
  DEFAULT_METRIC_OPTIONS,
  DEFAULT_POOLING_SIGMA,
  DEFAULT_READ_OPTIONS,
  LOSS_PRESETS,
  POOLINGS,
  type LossPreset,
  type MetricOptions,
  type ReadOptions,
  type SoftLayout,
  type SoftValueKind,
} from '../../core/options';

/** Reads one `seglens.*` setting; the VS Code layer passes `workspace.getConfiguration('seglens').get`. */
export type SettingReader = (key: string) => unknown;

/** Everything the settings say, checked and typed; paths still raw (trust is applied later). */
export interface SegLensSettings {
  readonly metric: MetricOptions;
  readonly read: ReadOptions;
  /** 'voc', 'cityscapes' or a JSON path; undefined reads palette PNGs as class indices. */
  readonly colorTable: string | undefined;
  readonly classNames: readonly string[] | undefined;
  readonly labelsFolder: string | undefined;
  readonly imagesFolder: string | undefined;
  /** 0 lets the engine choose. */
  readonly workers: number;
  /** 'exact' float64 kernels, or TensorFlow.js ops for soft predictions. */
  readonly compute: 'exact' | 'tensor';
  /** `auto`, `voc`, `cityscapes`, `ade20k` or a dataset JSON path (raw: trust is applied later). */
  readonly dataset: string;
  readonly predictionIds: 'auto' | 'train' | 'label';
}

const SOFT_VALUES: readonly SoftValueKind[] = ['auto', 'logits', 'probabilities'];
const SOFT_LAYOUTS: readonly SoftLayout[] = ['auto', 'hwc', 'chw'];

function integer(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

function finiteNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function numberList(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number') ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}

/**
 * `seglens.loss` picks a preset (v1 or paper); `pooling` and `minkowski`, when set, override it, as the
 * CLI's flags do. An unset setting reads as undefined here (the VS Code layer passes no defaults).
 */
function lossSettings(get: SettingReader): Pick<MetricOptions, 'pooling' | 'poolingSigma' | 'minkowski'> {
  const preset = LOSS_PRESETS[oneOf<LossPreset>(get('loss'), ['v1', 'paper'], 'v1')];
  const pooling = get('pooling');
  return {
    pooling: POOLINGS.find((p) => p === pooling) ?? preset.pooling,
    poolingSigma: finiteNumber(get('poolingSigma'), DEFAULT_POOLING_SIGMA),
    minkowski: finiteNumber(get('minkowski'), preset.minkowski),
  };
}

/**
 * Turns raw settings into engine options. Values of the wrong type fall back to the spec defaults
 * (the JSON schema already warns the user about them); range checks are left to the engine's
 * `validateMetricOptions`, so there is one source of truth for what is allowed.
 */
export function readSettings(get: SettingReader): SegLensSettings {
  const scaleWeights = numberList(get('scaleWeights'));
  const names = get('classNames');
  return {
    metric: {
      numClasses: integer(get('classes'), DEFAULT_METRIC_OPTIONS.numClasses),
      ignoreIndex: integer(get('ignoreIndex'), DEFAULT_METRIC_OPTIONS.ignoreIndex),
      scales: numberList(get('scales')) ?? [...DEFAULT_METRIC_OPTIONS.scales],
      ...(scaleWeights !== undefined ? { scaleWeights } : {}),
      hardEpsilon: finiteNumber(get('hardEpsilon'), DEFAULT_METRIC_OPTIONS.hardEpsilon),
      ...lossSettings(get),
      boundaryRatio: finiteNumber(get('boundaryRatio'), DEFAULT_BOUNDARY_RATIO),
    },
    read: {
      softValues: oneOf(get('softValues'), SOFT_VALUES, DEFAULT_READ_OPTIONS.softValues),
      softLayout: oneOf(get('softLayout'), SOFT_LAYOUTS, DEFAULT_READ_OPTIONS.softLayout),
      maxMegapixels: finiteNumber(get('maxMegapixels'), DEFAULT_READ_OPTIONS.maxMegapixels),
    },
    colorTable: optionalString(get('colorTable')),
    classNames:
      Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string') ? names : undefined,
    labelsFolder: optionalString(get('labelsFolder')),
    imagesFolder: optionalString(get('imagesFolder')),
    workers: Math.max(0, integer(get('workers'), 0)),
    compute: oneOf(get('compute'), ['exact', 'tensor'] as const, 'exact'),
    dataset: optionalString(get('dataset')) ?? 'auto',
    predictionIds: oneOf(get('predictionIds'), ['auto', 'train', 'label'] as const, 'auto'),
  };
}

/** Display names: the setting, else the colour table's, else VOC's when C is 21, else `class N`. */
export function classNamesFor(
  numClasses: number,
  fromSetting?: readonly string[],
  fromTable?: readonly string[],
  voc?: readonly string[],
): string[] {
  const source = fromSetting ?? fromTable ?? (voc !== undefined && voc.length === numClasses ? voc : undefined);
  return Array.from({ length: numClasses }, (_, id) => source?.[id] ?? `class ${id}`);
}
