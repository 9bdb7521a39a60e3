/**
 * The one table of SegLens' options. Each row is an option's key, its CLI flag, its VS Code setting,
 * type, default, range or allowed values and description. The CLI parser and its help
 * (src/cli/args.ts), the extension's settings reader (src/extension/logic/settings.ts), the checks of
 * `validateMetricOptions`, the run hash, the extension's cache key and every report read it from here;
 * a test checks `package.json` `contributes.configuration` against it, both ways.
 */

/** What an option's value is: `integers` and friends are lists (comma-separated on the command line). */
export type OptionKind = 'integer' | 'number' | 'string' | 'boolean' | 'integers' | 'numbers' | 'strings';

export type OptionValue = number | string | boolean | readonly number[] | readonly string[] | null;

/** Bounds of a number, or of each item of a list of numbers. */
export interface OptionRange {
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: number;
  readonly exclusiveMax?: number;
}

/** The subcommands of `seglens`. */
export type CliCommand = 'eval' | 'compare' | 'merge' | 'slurm' | 'agree';

/**
 * What an option belongs to. `metric`, `read` and `engine` options change a result: reports record
 * them and the run hash and cache key hash them. `dataset` options change it through the dataset they
 * select (whose contents are hashed); `run`, `shard`, `slurm`, `output` and `view` never do.
 */
export type OptionGroup = 'metric' | 'read' | 'engine' | 'dataset' | 'run' | 'shard' | 'slurm' | 'output' | 'view';

/** The VS Code side of an option: `seglens.<key>`, with the text the Settings editor shows. */
export interface SettingSpec {
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly enumDescriptions?: readonly string[];
  /** `resource`: may differ per folder. */
  readonly scope?: 'resource';
}

export interface OptionSpec {
  readonly key: string;
  readonly kind: OptionKind;
  readonly group: OptionGroup;
  /** One line of help (the CLI's help, and the report's record of options). */
  readonly description: string;
  /** The default; null means "unset: another option or the dataset decides". */
  readonly default: OptionValue;
  readonly range?: OptionRange;
  /** The allowed values of a string option. */
  readonly values?: readonly string[];
  /** A list option: at least this many items, none repeated. */
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
  /** The CLI flag without its dashes; absent: no flag. */
  readonly flag?: string;
  /** What the help shows after the flag (`R`, `K,K,...`). */
  readonly placeholder?: string;
  /** The subcommands that take the flag. */
  readonly commands?: readonly CliCommand[];
  /** The help of the flag for one command, where it means something else there. */
  readonly commandHelp?: Partial<Readonly<Record<CliCommand, string>>>;
  /** The default as the CLI's help says it, when it is not simply `default`. */
  readonly cliDefault?: string;
  /** `seglens.<key>`; absent: no setting. */
  readonly setting?: SettingSpec;
}

const EVALUATING: readonly CliCommand[] = ['eval', 'compare', 'slurm', 'agree'];

/**
 * Every option, in the order the help lists them. Keys are the setting names where there is a setting
 * (`classes`, `ignoreIndex`, `hardEpsilon`), so a key reads the same in the settings, the table and the
 * reports.
 */
export const OPTION_TABLE = [
  {
    key: 'labelsFolder',
    kind: 'string',
    group: 'dataset',
    flag: 'labels',
    placeholder: 'DIR',
    commands: EVALUATING,
    default: '',
    description:
      'label folder, sub-folders included (may be PRED_DIR itself); files pair by stem after known suffixes ' +
      '(_gtFine_labelIds, _pred, _target, gt, ...)',
    cliDefault: 'found beside PRED_DIR: SegmentationClass, gtFine/val, annotations/validation, ...',
    setting: {
      description:
        'Folder of ground-truth label maps. Empty looks for a sibling folder (SegmentationClass, labels, gt, …) and otherwise asks.',
      scope: 'resource',
    },
  },
  {
    key: 'dataset',
    kind: 'string',
    group: 'dataset',
    flag: 'dataset',
    placeholder: 'D',
    commands: EVALUATING,
    default: 'auto',
    description:
      'auto | voc | cityscapes | ade20k | FILE.json: classes, void, id encodings and names of the dataset; ' +
      'auto detects it and says how',
    setting: {
      markdownDescription:
        "The dataset: `auto` (detect it from names, layout and the labels' colours, and say so in the summary and the log), `voc`, `cityscapes`, `ade20k`, or the path of a dataset JSON file (see README, *Your dataset*). A dataset fixes the class count, names, colours, void and how label files encode ids; `seglens.classes`, `seglens.ignoreIndex` and `seglens.classNames`, when set, still win.",
      scope: 'resource',
    },
  },
  {
    key: 'predictionIds',
    kind: 'string',
    group: 'dataset',
    flag: 'prediction-ids',
    placeholder: 'S',
    commands: EVALUATING,
    values: ['auto', 'train', 'label'],
    default: 'auto',
    description: 'the ids the predictions are written in',
    setting: {
      enumDescriptions: [
        'decide once per folder from the ids present (ids past the train-id count mean label ids)',
        'train ids (mmseg and most training code)',
        "the dataset's label ids (Cityscapes' official submission format, ADE20K's 1-150)",
      ],
      markdownDescription:
        'Which ids prediction PNGs are written in, for datasets whose label ids differ from train ids (Cityscapes, ADE20K).',
      scope: 'resource',
    },
  },
  {
    key: 'pair',
    kind: 'string',
    group: 'dataset',
    flag: 'pair',
    placeholder: 'P:L',
    commands: EVALUATING,
    default: null,
    description: 'pairing patterns, e.g. {stem}_seg.png:{stem}_gtFine_color.png',
    setting: {
      markdownDescription:
        "How predictions pair with labels when their names differ, as the CLI's `--pair`: `PREDICTION:LABEL` file names with one `{stem}` each, e.g. `{stem}_seg.png:{stem}_gtFine_color.png`. Unset pairs by name (known suffixes such as `_gtFine_labelIds` are tried). A default: each evaluated folder keeps its own pairing, changed with *SegLens: Set Pairing…*.",
      scope: 'resource',
    },
  },
  {
    key: 'classes',
    kind: 'integer',
    group: 'metric',
    flag: 'classes',
    placeholder: 'N',
    commands: EVALUATING,
    default: 21,
    range: { min: 2, max: 65535 },
    description: 'number of classes C; label ids >= C are void',
    cliDefault: "the dataset's, else 21",
    setting: { markdownDescription: 'Number of classes `C`. Label ids `>= C` are void.' },
  },
  {
    key: 'ignoreIndex',
    kind: 'integer',
    group: 'metric',
    flag: 'ignore',
    placeholder: 'ID',
    commands: EVALUATING,
    default: 255,
    range: { min: 0 },
    description: 'label id excluded from every quantity: void',
    cliDefault: "the dataset's, else 255",
    setting: { description: 'Label id excluded from every quantity (void).' },
  },
  {
    key: 'scales',
    kind: 'integers',
    group: 'metric',
    flag: 'scales',
    placeholder: 'K,K,...',
    commands: EVALUATING,
    default: [2, 4, 8],
    range: { min: 1, max: 4096 },
    minItems: 1,
    uniqueItems: true,
    description: 'window sizes k of the adaptive loss',
    setting: {
      markdownDescription: 'Window sizes `k` of the locally adaptive loss (k×k windows, stride k).',
    },
  },
  {
    key: 'scaleWeights',
    kind: 'numbers',
    group: 'metric',
    flag: 'weights',
    placeholder: 'W,W,...',
    commands: EVALUATING,
    default: null,
    range: { min: 0 },
    description: 'weight of each scale, one per scale',
    cliDefault: 'equal',
    setting: {
      markdownDescription:
        'Weight `α_k` of each scale, one per entry of `#seglens.scales#`. Empty means equal weights.',
    },
  },
  {
    key: 'hardEpsilon',
    kind: 'number',
    group: 'metric',
    flag: 'hard-eps',
    placeholder: 'E',
    commands: EVALUATING,
    default: 0.001,
    range: { min: 0, exclusiveMax: 1 },
    description: 'smoothing of hard predictions: 1-E for the predicted class, E/(C-1) elsewhere',
    setting: {
      markdownDescription:
        'Smoothing `ε` that turns a hard (argmax) prediction into probabilities: `1-ε` for the predicted class, `ε/(C-1)` elsewhere.',
    },
  },
  {
    key: 'loss',
    kind: 'string',
    group: 'metric',
    flag: 'loss',
    placeholder: 'V',
    commands: EVALUATING,
    values: ['v1', 'paper'],
    default: 'v1',
    description:
      'v1 (uniform pooling, m = 1) | paper (gaussian pooling, m = 5); --pooling / --minkowski given too ' +
      'override the preset',
    setting: {
      enumDescriptions: [
        'Uniform pooling, m = 1: the loss as first specified (v1).',
        "The paper's two known refinements: Gaussian pooling by chessboard distance, Minkowski exponent m = 5.",
      ],
      markdownDescription:
        'Loss variant of the locally adaptive loss (see the README, *Loss variants*). `#seglens.pooling#` and `#seglens.minkowski#`, when set, override the preset.',
    },
  },
  {
    key: 'pooling',
    kind: 'string',
    group: 'metric',
    flag: 'pooling',
    placeholder: 'P',
    commands: EVALUATING,
    values: ['uniform', 'gaussian'],
    default: null,
    description: "uniform | gaussian: how a group's distributions merge",
    cliDefault: 'as --loss says',
    setting: {
      markdownDescription:
        "How a (window, class) group's distributions merge: `uniform` (plain mean) or `gaussian` (weighted by a Gaussian of the chessboard distance to the window's centre). Empty: as `#seglens.loss#` says.",
    },
  },
  {
    key: 'poolingSigma',
    kind: 'number',
    group: 'metric',
    flag: 'pooling-sigma',
    placeholder: 'S',
    commands: EVALUATING,
    default: 0.5,
    range: { exclusiveMin: 0, max: 1e6 },
    description: 'Gaussian width as a fraction of the window size',
    setting: {
      markdownDescription:
        'Width `σ` of the Gaussian pooling as a fraction of the window size: weights `exp(−d²/(2(σk)²))`.',
    },
  },
  {
    key: 'minkowski',
    kind: 'number',
    group: 'metric',
    flag: 'minkowski',
    placeholder: 'M',
    commands: EVALUATING,
    default: null,
    range: { min: 1, max: 100 },
    description: 'Minkowski exponent m of L_k over the groups',
    cliDefault: 'as --loss says',
    setting: {
      markdownDescription:
        'Minkowski exponent `m` of each `L_k` over the groups: `(Σ n·ℓ^m / Σ n)^(1/m)`. 1 is the plain mean. Empty: as `#seglens.loss#` says.',
    },
  },
  {
    key: 'boundaryRatio',
    kind: 'number',
    group: 'metric',
    flag: 'boundary-ratio',
    placeholder: 'R',
    commands: EVALUATING,
    default: 0.02,
    range: { exclusiveMin: 0, max: 1 },
    description: 'Boundary IoU band as a fraction of the image diagonal',
    setting: {
      markdownDescription:
        'Boundary IoU band width as a fraction of the image diagonal: `d = max(1, round(ratio · √(H² + W²)))` pixels (Cheng et al., CVPR 2021).',
    },
  },
  {
    key: 'labelIssueThreshold',
    kind: 'number',
    group: 'metric',
    flag: 'label-issue-threshold',
    placeholder: 'T',
    commands: EVALUATING,
    default: 0.1,
    range: { min: 0, max: 1 },
    description: "soft predictions: a valid pixel is a label issue when P(label) is below T (cleanlab's default 0.1)",
    setting: {
      markdownDescription:
        "Soft predictions: a valid pixel is a possible label error when the model gives its label a probability below this (cleanlab's `issues_from_scores` default, 0.1). See docs/label-quality.md.",
    },
  },
  {
    key: 'softValues',
    kind: 'string',
    group: 'read',
    flag: 'soft-values',
    placeholder: 'V',
    commands: EVALUATING,
    values: ['auto', 'logits', 'probabilities'],
    default: 'auto',
    description: 'what soft .npy predictions hold',
    setting: { description: 'What soft .npy predictions hold.' },
  },
  {
    key: 'softLayout',
    kind: 'string',
    group: 'read',
    flag: 'layout',
    placeholder: 'L',
    commands: EVALUATING,
    values: ['auto', 'hwc', 'chw'],
    default: 'auto',
    description: 'axis order of soft .npy predictions',
    setting: {
      description:
        'Axis order of soft .npy predictions (auto: CHW when the first dimension equals the class count and the last does not).',
    },
  },
  {
    key: 'colorTable',
    kind: 'string',
    group: 'dataset',
    flag: 'color-table',
    placeholder: 'T',
    commands: EVALUATING,
    default: '',
    description: 'voc | cityscapes | FILE.json, for colour-coded PNGs',
    cliDefault: "the dataset's",
    setting: {
      markdownDescription:
        'How colour-coded PNGs map to class ids: `voc`, `cityscapes`, or the path of a JSON table `{"classes": [{"name", "color": [r, g, b]}], "void": [[r, g, b]]}`. Empty reads palette PNGs as class indices.',
      scope: 'resource',
    },
  },
  {
    key: 'classNames',
    kind: 'strings',
    group: 'view',
    default: [],
    description: 'display names of the classes, by id',
    setting: { description: 'Display names of the classes, by id. Empty uses the colour table or the VOC names.' },
  },
  {
    key: 'imagesFolder',
    kind: 'string',
    group: 'view',
    default: '',
    description: 'folder of the RGB photos shown under the overlays',
    setting: {
      description: 'Folder of the RGB input images shown under the overlays. Empty looks for a JPEGImages sibling.',
      scope: 'resource',
    },
  },
  {
    key: 'maxMegapixels',
    kind: 'number',
    group: 'read',
    flag: 'max-megapixels',
    placeholder: 'N',
    commands: EVALUATING,
    default: 64,
    range: { min: 0.01 },
    description: 'refuse larger images unread',
    setting: { description: 'Files above this many megapixels are skipped before decoding.' },
  },
  {
    key: 'workers',
    kind: 'integer',
    group: 'run',
    flag: 'workers',
    placeholder: 'N',
    commands: [...EVALUATING, 'merge'],
    default: 0,
    range: { min: 0, max: 64 },
    description: 'worker threads (0 on the command line: the main thread)',
    cliDefault: 'one per core',
    setting: { description: 'Worker threads for evaluation. 0 chooses from the number of CPU cores.' },
  },
  {
    key: 'compute',
    kind: 'string',
    group: 'engine',
    flag: 'compute',
    placeholder: 'M',
    commands: EVALUATING,
    values: ['exact', 'tensor'],
    default: 'exact',
    description: 'exact (float64) | tensor (TensorFlow.js ops for soft predictions)',
    setting: {
      enumDescriptions: [
        "float64 kernels: the spec's exact values (default, and the faster on these inputs)",
        'TensorFlow.js ops (tfjs-node, wasm or cpu backend) for the per-pixel softmax of soft predictions; float32',
      ],
      markdownDescription:
        "How soft predictions are computed. `exact` matches the spec's golden values to 1e-6; `tensor` runs the softmax/argmax on TensorFlow.js.",
    },
  },
  {
    key: 'shard',
    kind: 'string',
    group: 'shard',
    flag: 'shard',
    placeholder: 'I/N|auto',
    commands: ['eval'],
    default: null,
    description:
      'evaluate only shard I of N (0-based); auto takes I/N from a SLURM job array or a Kubernetes Indexed Job',
  },
  {
    key: 'shards',
    kind: 'integer',
    group: 'shard',
    flag: 'shards',
    placeholder: 'N',
    commands: ['eval', 'slurm'],
    default: null,
    range: { min: 1 },
    description: 'the shard count, for --shard auto under Kubernetes (a check under SLURM)',
    commandHelp: { slurm: 'array tasks: the number of shards' },
  },
  {
    key: 'out',
    kind: 'string',
    group: 'shard',
    flag: 'out',
    placeholder: 'FILE|DIR',
    commands: ['eval', 'merge', 'slurm'],
    default: null,
    description: 'write the records as JSON lines for seglens merge (into DIR: part-I-of-N.jsonl; under --shard, DIR)',
    commandHelp: {
      merge: 'write the merged records as one JSON lines file',
      slurm: 'where the scripts, the parts, the logs and merged.jsonl / merged.json go',
    },
  },
  {
    key: 'partition',
    kind: 'string',
    group: 'slurm',
    flag: 'partition',
    placeholder: 'P',
    commands: ['slurm'],
    default: null,
    description: 'sbatch --partition',
  },
  {
    key: 'time',
    kind: 'string',
    group: 'slurm',
    flag: 'time',
    placeholder: 'T',
    commands: ['slurm'],
    default: null,
    description: 'sbatch --time of each task (e.g. 30:00)',
  },
  {
    key: 'submit',
    kind: 'boolean',
    group: 'slurm',
    flag: 'submit',
    commands: ['slurm'],
    default: false,
    description: 'submit the array and the merge job (afterok); otherwise print how to',
  },
  {
    key: 'sort',
    kind: 'string',
    group: 'output',
    flag: 'sort',
    placeholder: 'METRIC',
    commands: ['compare', 'eval', 'merge'],
    default: 'miou',
    // Its values are the per-image metrics (report/compare.ts DELTA_KEYS, the same set as the ranking's), checked by the CLI.
    description: 'regression order',
    commandHelp: {
      eval: 'image order, hardest first (default: adaptive; labelQuality: the lowest label quality first)',
      merge: 'image order, hardest first (default: adaptive; labelQuality: the lowest label quality first)',
    },
  },
  {
    key: 'top',
    kind: 'integer',
    group: 'output',
    flag: 'top',
    placeholder: 'N',
    commands: ['eval', 'compare', 'merge', 'agree'],
    default: 10,
    range: { min: 0 },
    description: 'rows in the hardest-images table',
  },
  {
    key: 'json',
    kind: 'boolean',
    group: 'output',
    flag: 'json',
    commands: ['eval', 'compare', 'merge', 'agree'],
    default: false,
    description: 'print one JSON object instead of the table',
  },
  {
    key: 'csv',
    kind: 'string',
    group: 'output',
    flag: 'csv',
    placeholder: 'FILE',
    commands: ['eval', 'compare', 'merge', 'agree'],
    default: null,
    description: 'also write one CSV row per image',
  },
  {
    key: 'labelIssues',
    kind: 'string',
    group: 'output',
    flag: 'label-issues',
    placeholder: 'FILE',
    commands: ['eval', 'merge', 'agree'],
    default: null,
    description: 'also write the label-issue regions as JSON lines, one region a line (docs/label-quality.md)',
  },
  {
    key: 'minAgree',
    kind: 'integer',
    // Not 'metric': it changes agree's list, never an evaluation's figures (so no run hash holds it).
    group: 'output',
    flag: 'min-agree',
    placeholder: 'K',
    commands: ['agree'],
    default: null,
    range: { min: 1, max: 255 },
    description: 'models that must predict the same other class for a likely label error',
    cliDefault: 'two thirds of the models, rounded up',
  },
] as const satisfies readonly OptionSpec[];

export type OptionKey = (typeof OPTION_TABLE)[number]['key'];

type Row<K extends OptionKey> = Extract<(typeof OPTION_TABLE)[number], { readonly key: K }>;
type Widen<T> = T extends number
  ? number
  : T extends string
    ? string
    : T extends boolean
      ? boolean
      : T extends readonly number[]
        ? readonly number[]
        : T;

/** The default of an option, typed by its row (one of its values, for a row with values). */
export type OptionDefault<K extends OptionKey> =
  Row<K> extends { readonly values: readonly (infer V)[] }
    ? V | (Row<K>['default'] extends null ? null : never)
    : Widen<Row<K>['default']>;

/** The allowed values of a string option, as a type: `OptionChoice<'loss'>` is `'v1' | 'paper'`. */
export type OptionChoice<K extends OptionKey> = Row<K> extends { readonly values: readonly (infer V)[] } ? V : never;

const BY_KEY: ReadonlyMap<string, OptionSpec> = new Map(OPTION_TABLE.map((spec) => [spec.key, spec]));

/** The row of one option. */
export function optionSpec(key: OptionKey): OptionSpec {
  return BY_KEY.get(key)!;
}

type ValueOfRow<R> = R extends { readonly values: readonly (infer V)[] }
  ? V
  : R extends { readonly kind: 'integer' | 'number' }
    ? number
    : R extends { readonly kind: 'string' }
      ? string
      : R extends { readonly kind: 'boolean' }
        ? boolean
        : R extends { readonly kind: 'strings' }
          ? readonly string[]
          : readonly number[];

/** The type of an option's value: null too where the default is null (unset). */
export type OptionValueOf<K extends OptionKey> = ValueOfRow<Row<K>> | (Row<K>['default'] extends null ? null : never);

/** Options as given (flags or settings), each of its row's type; an absent key takes the default. */
export type GivenOptions = { readonly [K in OptionKey]?: OptionValueOf<K> };

export function optionDefault<K extends OptionKey>(key: K): OptionDefault<K> {
  return optionSpec(key).default as OptionDefault<K>;
}

/** The allowed values of a string option, in the table's order. */
export function optionChoices<K extends OptionKey>(key: K): readonly OptionChoice<K>[] {
  return (optionSpec(key).values ?? []) as readonly OptionChoice<K>[];
}

/** The rows with a VS Code setting, `seglens.<key>`. */
export const SETTING_OPTIONS: readonly OptionSpec[] = OPTION_TABLE.filter((spec: OptionSpec) => spec.setting);

/** The rows with a CLI flag. */
export const FLAG_OPTIONS: readonly OptionSpec[] = OPTION_TABLE.filter((spec: OptionSpec) => spec.flag);

const isList = (kind: OptionKind): boolean => kind === 'integers' || kind === 'numbers' || kind === 'strings';
const isNumeric = (kind: OptionKind): boolean => kind !== 'string' && kind !== 'boolean' && kind !== 'strings';

/**
 * Whether `value` has the option's type: a number for numeric rows (whole or not, and range aside:
 * `optionProblem` checks those), one of the allowed values for a string row with values.
 */
export function hasOptionType(spec: OptionSpec, value: unknown): boolean {
  if (value === null) return spec.default === null;
  const scalar = (item: unknown): boolean =>
    isNumeric(spec.kind)
      ? typeof item === 'number' && Number.isFinite(item)
      : spec.kind === 'boolean'
        ? typeof item === 'boolean'
        : typeof item === 'string' && (spec.values === undefined || spec.values.includes(item));
  return isList(spec.kind) ? Array.isArray(value) && value.every(scalar) : scalar(value);
}

/** `(0, 1]`, `[1, 4096]`, `>= 0`: the range in words a user reads in an error or the help. */
export function rangeText(range: OptionRange): string {
  const low =
    range.exclusiveMin !== undefined ? `(${range.exclusiveMin}` : range.min !== undefined ? `[${range.min}` : undefined;
  const high =
    range.exclusiveMax !== undefined ? `${range.exclusiveMax})` : range.max !== undefined ? `${range.max}]` : undefined;
  if (low !== undefined && high !== undefined) return `${low}, ${high}`;
  if (low !== undefined) return `${range.exclusiveMin !== undefined ? '>' : '>='} ${low.slice(1)}`;
  if (high !== undefined) return `${range.exclusiveMax !== undefined ? '<' : '<='} ${high.slice(0, -1)}`;
  return 'any number';
}

function inRange(value: number, range: OptionRange | undefined): boolean {
  if (range === undefined) return true;
  return (
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (range.exclusiveMin === undefined || value > range.exclusiveMin) &&
    (range.exclusiveMax === undefined || value < range.exclusiveMax)
  );
}

/** What the option wants, in words: `an integer in [2, 65535]`, `one of v1, paper`, `integers in [1, 4096]`. */
export function expectedText(spec: OptionSpec): string {
  if (spec.values) return `one of ${spec.values.join(', ')}`;
  const range = spec.range ? ` in ${rangeText(spec.range)}` : '';
  switch (spec.kind) {
    case 'integer':
      return `an integer${range}`;
    case 'number':
      return `a number${range}`;
    case 'integers':
      return `integers${range}, separated by commas`;
    case 'numbers':
      return `numbers${range}, separated by commas`;
    case 'strings':
      return 'strings';
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
  }
}

function scalarProblem(spec: OptionSpec, value: unknown): boolean {
  if (spec.kind === 'integer' || spec.kind === 'integers')
    return !Number.isInteger(value) || !inRange(value as number, spec.range);
  if (spec.kind === 'number' || spec.kind === 'numbers')
    return typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, spec.range);
  if (spec.kind === 'boolean') return typeof value !== 'boolean';
  if (typeof value !== 'string') return true;
  return spec.values !== undefined && !spec.values.includes(value);
}

/**
 * Why `value` is not allowed for the option (`must be a number in (0, 1], got 2`), or undefined when it
 * is. null is allowed where the default is null (unset). The caller names the option its own way
 * (`--boundary-ratio`, `seglens.boundaryRatio`).
 */
export function optionProblem(spec: OptionSpec, value: unknown): string | undefined {
  if (value === null && spec.default === null) return undefined;
  const wants = `must be ${expectedText(spec)}`;
  if (!isList(spec.kind)) return scalarProblem(spec, value) ? `${wants}, got ${shown(value)}` : undefined;
  if (!Array.isArray(value)) return `${wants}, got ${shown(value)}`;
  const items = value as unknown[];
  const bad = items.find((item) => scalarProblem(spec, item));
  if (bad !== undefined) return `${wants}, got ${shown(bad)}`;
  if (spec.minItems !== undefined && items.length < spec.minItems)
    return `needs at least ${spec.minItems} value${spec.minItems === 1 ? '' : 's'}`;
  if (spec.uniqueItems && new Set(items).size !== items.length) return `repeat values: ${items.join(',')}`;
  return undefined;
}

const shown = (value: unknown): string =>
  typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? 'nothing');

/** A decimal number as people type it (`0.02`, `1e-3`, `-1`); NaN for anything else (`0x10`, `''`, `Infinity`). */
const decimal = (word: string): number =>
  /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(word) ? Number(word) : Number.NaN;

/**
 * A command-line word as the option's value: numbers parsed, lists split at commas. Returns the value
 * or why the word is not one (range and allowed values included).
 */
export function parseOptionText(spec: OptionSpec, text: string): { value: OptionValue } | { problem: string } {
  let value: OptionValue = text;
  if (isList(spec.kind)) {
    const items = text.split(',').map((item) => item.trim());
    value = spec.kind === 'strings' ? items : items.map(decimal);
  } else if (isNumeric(spec.kind)) {
    value = decimal(text.trim());
  }
  const problem = optionProblem(spec, value);
  return problem === undefined ? { value } : { problem: problem.replace(/got .*$/, `got ${JSON.stringify(text)}`) };
}

/** The JSON-schema fragment of `contributes.configuration` for the option's setting. */
export function settingSchema(spec: OptionSpec): Record<string, unknown> {
  const setting = spec.setting ?? {};
  const nullable = spec.default === null;
  const baseType = spec.kind === 'integers' || spec.kind === 'numbers' || spec.kind === 'strings' ? 'array' : spec.kind;
  const itemType = spec.kind === 'integers' ? 'integer' : spec.kind === 'numbers' ? 'number' : 'string';
  const bounds = (range: OptionRange | undefined): Record<string, number> => ({
    ...(range?.min !== undefined ? { minimum: range.min } : {}),
    ...(range?.max !== undefined ? { maximum: range.max } : {}),
    ...(range?.exclusiveMin !== undefined ? { exclusiveMinimum: range.exclusiveMin } : {}),
    ...(range?.exclusiveMax !== undefined ? { exclusiveMaximum: range.exclusiveMax } : {}),
  });
  return {
    type: nullable ? [baseType, 'null'] : baseType,
    ...(isList(spec.kind) ? { items: { type: itemType, ...bounds(spec.range) } } : bounds(spec.range)),
    ...(spec.values ? { enum: nullable ? [...spec.values, null] : [...spec.values] } : {}),
    ...(setting.enumDescriptions ? { enumDescriptions: [...setting.enumDescriptions] } : {}),
    ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}),
    ...(spec.uniqueItems ? { uniqueItems: true } : {}),
    default: Array.isArray(spec.default) ? [...(spec.default as readonly unknown[])] : spec.default,
    ...(setting.description !== undefined ? { description: setting.description } : {}),
    ...(setting.markdownDescription !== undefined ? { markdownDescription: setting.markdownDescription } : {}),
    ...(setting.scope ? { scope: setting.scope } : {}),
  };
}
