import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeIndexPng } from '../../src/core/io/pngChunks';
import { generateScene } from '../../src/core/synthetic/scenes';
import { REPO_ROOT } from '../helpers/golden';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'seglens-temp-folders-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** `count` pairs of 16×12 grey PNGs. */
function folder(name: string, count: number): { predictions: string; labels: string } {
  const predictions = join(root, name, 'predictions');
  const labels = join(root, name, 'labels');
  mkdirSync(predictions, { recursive: true });
  mkdirSync(labels, { recursive: true });
  for (let i = 0; i < count; i++) {
    const { label, prediction } = generateScene(i % 50, {
      width: 16,
      height: 12,
      numClasses: 21,
      ignoreIndex: 255,
      voidBand: 1,
    });
    const file = `img_${String(i).padStart(5, '0')}.png`;
    writeFileSync(join(labels, file), encodeIndexPng(16, 12, label, { kind: 'gray', bitDepth: 8 }));
    writeFileSync(join(predictions, file), encodeIndexPng(16, 12, prediction, { kind: 'gray', bitDepth: 8 }));
  }
  return { predictions, labels };
}

const big = folder('big', 3000);
const small = folder('small', 3);

/** The CLI's own temporary folders in `tmp` (its TMPDIR). */
const sortFolders = (tmp: string): string[] => readdirSync(tmp).filter((name) => name.startsWith('seglens-sort-'));

/**
 * eval of the big folder with `--json` and `--out`, every external sort spilling after 2 items (so the
 * folder walk, the pairing and the report each make a temporary folder), in its own TMPDIR.
 */
function startRun(tmp: string, out: string): ChildProcess {
  const args = [CLI, 'eval', big.predictions, '--labels', big.labels, '--workers', '1', '--json', '--out', out];
  return spawn(process.execPath, args, {
    env: { ...process.env, TMPDIR: tmp, SEGLENS_SORT_CHUNK: '2' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

/** Polls every 2 ms until `ready` holds; fails if the run ends first or after a minute. */
async function until(ready: () => boolean, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    assert.equal(child.exitCode, null, `the run ended before ${what}`);
    assert.ok(Date.now() < deadline, `no ${what} within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The results file's hidden temporary file: it exists from the end of the pairing to the end of the run. */
const resultsTemp = (out: string, pid: number): string => join(root, `.${out.split('/').pop()!}.${pid}.tmp`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while the folders are walked and paired: the run's temporary folders are removed, exit 128 + signal`, async () => {
    const tmp = mkdtempSync(join(root, `tmp-pairing-${signal}-`));
    const out = join(root, `pairing-${signal}.jsonl`);
    const child = startRun(tmp, out);
    const ended = exited(child);
    await until(() => sortFolders(tmp).length > 0, child, 'a temporary folder');
    child.kill(signal);
    const { code, stderr } = await ended;
    // 128 + the signal: the process ended outside a run that listens for stop signals (the evaluation
    // would have stopped itself and exited with 1), so the folders were removed by the signal handler.
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, stderr);
    assert.deepEqual(sortFolders(tmp), []);
    assert.ok(!existsSync(out), 'no results file');
  });
}

test('SIGTERM while images are evaluated: the run stops, its temporary folders and half results file are removed', async () => {
  const tmp = mkdtempSync(join(root, 'tmp-eval-'));
  const out = join(root, 'eval.jsonl');
  const child = startRun(tmp, out);
  const ended = exited(child);
  const temp = resultsTemp(out, child.pid!);
  await until(() => existsSync(temp) && sortFolders(tmp).length > 0, child, 'the evaluation with a spilled sort');
  child.kill('SIGTERM');
  const { code, stderr } = await ended;
  assert.equal(code, 1, stderr);
  assert.match(stderr, /interrupted/);
  assert.deepEqual(sortFolders(tmp), []);
  assert.ok(!existsSync(out) && !existsSync(temp), 'no results file, whole or half');
});

test("a killed run's folder is removed by the next run; live processes' folders and other names are left", async () => {
  const tmp = mkdtempSync(join(root, 'tmp-killed-'));
  const out = join(root, 'killed.jsonl');
  const child = startRun(tmp, out);
  const ended = exited(child);
  // Killed while images are evaluated, whose sort keeps its folder to the run's end: the pairing's sort
  // folders come and go, and one seen a moment before the kill may already be gone when it lands.
  const temp = resultsTemp(out, child.pid!);
  await until(() => existsSync(temp) && sortFolders(tmp).length > 0, child, 'the evaluation with a spilled sort');
  child.kill('SIGKILL');
  assert.equal((await ended).signal, 'SIGKILL');
  const left = sortFolders(tmp);
  assert.ok(left.length > 0, 'SIGKILL cannot be caught: its folders stay');
  assert.ok(
    left.every((name) => name.startsWith(`seglens-sort-${child.pid}-`)),
    `named after the killed run: ${left.join(', ')}`,
  );

  // Folders the next run must leave: this (live) test process's, a live child's, an older name without a
  // pid, another program's. Each holds a file, to show nothing inside was touched either.
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const kept = [
      `seglens-sort-${process.pid}-aaaaaa`,
      `seglens-sort-${sleeper.pid}-bbbbbb`,
      'seglens-sort-cccccc',
      `other-${child.pid}-dddddd`,
    ];
    for (const name of kept) {
      mkdirSync(join(tmp, name));
      writeFileSync(join(tmp, name, 'run-0.jsonl'), '{}\n');
    }
    const next = spawnSync(process.execPath, [CLI, 'eval', small.predictions, '--labels', small.labels], {
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
    });
    assert.equal(next.status, 0, next.stderr);
    assert.deepEqual(readdirSync(tmp).sort(), [...kept].sort());
    for (const name of kept) assert.ok(existsSync(join(tmp, name, 'run-0.jsonl')), `${name} untouched`);
  } finally {
    sleeper.kill();
  }
});
