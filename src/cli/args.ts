import { parseArgs } from 'node:util';
import type { DatasetRequest } from '../core/datasets/prepareDataset';
import { isDirectory, searchLabelFolder } from '../core/io/labelFolder';
import { metricOptionsFrom, readOptionsFrom, type MetricOptions, type ReadOptions } from '../core/options';
import {
  FLAG_OPTIONS,
  optionDefault,
  parseOptionText,
  type CliCommand,
  type GivenOptions,
  type OptionChoice,
  type OptionSpec,
} from '../core/optionTable';
import type { DeltaKey } from '../core/report/compare';
import type { RankingKey } from '../core/report/ranking';
import { COMMAND_NAMES, commandHelp, flagChoices, HELP_FLAG, mainHelp } from './help';
import { nearest } from './suggest';

/** Wrong use of the command line: exit 2, with a pointer to the help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help to point to. */
    readonly command?: CliCommand,
  ) {
    super(message);
  }
}

/** Printing help or the version is a command too: it ends with exit 0. */
export interface HelpCommand {
  readonly command: 'help';
  readonly text: string;
}

export interface EvalCommand {
  readonly command: 'eval';
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly metric: MetricOptions;
  /** Which of --classes / --ignore were given: those win over the dataset's. */
  readonly explicit: { readonly classes: boolean; readonly ignore: boolean };
  readonly dataset: DatasetRequest;
  readonly read: ReadOptions;
  readonly colorTable?: string;
  readonly workers?: number;
  readonly compute: OptionChoice<'compute'>;
  readonly shard?: string;
  /** --shards N: the shard count for --shard auto under Kubernetes, a check under SLURM. */
  readonly shards?: number;
  readonly out?: string;
  readonly output: OutputOptions;
}

export interface CompareCommand extends Omit<EvalCommand, 'command' | 'predictionsDir' | 'shard' | 'shards' | 'out'> {
  readonly command: 'compare';
  readonly predictionsA: string;
  readonly predictionsB: string;
  readonly sortKey: DeltaKey;
}

export interface MergeCommand {
  readonly command: 'merge';
  /** One folder of part files, or part files named one by one. */
  readonly files: string[];
  /** Where to write the merged records as JSON lines. */
  readonly out?: string;
  /** Worker threads reading the parts (0: the main thread); absent: one per core. */
  readonly workers?: number;
  readonly output: OutputOptions;
}

export interface SlurmCommand {
  readonly command: 'slurm';
  /** The eval command each array task runs (its shard and out are set by the script). */
  readonly eval: EvalCommand;
  /** The eval options as given, passed on verbatim to every task. */
  readonly evalArgs: readonly string[];
  readonly shards: number;
  readonly out: string;
  readonly partition?: string;
  readonly time?: string;
  readonly submit: boolean;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly csv?: string;
  readonly top: number;
  /** --label-issues: where to write the label-issue regions as JSON lines. */
  readonly labelIssues?: string;
  /** eval and merge --sort: the order of images (hardest first); absent: the adaptive loss. */
  readonly rankBy?: RankingKey;
}

export interface AgreeCommand extends Omit<EvalCommand, 'command' | 'predictionsDir' | 'shard' | 'shards' | 'out'> {
  readonly command: 'agree';
  readonly predictionDirs: readonly string[];
  /** --min-agree; absent: two thirds of the models, rounded up. */
  readonly minAgree?: number;
}

export type Command = EvalCommand | MergeCommand | SlurmCommand | CompareCommand | AgreeCommand;

/** A command as parsed, before its label folder is settled (undefined: no --labels given). */
type Draft<T> = Omit<T, 'labelsDir'> & { readonly labelsDir: string | undefined };
type SlurmDraft = Omit<SlurmCommand, 'eval'> & { readonly eval: Draft<EvalCommand> };
export type ParsedCommand =
  Draft<EvalCommand> | MergeCommand | SlurmDraft | Draft<CompareCommand> | Draft<AgreeCommand> | HelpCommand;

/** The flags a command takes, from the option table. */
function flagsOf(command: CliCommand): OptionSpec[] {
  return FLAG_OPTIONS.filter((spec) => spec.commands?.includes(command));
}

const SPEC_BY_FLAG: ReadonlyMap<string, OptionSpec> = new Map(FLAG_OPTIONS.map((spec) => [spec.flag!, spec]));

/** The flags as words typed on the command line, by flag name. */
type Words = Readonly<Record<string, string | boolean | undefined>>;

/** `a`, `a and b`, `a, b and c`. */
const listed = (words: readonly string[]): string =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;

/** Every flag the command line names must be one the command takes: else say what was meant. */
function checkFlagNames(command: CliCommand, args: readonly string[]): void {
  const { tokens } = parseArgs({ args: [...args], strict: false, allowPositionals: true, tokens: true });
  const known = flagsOf(command).map((spec) => spec.flag!);
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === HELP_FLAG.flag || token.rawName === `-${HELP_FLAG.short}`) continue;
    if (known.includes(token.name)) continue;
    const owners = SPEC_BY_FLAG.get(token.name)?.commands;
    if (owners !== undefined)
      throw new UsageError(`${token.rawName} is an option of ${listed(owners)}, not ${command}`, command);
    const guess = token.rawName.startsWith('--') ? nearest(token.name, [...known, HELP_FLAG.flag]) : undefined;
    throw new UsageError(
      `unknown option ${token.rawName}${guess !== undefined ? `; did you mean --${guess}?` : ''}`,
      command,
    );
  }
}

/** parseArgs' own complaints (a value missing, a value given to a switch) in our words. */
function parseWords(command: CliCommand, args: readonly string[]): { words: Words; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    [HELP_FLAG.flag]: { type: 'boolean', short: HELP_FLAG.short },
  };
  for (const spec of flagsOf(command)) options[spec.flag!] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  try {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
    return { words: values, positionals };
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(--?[\w-]+)/.exec(message)?.[1];
    const spec = flag !== undefined ? SPEC_BY_FLAG.get(flag.replace(/^--/, '')) : undefined;
    if (/argument missing/.test(message) && spec)
      throw new UsageError(`${flag} needs a value (${spec.placeholder ?? 'a value'})`, command);
    if (/does not take an argument/.test(message)) throw new UsageError(`${flag} takes no value`, command);
    if (/ambiguous/.test(message) && spec)
      throw new UsageError(`${flag} needs a value; to give one starting with '-', write ${flag}=VALUE`, command);
    throw new UsageError(message.split('. ')[0] ?? message, command);
  }
}

/** The typed value of every flag given, checked against its row (type, range, allowed values). */
function givenOptions(command: CliCommand, words: Words): GivenOptions {
  const given: Record<string, unknown> = {};
  for (const spec of flagsOf(command)) {
    const word = words[spec.flag!];
    if (word === undefined) continue;
    if (typeof word === 'boolean') {
      given[spec.key] = word;
      continue;
    }
    const parsed = parseOptionText(spec, word);
    if ('problem' in parsed) throw new UsageError(`--${spec.flag} ${parsed.problem}`, command);
    const choices = flagChoices(spec);
    if (choices !== undefined && !choices.includes(word))
      throw new UsageError(`--${spec.flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(word)}`, command);
    given[spec.key] = parsed.value;
  }
  return given;
}

function commandName(word: string | undefined): CliCommand {
  if (word === undefined) throw new UsageError('no command given');
  if ((COMMAND_NAMES as readonly string[]).includes(word)) return word as CliCommand;
  const guess = nearest(word, COMMAND_NAMES);
  throw new UsageError(
    `unknown command ${JSON.stringify(word)}${guess !== undefined ? `; did you mean ${guess}?` : ''}`,
  );
}

/**
 * The command line as a command. `seglens --help`, `seglens help [COMMAND]`, `seglens COMMAND --help`
 * and `seglens --version` are commands too; flags come from the option table. Without `--labels`,
 * `labelsDir` is undefined: `readCommandLine` looks for the folder.
 */
export function parseCommandLine(argv: readonly string[], version = 'unknown'): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h') return { command: 'help', text: mainHelp(version) };
  if (first === '--version' || first === '-V') return { command: 'help', text: `seglens ${version}` };
  if (first === 'help')
    return { command: 'help', text: rest[0] === undefined ? mainHelp(version) : commandHelp(commandName(rest[0])) };
  const command = commandName(first);
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', text: commandHelp(command) };
  checkFlagNames(command, rest);
  const { words, positionals } = parseWords(command, rest);
  const given = givenOptions(command, words);
  const output: OutputOptions = {
    json: given.json ?? false,
    csv: given.csv ?? undefined,
    top: given.top ?? optionDefault('top'),
    ...(given.labelIssues != null ? { labelIssues: given.labelIssues } : {}),
    ...(command !== 'compare' && given.sort != null ? { rankBy: given.sort as RankingKey } : {}),
  };
  if (command === 'merge') {
    if (positionals.length === 0)
      throw new UsageError('merge needs a folder of parts or at least one shard file', command);
    return {
      command,
      files: positionals,
      out: given.out ?? undefined,
      ...(given.workers != null ? { workers: given.workers } : {}),
      output,
    };
  }
  if (command === 'slurm') return slurmCommand(words, given, positionals, output);
  if (command === 'compare') return compareCommand(given, positionals, output);
  if (command === 'agree') return agreeCommand(given, positionals, output);
  if (given.shard != null && given.out == null) throw new UsageError('--shard needs --out', command);
  return evalCommand(given, positionals, output);
}

/** Flags of eval that `seglens slurm` does not pass on to each task: the script sets or replaces them. */
const PASSED_ON = (spec: OptionSpec): boolean =>
  spec.key !== 'labelsFolder' &&
  !['shard', 'slurm', 'output'].includes(spec.group) &&
  !!spec.commands?.includes('eval');

function slurmCommand(words: Words, given: GivenOptions, positionals: string[], output: OutputOptions): SlurmDraft {
  if (given.shards == null) throw new UsageError('slurm needs --shards N (the number of array tasks)', 'slurm');
  if (given.out == null) throw new UsageError('slurm needs --out DIR (scripts, parts and the merged result)', 'slurm');
  const evalArgs: string[] = [];
  for (const spec of flagsOf('slurm').filter(PASSED_ON)) {
    const word = words[spec.flag!];
    if (word === undefined || word === false) continue;
    evalArgs.push(`--${spec.flag}`, ...(word === true ? [] : [word]));
  }
  return {
    command: 'slurm',
    eval: evalCommand(given, positionals, output, 'slurm'),
    evalArgs,
    shards: given.shards,
    out: given.out,
    partition: given.partition ?? undefined,
    time: given.time ?? undefined,
    submit: given.submit ?? false,
  };
}

/** The options of eval that compare and agree share: all but the folder, the shards and --out. */
function sharedOptions(
  given: GivenOptions,
  positionals: string[],
  output: OutputOptions,
  name: 'compare' | 'agree',
): Omit<Draft<EvalCommand>, 'command' | 'predictionsDir' | 'shard' | 'shards' | 'out'> {
  const {
    command: _command,
    predictionsDir: _dir,
    shard: _shard,
    shards: _shards,
    out: _out,
    ...shared
  } = evalCommand(given, positionals.slice(0, 1), output, name);
  return shared;
}

function agreeCommand(given: GivenOptions, positionals: string[], output: OutputOptions): Draft<AgreeCommand> {
  if (positionals.length < 2) throw new UsageError('agree needs at least two prediction folders', 'agree');
  const minAgree = given.minAgree ?? undefined;
  if (minAgree !== undefined && minAgree > positionals.length)
    throw new UsageError(
      `--min-agree wants a number of models from 1 to ${positionals.length}, got ${minAgree}`,
      'agree',
    );
  return {
    ...sharedOptions(given, positionals, output, 'agree'),
    command: 'agree',
    predictionDirs: positionals,
    ...(minAgree !== undefined ? { minAgree } : {}),
  };
}

function compareCommand(given: GivenOptions, positionals: string[], output: OutputOptions): Draft<CompareCommand> {
  if (positionals.length !== 2) throw new UsageError('compare needs exactly two prediction folders', 'compare');
  const shared = sharedOptions(given, positionals, output, 'compare');
  return {
    ...shared,
    command: 'compare',
    predictionsA: positionals[0]!,
    predictionsB: positionals[1]!,
    sortKey: (given.sort ?? optionDefault('sort')) as DeltaKey,
  };
}

function evalCommand(
  given: GivenOptions,
  positionals: string[],
  output: OutputOptions,
  name: 'eval' | 'compare' | 'slurm' | 'agree' = 'eval',
): Draft<EvalCommand> {
  if (positionals.length !== 1) throw new UsageError(`${name} needs exactly one prediction folder`, name);
  const metric: MetricOptions = metricOptionsFrom(given);
  const read: ReadOptions = readOptionsFrom(given);
  return {
    command: 'eval',
    predictionsDir: positionals[0]!,
    labelsDir: given.labelsFolder,
    metric,
    explicit: { classes: given.classes !== undefined, ignore: given.ignoreIndex !== undefined },
    dataset: {
      dataset: given.dataset ?? optionDefault('dataset'),
      predictionIds: given.predictionIds ?? optionDefault('predictionIds'),
      ...(given.pair != null ? { pair: given.pair } : {}),
    },
    read,
    colorTable: given.colorTable,
    workers: given.workers,
    compute: given.compute ?? optionDefault('compute'),
    shard: given.shard ?? undefined,
    shards: given.shards ?? undefined,
    out: given.out ?? undefined,
    output,
  };
}

/** The label folder: `--labels`, else the one the extension would find beside the predictions, else a stop. */
async function labelsFor(
  predictionsDir: string,
  labelsDir: string | undefined,
  name: CliCommand,
  note: (line: string) => void,
): Promise<string> {
  if (labelsDir !== undefined) return labelsDir;
  if (!(await isDirectory(predictionsDir))) throw new Error(`${predictionsDir}: folder does not exist`);
  const search = await searchLabelFolder(predictionsDir);
  if (search.folder === undefined)
    throw new UsageError(
      `no label folder found for ${predictionsDir}; give --labels LABEL_DIR. Looked in:\n` +
        search.looked.map((line) => `  ${line}`).join('\n'),
      name,
    );
  note(`labels: ${search.folder} (${search.how}; --labels overrides it)`);
  return search.folder;
}

/** The command line as a command whose label folder is known (looked for when not given); `note` says which was taken. */
export async function readCommandLine(
  argv: readonly string[],
  version: string,
  note: (line: string) => void,
): Promise<Command | HelpCommand> {
  const command = parseCommandLine(argv, version);
  switch (command.command) {
    case 'help':
    case 'merge':
      return command;
    case 'eval':
      return { ...command, labelsDir: await labelsFor(command.predictionsDir, command.labelsDir, 'eval', note) };
    case 'compare':
      return { ...command, labelsDir: await labelsFor(command.predictionsA, command.labelsDir, 'compare', note) };
    case 'agree':
      return { ...command, labelsDir: await labelsFor(command.predictionDirs[0]!, command.labelsDir, 'agree', note) };
    case 'slurm': {
      const { eval: draft } = command;
      const labelsDir = await labelsFor(draft.predictionsDir, draft.labelsDir, 'slurm', note);
      return { ...command, eval: { ...draft, labelsDir } };
    }
  }
}
