import { OPTION_TABLE, type CliCommand, type OptionGroup, type OptionSpec } from '../core/optionTable';
import { DELTA_KEYS } from '../core/report/compare';

/** What each subcommand is for and how it is called; its options come from the option table. */
export const COMMANDS: Readonly<
  Record<CliCommand, { readonly summary: string; readonly usage: readonly string[]; readonly about: string }>
> = {
  eval: {
    summary: 'evaluate one prediction folder',
    usage: [
      'seglens eval PRED_DIR [--labels LABEL_DIR] [options]',
      'seglens eval PRED_DIR [--labels LABEL_DIR] --shard I/N|auto [--shards N] --out FILE|DIR [options]',
    ],
    about:
      'Evaluates every prediction in PRED_DIR against its label and prints the hardest images and the ' +
      "dataset's figures. Without --labels, the label folder is looked for beside PRED_DIR, as VS Code does.",
  },
  compare: {
    summary: 'compare two prediction folders image by image',
    usage: ['seglens compare PRED_A PRED_B [--labels LABEL_DIR] [options]'],
    about:
      'Evaluates two prediction folders against the same labels and lists the images whose figures ' +
      'changed most from A to B.',
  },
  merge: {
    summary: 'add up the parts of a sharded run',
    usage: ['seglens merge DIR | PART.jsonl... [--out MERGED.jsonl] [--json] [--csv FILE]'],
    about:
      'Adds up the parts of a sharded run: DIR must hold parts 0..N-1 of one run. --out writes the merged ' +
      'records as one JSON lines file (what VS Code\'s "SegLens: Open Results…" reads).',
  },
  agree: {
    summary: 'find likely label errors where several models agree on another class',
    usage: ['seglens agree PRED_1 PRED_2 ... [--labels LABEL_DIR] [--min-agree K] [options]'],
    about:
      'Reads the hard predictions of N >= 2 models for the same labels. A valid pixel labelled y is a likely ' +
      'label error when at least K models predict the same class c != y. Lists the images with most first ' +
      '(see docs/label-quality.md).',
  },
  slurm: {
    summary: 'write (and submit) a SLURM job array that evaluates in shards',
    usage: [
      'seglens slurm PRED_DIR [--labels LABEL_DIR] --shards N --out DIR [--partition P] [--time T] [--submit] [options]',
    ],
    about:
      'Writes a SLURM job array that evaluates PRED_DIR in N shards, and a merge job; --submit submits ' +
      'both. Every option of eval is passed on to each shard.',
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CliCommand[];

const GROUP_TITLES: Readonly<Record<OptionGroup, string>> = {
  dataset: 'Labels and dataset',
  metric: 'Metric',
  read: 'Reading files',
  engine: 'Computing',
  run: 'Computing',
  shard: 'Sharding',
  slurm: 'SLURM',
  output: 'Output',
  view: 'View',
};

/** Allowed values the table leaves to another home: compare's metrics. */
const CHOICES: Readonly<Record<string, readonly string[]>> = { sort: DELTA_KEYS };

export const HELP_FLAG = { flag: 'help', short: 'h', description: 'print this help and exit' } as const;

const WIDTH = 100;
const COLUMN = 25;

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function shownDefault(spec: OptionSpec): string | undefined {
  if (spec.cliDefault !== undefined) return spec.cliDefault;
  const value = spec.default;
  if (value === null || value === '' || value === false) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The allowed values of a flag, when it has a fixed set. */
export function flagChoices(spec: OptionSpec): readonly string[] | undefined {
  return spec.values ?? (spec.flag !== undefined ? CHOICES[spec.flag] : undefined);
}

function optionLine(name: string, text: string): string {
  const [first = '', ...rest] = wrap(text, WIDTH - COLUMN);
  const head = `  ${name}`;
  const firstLine = head.length < COLUMN ? head.padEnd(COLUMN) + first : `${head}\n${' '.repeat(COLUMN)}${first}`;
  return [firstLine, ...rest.map((line) => ' '.repeat(COLUMN) + line)].join('\n');
}

function optionHelp(spec: OptionSpec, command: CliCommand): string {
  const own = spec.commandHelp?.[command];
  const description = own ?? spec.description;
  const choices = flagChoices(spec);
  const listed = choices !== undefined && !description.startsWith(choices[0] ?? '');
  // A command's own help of a flag says its own default where that differs.
  const defaultText = own !== undefined && /\(default/.test(own) ? undefined : shownDefault(spec);
  const text =
    (listed ? `${choices.join(' | ')}: ` : '') + description + (defaultText ? ` (default: ${defaultText})` : '');
  return optionLine(`--${spec.flag}${spec.placeholder ? ` ${spec.placeholder}` : ''}`, text);
}

/** `seglens COMMAND --help`: what the command does, how it is called, and its options by group. */
export function commandHelp(command: CliCommand): string {
  const { usage, about } = COMMANDS[command];
  const rows = (OPTION_TABLE as readonly OptionSpec[]).filter((spec) => spec.commands?.includes(command));
  const sections: string[] = [];
  for (const title of new Set(rows.map((spec) => GROUP_TITLES[spec.group]))) {
    const lines = rows.filter((spec) => GROUP_TITLES[spec.group] === title).map((spec) => optionHelp(spec, command));
    sections.push(`${title}:\n${lines.join('\n')}`);
  }
  sections.push(`Help:\n${optionLine(`-${HELP_FLAG.short}, --${HELP_FLAG.flag}`, HELP_FLAG.description)}`);
  return [`Usage:\n${usage.map((line) => `  ${line}`).join('\n')}`, wrap(about, WIDTH).join('\n'), ...sections].join(
    '\n\n',
  );
}

/** `seglens --help`: the commands, and where their options are. */
export function mainHelp(version: string): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  return [
    `SegLens ${version}: evaluate semantic-segmentation predictions (IoU, Boundary IoU, the locally adaptive loss)`,
    `Usage:\n${COMMAND_NAMES.flatMap((name) => COMMANDS[name].usage.slice(0, 1).map((line) => `  ${line}`)).join('\n')}\n  seglens --version`,
    `Commands:\n${COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`).join('\n')}`,
    "Run 'seglens COMMAND --help' for a command's options.",
  ].join('\n\n');
}
