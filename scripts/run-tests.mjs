// Runs every compiled *.test.js under out/test with node's test runner (Node 20 has no --test globs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const testRoot = join(root, 'out', 'test');
const only = process.argv.slice(2);

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'e2e' ? [] : findTests(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const files = findTests(testRoot)
  .filter((file) => only.length === 0 || only.some((word) => relative(testRoot, file).includes(word)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under out/test (did the build run?)');
  process.exit(1);
}
// The tests make scratch folders with mkdtemp(os.tmpdir()); one folder per run, removed at the end,
// keeps them from piling up in /tmp however a test ends.
const scratch = mkdtempSync(join(tmpdir(), 'seglens-tests-'));
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, TMPDIR: scratch },
});
rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);
