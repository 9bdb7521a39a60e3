// Runs every compiled *.test.js under out/test with node's test runner (Node 20 has no --test globs).
import { spawn } from 'node:child_process';
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
// The report is passed through as it comes and read as well, to say at the end what was skipped and why.
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
  cwd: root,
  env: { ...process.env, TMPDIR: scratch },
});
let report = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  report += chunk.toString('utf8');
});
const status = await new Promise((done) => child.on('close', (code) => done(code ?? 1)));
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(skippedSummary(report));
process.exit(status);

/** `skipped N` and, per reason, how many tests it skipped (the spec reporter prints `﹣ name (…) # reason`). */
function skippedSummary(text) {
  const count = /^ℹ skipped (\d+)$/m.exec(text);
  if (count === null) return '';
  const byReason = new Map();
  const seen = new Set();
  for (const [, name, reason] of text.matchAll(/^\s*﹣ (.*) \([\d.]+m?s\) # (.*)$/gm)) {
    if (seen.has(name)) continue;
    seen.add(name);
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const reasons = [...byReason].map(([reason, n]) => `\n  ${n} × ${reason}`).join('');
  return `\nskipped ${count[1]}${reasons}\n`;
}
