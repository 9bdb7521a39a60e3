// Run by .ci/slurm.sh on the one-node cluster it starts (not part of `npm test`: it needs the daemons).
// `seglens slurm … --submit` runs a 4-task array over the sample data and a dependent merge job; the
// merged result must equal one local run exactly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImageRecord } from '../../src/core/evaluate/record';
import type { JsonReport } from '../../src/core/report/jsonReport';
import type { ResultsLine as ShardLine } from '../../src/core/report/resultsFile';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const PREDICTIONS = join(REPO_ROOT, 'samples', 'voc-mini', 'predictions');
const LABELS = join(REPO_ROOT, 'samples', 'voc-mini', 'SegmentationClass');
const SHARDS = 4;
const WAIT_MS = 180_000;

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

function readLines(file: string): ShardLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ShardLine);
}

const records = (file: string): ImageRecord[] =>
  readLines(file)
    .flatMap((line) => (line.type === 'image' ? [line.record] : []))
    .sort((a, b) => a.name.localeCompare(b.name));

const byName = <T extends { name: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => a.name.localeCompare(b.name));

/** Waits until neither job is in the queue; accounting is off on this cluster, so squeue, then scontrol. */
async function waitForJobs(ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let queued = '';
  while (Date.now() < deadline) {
    queued = run('squeue', ['-h', '-j', ids.join(','), '-o', '%i %T %r']).trim();
    if (queued === '') return;
    await new Promise((done) => setTimeout(done, 500));
  }
  assert.fail(`jobs ${ids.join(', ')} still queued after ${WAIT_MS / 1000} s:\n${queued}`);
}

/** `JobState=…` of every task of a job (an array job shows one block per task). */
function jobStates(id: string): string[] {
  const text = run('scontrol', ['show', 'job', id]);
  return [...text.matchAll(/JobState=(\S+)/g)].map((match) => match[1]!);
}

function logs(dir: string): string {
  const logDir = join(dir, 'logs');
  if (!existsSync(logDir)) return '(no logs folder)';
  return readdirSync(logDir)
    .map((name) => `--- ${name}\n${readFileSync(join(logDir, name), 'utf8')}`)
    .join('\n');
}

test('seglens slurm --submit: a 4-task array and its merge job equal one local run exactly', async () => {
  const work = process.env.SEGLENS_SLURM_WORK;
  assert.ok(work, 'SEGLENS_SLURM_WORK is not set: run this through bash .ci/slurm.sh');
  const localParts = join(work, 'local.jsonl');
  const local = JSON.parse(
    run(process.execPath, [CLI, 'eval', PREDICTIONS, '--labels', LABELS, '--json', '--out', localParts]),
  ) as JsonReport;

  const out = join(work, 'cluster');
  const started = Date.now();
  const submitted = run(process.execPath, [
    CLI,
    'slurm',
    PREDICTIONS,
    '--labels',
    LABELS,
    '--shards',
    String(SHARDS),
    '--time',
    '5:00',
    '--out',
    out,
    '--submit',
  ]);
  const ids = /array job (\d+) .* merge job (\d+)/.exec(submitted);
  assert.ok(ids, `no job ids in: ${submitted}`);
  const [, arrayId, mergeId] = ids as unknown as [string, string, string];
  await waitForJobs([arrayId, mergeId]);
  console.log(`# array ${arrayId} and merge ${mergeId} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const arrayStates = jobStates(arrayId);
  assert.deepEqual(
    arrayStates,
    Array(SHARDS).fill('COMPLETED'),
    `array tasks: ${arrayStates.join(', ')}\n${logs(out)}`,
  );
  assert.deepEqual(jobStates(mergeId), ['COMPLETED'], `merge job\n${logs(out)}`);

  for (let i = 0; i < SHARDS; i++) {
    const part = readLines(join(out, `part-${i}-of-${SHARDS}.jsonl`));
    assert.equal(part.filter((line) => line.type === 'image').length, 3, `shard ${i} holds 3 of the 12 images`);
  }
  const merged = JSON.parse(readFileSync(join(out, 'merged.json'), 'utf8')) as JsonReport;
  assert.equal(local.images.length, 12);
  assert.deepEqual(merged.dataset.confusion, local.dataset.confusion, 'identical confusion matrix');
  // The dataset means sum per-image losses in name order whatever the arrival order: exact, no tolerance.
  assert.deepEqual(merged.dataset, local.dataset);
  assert.deepEqual(byName(merged.images), byName(local.images));
  assert.deepEqual(merged.skipped, local.skipped);
  assert.deepEqual(merged.ignored, local.ignored);
  assert.equal(merged.backend, local.backend);

  // The full records (per-image confusion matrices included) and the run hash agree too.
  assert.deepEqual(records(join(out, 'merged.jsonl')), records(localParts));
  const header = (file: string) => readLines(file)[0];
  assert.equal(
    (header(join(out, 'merged.jsonl')) as { run?: string }).run,
    (header(localParts) as { run?: string }).run,
  );
});
