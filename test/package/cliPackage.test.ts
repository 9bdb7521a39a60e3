/**
 * The CLI as a user installs it away from this repository: `npm pack` builds the tarball, `npm install -g`
 * puts it into an empty prefix, and the installed `seglens` evaluates a copy of the sample data from a
 * folder outside the checkout.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../helpers/golden';

const scratch = mkdtempSync(join(tmpdir(), 'seglens-cli-package-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // An empty npm cache and no project settings: what a new machine has. The registry is left as set.
    env: { ...process.env, npm_config_cache: join(scratch, 'npm-cache'), npm_config_prefix: '', ...env },
    maxBuffer: 1 << 26,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('npm pack makes a tarball that npm install -g installs into an empty prefix, and its seglens evaluates the samples', () => {
  const packed = run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch, '--json'], REPO_ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(info, 'npm pack reports its tarball');
  const files = info.files.map((file) => file.path).sort();
  // Every thread's bundle the CLI starts: the evaluation's, the pairing's and the merge's.
  const threads = ['dist/cli.js', 'dist/worker.js', 'dist/pairingWorker.js', 'dist/mergeWorker.js'];
  for (const needed of ['bin/seglens.js', ...threads, 'package.json']) {
    assert.ok(files.includes(needed), `${needed} is in the tarball`);
  }
  assert.deepEqual(
    files.filter((file) => /^(src|test|samples)\//.test(file)),
    [],
    'no sources, tests or samples',
  );

  const prefix = join(scratch, 'prefix');
  const installed = run(
    'npm',
    ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(scratch, info.filename)],
    scratch,
  );
  assert.equal(installed.status, 0, installed.stderr);
  const seglens = join(prefix, 'bin', 'seglens');

  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const installedManifest = JSON.parse(
    readFileSync(join(prefix, 'lib', 'node_modules', 'seglens', 'package.json'), 'utf8'),
  ) as { version: string };
  assert.equal(installedManifest.version, version);
  const printed = run(seglens, ['--version'], scratch);
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal(printed.stdout.trim(), `seglens ${version}`);

  const data = join(scratch, 'voc-mini');
  cpSync(join(REPO_ROOT, 'samples', 'voc-mini'), data, { recursive: true });
  const evaluated = run(
    seglens,
    ['eval', join(data, 'predictions'), '--labels', join(data, 'SegmentationClass'), '--json'],
    scratch,
  );
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout) as { images: unknown[]; dataset: { miou: number } };
  assert.equal(report.images.length, readdirSync(join(data, 'predictions')).length);
  assert.ok(report.dataset.miou > 0 && report.dataset.miou <= 1);

  // Two shards, merged on the merge's threads (parts read 1 KB at a time: a part's first chunk is read on
  // the main thread, the rest go to the threads): the same images as the whole run.
  const parts = join(scratch, 'parts');
  for (const shard of ['0/2', '1/2']) {
    const args = ['eval', join(data, 'predictions'), '--labels', join(data, 'SegmentationClass')];
    const part = run(seglens, [...args, '--shard', shard, '--out', `${parts}/`], scratch);
    assert.equal(part.status, 0, part.stderr);
  }
  const merged = run(seglens, ['merge', parts, '--json', '--workers', '2'], scratch, { SEGLENS_MERGE_CHUNK: '1024' });
  assert.equal(merged.status, 0, merged.stderr);
  const names = (images: unknown[]): string[] => images.map((image) => (image as { name: string }).name).sort();
  const mergedReport = JSON.parse(merged.stdout) as { images: unknown[] };
  assert.deepEqual(names(mergedReport.images), names(report.images));
});
