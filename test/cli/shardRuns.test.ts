import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { shardFromEnvironment } from '../../src/core/report/shardEnvironment';
import { readShards, ShardError } from '../../src/core/report/shards';
import { ResultsFileError } from '../../src/core/report/resultsFile';
import { parseSbatchId, shellQuote, slurmScripts } from '../../src/cli/slurm';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const PREDICTIONS = join(REPO_ROOT, 'samples', 'voc-mini', 'predictions');
const LABELS = join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass');
const root = mkdtempSync(join(tmpdir(), 'seglens-shard-runs-'));
after(() => rmSync(root, { recursive: true, force: true }));

function seglens(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Refused by the shard logic or by the results-file reader, with a message that matches. */
const shardError = (pattern: RegExp) => (error: unknown) =>
  (error instanceof ShardError || error instanceof ResultsFileError) && pattern.test(error.message);

test('--shard auto: SLURM array task ids, offset by SLURM_ARRAY_TASK_MIN and divided by the step', () => {
  const slurm = (id: number, count: number, min?: number, step?: number) => ({
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_COUNT: String(count),
    ...(min !== undefined ? { SLURM_ARRAY_TASK_MIN: String(min) } : {}),
    ...(step !== undefined ? { SLURM_ARRAY_TASK_STEP: String(step) } : {}),
  });
  assert.deepEqual(shardFromEnvironment(slurm(0, 4, 0)), { index: 0, count: 4 });
  assert.deepEqual(shardFromEnvironment(slurm(3, 4, 0)), { index: 3, count: 4 });
  assert.deepEqual(shardFromEnvironment(slurm(8, 8, 1)), { index: 7, count: 8 }, '--array=1-8');
  assert.deepEqual(shardFromEnvironment(slurm(14, 8, 0, 2)), { index: 7, count: 8 }, '--array=0-14:2');
  assert.deepEqual(shardFromEnvironment(slurm(2, 4)), { index: 2, count: 4 }, 'no MIN means 0');
  assert.deepEqual(shardFromEnvironment(slurm(1, 4, 0), 4), { index: 1, count: 4 }, '--shards agrees');
  assert.throws(() => shardFromEnvironment(slurm(1, 4, 0), 3), shardError(/--shards 3 but the SLURM array has 4/));
  assert.throws(() => shardFromEnvironment(slurm(4, 4, 0)), shardError(/not one of 4 evenly spaced tasks/));
  assert.throws(() => shardFromEnvironment(slurm(3, 4, 0, 2)), shardError(/step 2/));
  assert.throws(() => shardFromEnvironment(slurm(0, 4, 1)), shardError(/not one of 4/));
  assert.throws(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' }), shardError(/SLURM_ARRAY_TASK_COUNT is not/));
  assert.throws(
    () => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' }),
    shardError(/SLURM_ARRAY_TASK_ID is not a non-negative integer/),
  );
  // A plain SLURM job (no array) is no shard source: SLURM_JOB_ID alone is ignored.
  assert.throws(() => shardFromEnvironment({ SLURM_JOB_ID: '17' }), shardError(/found no scheduler/));
});

test('--shard auto: Kubernetes Indexed Jobs give the index, --shards the count', () => {
  assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, 5), { index: 2, count: 5 });
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }), shardError(/needs --shards N/));
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '5' }, 5), shardError(/not below --shards 5/));
  assert.throws(() => shardFromEnvironment({}), shardError(/SLURM job array .* Kubernetes Indexed Job/));
  // SLURM wins when both are set (a SLURM job launched from a pod template is still a SLURM task).
  assert.deepEqual(
    shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }, 2),
    { index: 1, count: 2 },
  );
});

/** Parts of the sample run written by the CLI into `dir` (n shards, `indices` of them). */
function writeParts(dir: string, count: number, indices: readonly number[], extra: readonly string[] = []): void {
  mkdirSync(dir, { recursive: true });
  for (const index of indices) {
    const run = seglens(
      ['eval', PREDICTIONS, '--labels', LABELS, '--shard', 'auto', '--out', dir, '--workers', '0', ...extra],
      { SLURM_ARRAY_TASK_ID: String(index), SLURM_ARRAY_TASK_COUNT: String(count), SLURM_ARRAY_TASK_MIN: '0' },
    );
    assert.equal(run.status, 0, run.stderr);
  }
}

test('--out DIR: each shard writes part-<i>-of-<n>.jsonl and nothing else; merge DIR adds them up', async () => {
  const dir = join(root, 'whole');
  writeParts(dir, 3, [0, 1, 2]);
  assert.deepEqual(readdirSync(dir).sort(), ['part-0-of-3.jsonl', 'part-1-of-3.jsonl', 'part-2-of-3.jsonl']);
  const merged = await readShards([dir]);
  assert.equal(merged.records.length, 12);
  assert.equal(merged.count, 3);
  // A rerun shard replaces its part whole.
  const before = readFileSync(join(dir, 'part-1-of-3.jsonl'), 'utf8');
  writeParts(dir, 3, [1]);
  assert.equal(readFileSync(join(dir, 'part-1-of-3.jsonl'), 'utf8').split('\n').length, before.split('\n').length);
  assert.equal(readdirSync(dir).length, 3, 'no temporary file left behind');
});

test('issue 18: three SLURM tasks given --shard auto --out results/run (no such path) write three parts there', () => {
  const cwd = join(root, 'issue18');
  mkdirSync(cwd);
  const task = (index: number, extra: readonly string[] = []) =>
    spawnSync(
      process.execPath,
      [
        CLI,
        'eval',
        PREDICTIONS,
        '--labels',
        LABELS,
        '--shard',
        'auto',
        '--out',
        'results/run',
        '--workers',
        '0',
        ...extra,
      ],
      {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          SLURM_ARRAY_TASK_ID: String(index),
          SLURM_ARRAY_TASK_COUNT: '3',
          SLURM_ARRAY_TASK_MIN: '0',
        },
      },
    );
  const outputs = [0, 1, 2].map((index) => task(index));
  outputs.forEach((run, index) => {
    assert.equal(run.status, 0, run.stderr);
    // The sample has 12 pairs: round robin gives each of 3 shards 4 of them.
    assert.match(run.stdout, new RegExp(`^shard ${index}/3: 4 of 12 pairs\n`));
  });
  const run = join(cwd, 'results', 'run');
  assert.deepEqual(readdirSync(run).sort(), ['part-0-of-3.jsonl', 'part-1-of-3.jsonl', 'part-2-of-3.jsonl']);
  const merged = seglens(['merge', run, '--json']);
  assert.equal(merged.status, 0, merged.stderr);
  assert.equal((JSON.parse(merged.stdout) as { images: unknown[] }).images.length, 12);
  const text = seglens(['merge', run]);
  assert.match(text.stdout, /^merged 3 parts of run [0-9a-f]{16}\n/);
  assert.match(text.stdout, /Dataset: 12 images/);

  // Fewer parts than the run has: refused with the missing indexes, given files or a folder.
  const part = (index: number): string => join(run, `part-${index}-of-3.jsonl`);
  const files = seglens(['merge', part(0), part(2)]);
  assert.equal(files.status, 1);
  assert.match(files.stderr, /the 2 part files given: missing shard 1 of 3 \(part-1-of-3\.jsonl\)/);
  const one = seglens(['merge', part(1), '--json']);
  assert.equal(one.status, 1);
  assert.match(one.stderr, /missing shards 0, 2 of 3/);
  assert.equal(one.stdout, '', 'nothing printed as if it were the dataset');
  const partial = join(cwd, 'partial');
  mkdirSync(partial);
  copyFileSync(part(2), join(partial, 'part-2-of-3.jsonl'));
  const folder = seglens(['merge', partial]);
  assert.equal(folder.status, 1);
  assert.match(folder.stderr, /partial: missing shards 0, 1 of 3 \(part-0-of-3\.jsonl, part-1-of-3\.jsonl\)/);
});

test('a part never replaces a part of another index, nor a file that is not SegLens results', () => {
  const dir = join(root, 'guard');
  writeParts(dir, 2, [0]);
  const part0 = join(dir, 'part-0-of-2.jsonl');
  const before = readFileSync(part0, 'utf8');
  const other = seglens(['eval', PREDICTIONS, '--labels', LABELS, '--shard', '1/2', '--out', part0, '--workers', '0']);
  assert.equal(other.status, 1);
  assert.match(
    other.stderr,
    /part-0-of-2\.jsonl holds shard 0\/2, not 1\/2: a part never replaces another shard's part/,
  );
  assert.equal(readFileSync(part0, 'utf8'), before);
  // The same shard run again replaces its own part (a rerun after a failure).
  const same = seglens(['eval', PREDICTIONS, '--labels', LABELS, '--shard', '0/2', '--out', part0, '--workers', '0']);
  assert.equal(same.status, 0, same.stderr);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'my notes');
  writeParts(dir, 2, [1]);
  for (const args of [
    ['eval', PREDICTIONS, '--labels', LABELS, '--shard', '0/2', '--out', notes, '--workers', '0'],
    ['eval', PREDICTIONS, '--labels', LABELS, '--out', notes, '--workers', '0'],
    ['merge', dir, '--out', notes],
  ]) {
    const refusedRun = seglens(args);
    assert.equal(refusedRun.status, 1, args.join(' '));
    assert.match(refusedRun.stderr, /notes\.txt exists and is not a SegLens results file: not overwritten/);
  }
  assert.equal(readFileSync(notes, 'utf8'), 'my notes');
});

test('merge DIR names missing shards by index', async () => {
  const dir = join(root, 'missing');
  writeParts(dir, 4, [0, 2]);
  await assert.rejects(
    readShards([dir]),
    shardError(/missing shards 1, 3 of 4 \(part-1-of-4\.jsonl, part-3-of-4\.jsonl\)/),
  );
  const cli = seglens(['merge', dir]);
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /missing shards 1, 3 of 4/);
});

test('merge DIR refuses parts of different runs: other options, or another shard count', async () => {
  const options = join(root, 'mixed-options');
  writeParts(options, 2, [0]);
  writeParts(options, 2, [1], ['--hard-eps', '0.01']);
  await assert.rejects(readShards([options]), shardError(/holds parts of 2 different runs .*parts 0.*parts 1/));
  const counts = join(root, 'mixed-counts');
  writeParts(counts, 2, [0, 1]);
  writeParts(counts, 3, [2]);
  await assert.rejects(
    readShards([counts]),
    shardError(/2 different runs .* in 2 shards: parts 0, 1; .* in 3 shards: parts 2/),
  );
  const cli = seglens(['merge', counts]);
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /different runs/);
});

test('merge refuses a part given twice, a renamed part, a corrupt part and one cut short', async () => {
  const dir = join(root, 'bad');
  writeParts(dir, 2, [0, 1]);
  const part0 = join(dir, 'part-0-of-2.jsonl');
  const twice = seglens(['merge', part0, part0]);
  assert.equal(twice.status, 1);
  assert.match(twice.stderr, /shard 0\/2 given twice/);

  const renamed = join(root, 'renamed');
  mkdirSync(renamed);
  copyFileSync(part0, join(renamed, 'part-0-of-2.jsonl'));
  copyFileSync(part0, join(renamed, 'part-1-of-2.jsonl'));
  await assert.rejects(readShards([renamed]), shardError(/holds shard 0\/2, not 1\/2/));

  const text = readFileSync(part0, 'utf8');
  const lines = text.trimEnd().split('\n');
  writeFileSync(part0, `${lines.slice(0, 2).join('\n')}\n{"type":"image","rec`);
  await assert.rejects(readShards([dir]), shardError(/part-0-of-2\.jsonl:3: not a JSON line/));
  writeFileSync(part0, `${lines.slice(0, -1).join('\n')}\n`);
  await assert.rejects(readShards([dir]), shardError(/cut short \(no end line\); run shard 0\/2 again/));
  writeFileSync(part0, `${lines.slice(0, 1).join('\n')}\n${lines.slice(2).join('\n')}\n`);
  await assert.rejects(readShards([dir]), shardError(/the end line counts \d+ images/));
  writeFileSync(part0, '{"type":"image","record":{}}\n');
  await assert.rejects(readShards([dir]), shardError(/part-0-of-2\.jsonl:1: header\.type: expected "header"/));
  await assert.rejects(readShards([join(root, 'nowhere')]), shardError(/nowhere: cannot read \(ENOENT\)/));
  mkdirSync(join(root, 'empty'));
  await assert.rejects(readShards([join(root, 'empty')]), shardError(/no part-<i>-of-<n>\.jsonl files/));
});

test('eval --shard auto without a scheduler fails with the reason; --shards must agree with --shard i/n', () => {
  const none = seglens(['eval', PREDICTIONS, '--labels', LABELS, '--shard', 'auto', '--out', join(root, 'none')], {
    SLURM_ARRAY_TASK_ID: '',
    JOB_COMPLETION_INDEX: '',
  });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /--shard auto found no scheduler/);
  const disagree = seglens([
    'eval',
    PREDICTIONS,
    '--labels',
    LABELS,
    '--shard',
    '0/2',
    '--shards',
    '3',
    '--out',
    join(root, 'x'),
  ]);
  assert.equal(disagree.status, 1);
  assert.match(disagree.stderr, /--shard 0\/2 but --shards 3/);
  const k8s = seglens(
    [
      'eval',
      PREDICTIONS,
      '--labels',
      LABELS,
      '--shard',
      'auto',
      '--shards',
      '3',
      '--out',
      `${join(root, 'k8s')}/`,
      '--workers',
      '0',
    ],
    { JOB_COMPLETION_INDEX: '2', SLURM_ARRAY_TASK_ID: '' },
  );
  assert.equal(k8s.status, 0, k8s.stderr);
  assert.deepEqual(readdirSync(join(root, 'k8s')), ['part-2-of-3.jsonl']);
  const unwritable = seglens(['eval', PREDICTIONS, '--labels', LABELS, '--out', join(root, 'no', 'such', 'x.jsonl')]);
  assert.equal(unwritable.status, 1);
  assert.match(unwritable.stderr, /cannot write .*x\.jsonl \(ENOENT\)/);
});

test('seglens slurm writes an array script and a merge script with the eval options passed on', () => {
  const scripts = slurmScripts({
    predictionsDir: '/data/pred',
    labelsDir: '/data/gt dir',
    out: '/scratch/run',
    shards: 4,
    evalArgs: ['--classes', '19', '--color-table', "it's.json"],
    node: '/usr/bin/node',
    cli: '/opt/seglens/dist/cli.js',
    partition: 'gpu',
    time: '30:00',
    workdir: '/home/me',
  });
  assert.match(scripts.eval, /^#SBATCH --chdir=\/home\/me$/m);
  assert.match(scripts.eval, /^#SBATCH --array=0-3$/m);
  assert.match(scripts.eval, /^#SBATCH --partition=gpu$/m);
  assert.match(scripts.eval, /^#SBATCH --time=30:00$/m);
  assert.match(scripts.eval, /^#SBATCH --output=\/scratch\/run\/logs\/eval-%A_%a\.log$/m);
  assert.ok(
    scripts.eval.includes(
      `exec /usr/bin/node /opt/seglens/dist/cli.js eval /data/pred --labels '/data/gt dir' --classes 19 --color-table 'it'\\''s.json' --shard auto --shards 4 --out /scratch/run`,
    ),
    scripts.eval,
  );
  assert.doesNotMatch(scripts.merge, /--array/);
  assert.match(
    scripts.merge,
    /merge \/scratch\/run --out \/scratch\/run\/merged\.jsonl .*--json > \/scratch\/run\/\.merged\.json\.tmp/,
  );
  assert.match(scripts.merge, /^mv \/scratch\/run\/\.merged\.json\.tmp \/scratch\/run\/merged\.json$/m);
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(parseSbatchId('1234\n'), '1234');
  assert.equal(parseSbatchId('1234;cluster\n'), '1234');
  assert.throws(() => parseSbatchId('sbatch: error'), /no job id/);
});

test('seglens slurm without --submit writes the scripts, refuses an --out holding an earlier run', () => {
  const out = join(root, 'slurm-out');
  const first = seglens(['slurm', PREDICTIONS, '--labels', LABELS, '--shards', '2', '--out', out, '--classes', '21']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /sbatch --dependency=afterok:/);
  assert.match(readFileSync(join(out, 'seglens-eval.sbatch'), 'utf8'), /--classes 21 --shard auto --shards 2/);
  writeParts(out, 2, [0]);
  const again = seglens(['slurm', PREDICTIONS, '--labels', LABELS, '--shards', '2', '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already holds part-0-of-2\.jsonl/);
  const usage = seglens(['slurm', PREDICTIONS, '--labels', LABELS, '--out', out]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /slurm needs --shards N/);
});
