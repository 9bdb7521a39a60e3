import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args';
import { editDistance, nearest } from '../../src/cli/suggest';
import { FLAG_OPTIONS, type CliCommand } from '../../src/core/optionTable';
import type { JsonReport } from '../../src/core/report/jsonReport';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SAMPLES = join(REPO_ROOT, 'samples', 'voc-mini');
const PREDICTIONS = join(SAMPLES, 'predictions');
const LABELS = join(SAMPLES, 'SegmentationClass');
const COMMANDS: readonly CliCommand[] = ['eval', 'compare', 'merge', 'slurm'];

function seglens(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const flagsIn = (text: string): Set<string> => new Set(text.match(/--[a-z][a-z-]*/g) ?? []);

test('seglens --help, -h and help print the commands and exit 0', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const run = seglens(...args);
    assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^SegLens \d+\.\d+\.\d+/);
    for (const command of COMMANDS) assert.match(run.stdout, new RegExp(`^  seglens ${command} `, 'm'));
    assert.match(run.stdout, /seglens COMMAND --help/);
  }
});

test("COMMAND --help lists exactly that command's flags from the option table, and exits 0", () => {
  for (const command of COMMANDS) {
    for (const args of [
      [command, '--help'],
      [command, '-h'],
      ['help', command],
      [command, 'x', '--bogus', '--help'],
    ]) {
      const run = seglens(...args);
      assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^Usage:\\n  seglens ${command} `));
      const expected = FLAG_OPTIONS.filter((spec) => spec.commands?.includes(command)).map((spec) => `--${spec.flag}`);
      const optionLines = run.stdout
        .split('\n')
        .filter((line) => /^ {2}-/.test(line))
        .join('\n');
      assert.deepEqual([...flagsIn(optionLines)].sort(), [...expected, '--help'].sort(), `${command}'s option lines`);
    }
  }
  const evalHelp = seglens('eval', '--help').stdout;
  assert.match(
    evalHelp,
    /--boundary-ratio R\s+Boundary IoU band as a fraction of the image diagonal \(default: 0\.02\)/,
  );
  assert.match(evalHelp, /--loss V\s+v1 .*\| paper/);
  assert.match(seglens('compare', '--help').stdout, /--sort METRIC\s+miou \| pixelAccuracy/);
});

test('--version prints the version of package.json', () => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const run = seglens(flag);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `seglens ${version}\n`);
  }
});

test('a mistyped option or command suggests the nearest one; exit 2 with a pointer to the help', () => {
  const cases: [string[], RegExp][] = [
    [['eval', PREDICTIONS, '--lables', LABELS], /^seglens: unknown option --lables; did you mean --labels\?$/m],
    [['eval', PREDICTIONS, '--boundry-ratio', '0.1'], /did you mean --boundary-ratio\?/],
    [['eval', PREDICTIONS, '--max-megapixel', '3'], /did you mean --max-megapixels\?/],
    [['compare', 'a', 'b', '--srot', 'ce'], /did you mean --sort\?/],
    [['evl', PREDICTIONS], /^seglens: unknown command "evl"; did you mean eval\?$/m],
    [['slurm', PREDICTIONS, '--sort', 'ce'], /--sort is an option of compare, eval and merge, not slurm/],
    [['eval', PREDICTIONS, '--min-agree', '2'], /--min-agree is an option of agree, not eval/],
    [['merge', 'x', '--labels', LABELS], /--labels is an option of eval, compare, slurm and agree, not merge/],
  ];
  for (const [args, message] of cases) {
    const run = seglens(...args);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /Run 'seglens (\w+ )?--help' for usage\.\n$/);
    assert.equal(run.stdout, '');
  }
  const far = seglens('eval', PREDICTIONS, '--zzzzzzzz', '1');
  assert.match(far.stderr, /^seglens: unknown option --zzzzzzzz\n/, 'nothing close: no guess');
});

test('values are checked against the option table: range, type and allowed values, exit 2', () => {
  const cases: [string[], string][] = [
    [['--boundary-ratio', '2'], '--boundary-ratio must be a number in (0, 1], got "2"'],
    [['--boundary-ratio', '0'], '--boundary-ratio must be a number in (0, 1], got "0"'],
    [['--scales', '2,0'], '--scales must be integers in [1, 4096], separated by commas, got "2,0"'],
    [['--classes', '1'], '--classes must be an integer in [2, 65535], got "1"'],
    [['--loss', 'v3'], '--loss must be one of v1, paper, got "v3"'],
    [['--workers', 'many'], '--workers must be an integer in [0, 64], got "many"'],
    [['--labels'], '--labels needs a value (DIR)'],
    [['--json=yes'], '--json takes no value'],
  ];
  for (const [flags, message] of cases) {
    const run = seglens('eval', PREDICTIONS, ...flags);
    assert.equal(run.status, 2, `${flags.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.split('\n')[0], `seglens: ${message}`);
  }
});

test('eval without --labels takes the folder the extension finds, says which, and gives the same numbers', () => {
  const found = seglens('eval', PREDICTIONS, '--json', '--workers', '0');
  const given = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json', '--workers', '0');
  assert.equal(found.status, 0, found.stderr);
  assert.equal(
    found.stderr,
    `labels: ${LABELS} (the folder SegmentationClass beside the predictions; --labels overrides it)\n`,
  );
  assert.equal(given.stderr, '', 'nothing to say when --labels is given');
  assert.deepEqual(JSON.parse(found.stdout), JSON.parse(given.stdout));
});

test('an ADE20K-style tree: annotations/validation beside the results is the label folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'seglens-discovery-'));
  const predictions = join(root, 'results', 'model-a');
  const validation = join(root, 'annotations', 'validation');
  mkdirSync(join(root, 'annotations', 'training'), { recursive: true });
  cpSync(PREDICTIONS, predictions, { recursive: true });
  cpSync(LABELS, validation, { recursive: true });
  const run = seglens('eval', predictions, '--json', '--workers', '0', '--dataset', 'voc');
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stderr,
    /^labels: .*annotations\/validation \(the folder annotations\/validation beside the predictions' parent folder;/,
  );
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.equal(report.images.length, 12);
  assert.equal(report.images[0]!.label.startsWith(validation), true);
});

test('no label folder anywhere: exit 2 and the list of places looked', () => {
  const root = mkdtempSync(join(tmpdir(), 'seglens-discovery-'));
  const predictions = join(root, 'deep', 'preds');
  mkdirSync(predictions, { recursive: true });
  const run = seglens('eval', predictions);
  assert.equal(run.status, 2);
  const lines = run.stderr.split('\n');
  assert.equal(lines[0], `seglens: no label folder found for ${predictions}; give --labels LABEL_DIR. Looked in:`);
  assert.match(lines[1]!, new RegExp(`^  ${join(root, 'deep')}: a folder named .*SegmentationClass.*gtFine`));
  assert.match(lines[2]!, new RegExp(`^  ${root}: a folder named `));
  assert.match(lines[3]!, new RegExp(`^  ${predictions}: label files named`));
  const missing = seglens('eval', join(root, 'nope'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope: folder does not exist/);
});

test('slurm passes every given eval option on to its tasks, and none of its own', () => {
  const command = parseCommandLine([
    'slurm',
    'preds',
    '--labels',
    'gt',
    '--shards',
    '4',
    '--out',
    'o',
    '--boundary-ratio',
    '0.05',
    '--partition',
    'gpu',
    '--loss',
    'paper',
  ]);
  assert.equal(command.command, 'slurm');
  if (command.command !== 'slurm') return;
  assert.deepEqual(command.evalArgs, ['--loss', 'paper', '--boundary-ratio', '0.05']);
  assert.equal(command.eval.metric.boundaryRatio, 0.05);
  assert.equal(command.eval.labelsDir, 'gt');
});

test('the nearest word: edit distance with transpositions, and a limit', () => {
  assert.equal(editDistance('lables', 'labels'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(nearest('lables', ['labels', 'layout']), 'labels');
  assert.equal(nearest('bound', ['boundary-ratio', 'out']), 'boundary-ratio', 'a prefix of one flag');
  assert.equal(nearest('xyz', ['labels', 'layout']), undefined);
});

test('every report carries the full options: --json, the CSV comment and merge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-options-'));
  const csv = join(dir, 'images.csv');
  const flags = ['--boundary-ratio', '0.05', '--loss', 'paper', '--scales', '2,4', '--workers', '0'];
  const run = seglens('eval', PREDICTIONS, '--labels', LABELS, '--json', '--csv', csv, ...flags);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  const resultRows = FLAG_OPTIONS.filter((spec) => ['metric', 'read', 'engine'].includes(spec.group)).map(
    (spec) => spec.key,
  );
  assert.deepEqual(Object.keys(report.options), resultRows, 'every result-changing option, in the table order');
  assert.deepEqual(report.options, {
    classes: 21,
    ignoreIndex: 255,
    scales: [2, 4],
    scaleWeights: [0.5, 0.5],
    hardEpsilon: 0.001,
    loss: 'paper',
    pooling: 'gaussian',
    poolingSigma: 0.5,
    minkowski: 5,
    boundaryRatio: 0.05,
    labelIssueThreshold: 0.1,
    softValues: 'auto',
    softLayout: 'auto',
    maxMegapixels: 64,
    compute: 'exact',
  });
  const comment = readFileSync(csv, 'utf8').split('\n')[0]!;
  assert.equal(comment, `# seglens options ${JSON.stringify(report.options)}`);
  const parts = join(dir, 'parts');
  const shard = seglens('eval', PREDICTIONS, '--labels', LABELS, '--shard', '0/1', '--out', `${parts}/`, ...flags);
  assert.equal(shard.status, 0, shard.stderr);
  const merged = seglens('merge', parts, '--json');
  assert.equal(merged.status, 0, merged.stderr);
  const mergedOptions = (JSON.parse(merged.stdout) as JsonReport).options;
  assert.equal(mergedOptions.boundaryRatio, 0.05, 'the ratio survives the part file');
  assert.deepEqual([mergedOptions.loss, mergedOptions.scales], ['paper', [2, 4]]);
});
