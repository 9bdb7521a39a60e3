// The options modules directly, not the core index: settings need no image readers or TensorFlow.js.
import { metricOptionsFrom, readOptionsFrom, type MetricOptions, type ReadOptions } from '../../core/options';
import {
  hasOptionType,
  optionDefault,
  SETTING_OPTIONS,
  type GivenOptions,
  type OptionChoice,
} from '../../core/optionTable';

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
  readonly compute: OptionChoice<'compute'>;
  /** `auto`, `voc`, `cityscapes`, `ade20k` or a dataset JSON path (raw: trust is applied later). */
  readonly dataset: string;
  readonly predictionIds: OptionChoice<'predictionIds'>;
  /** `seglens.pair`, the CLI's `--pair P:L` (e.g. `{stem}_seg.png:{stem}_gtFine_color.png`); undefined pairs by name. */
  readonly pair: string | undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The settings of the option table that hold a value of their row's type. A value of the wrong type
 * reads as unset (the JSON schema already warns the user about it), so the default applies; ranges are
 * left to the engine's `validateMetricOptions`, which checks them against the same table.
 */
function givenSettings(get: SettingReader): GivenOptions {
  const given: Record<string, unknown> = {};
  for (const spec of SETTING_OPTIONS) {
    const value = get(spec.key);
    if (value !== undefined && value !== null && hasOptionType(spec, value)) given[spec.key] = value;
  }
  return given;
}

/**
 * Turns raw settings into engine options, the way the CLI turns its flags into them
 * (`metricOptionsFrom`). An unset setting reads as undefined here (the VS Code layer passes no defaults).
 */
export function readSettings(get: SettingReader): SegLensSettings {
  const given = givenSettings(get);
  const nonEmpty = <T>(list: readonly T[] | undefined): readonly T[] | undefined =>
    list !== undefined && list.length > 0 ? list : undefined;
  const scaleWeights = nonEmpty(given.scaleWeights ?? undefined);
  return {
    metric: metricOptionsFrom({ ...given, scales: nonEmpty(given.scales), scaleWeights }),
    read: readOptionsFrom(given),
    colorTable: optionalString(get('colorTable')),
    classNames: nonEmpty(given.classNames),
    labelsFolder: optionalString(get('labelsFolder')),
    imagesFolder: optionalString(get('imagesFolder')),
    workers: Math.max(0, given.workers ?? optionDefault('workers')),
    compute: given.compute ?? optionDefault('compute'),
    dataset: optionalString(get('dataset')) ?? optionDefault('dataset'),
    predictionIds: given.predictionIds ?? optionDefault('predictionIds'),
    pair: optionalString(get('pair')),
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
