// The README's test command after install: unit, property, reader, CLI and webview tests (node's test
// runner), the SLURM test on a one-node cluster, then the end-to-end test in a real VS Code; ends with one
// line that sums them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(new URL('.', import.meta.url).pathname, '..');
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  });
  process.stdout.write(result.stdout ?? '');
  const pass = /^ℹ pass (\d+)$/m.exec(result.stdout ?? '');
  const fail = /^ℹ fail (\d+)$/m.exec(result.stdout ?? '');
  totals.passed += pass ? Number(pass[1]) : 0;
  totals.failed += fail ? Number(fail[1]) : 0;
  const skipped = /^ℹ skipped (\d+)$/m.exec(result.stdout ?? '');
  totals.skipped += skipped ? Number(skipped[1]) : 0;
  if (result.status !== 0 && !(fail && Number(fail[1]) > 0)) totals.failed += 1; // a crash before any summary
  return result.status === 0;
}

let ok = run('unit and integration tests', 'npm', ['test']);
// A real one-node SLURM cluster (installed and started by the script, stopped at the end): root only.
if (process.getuid?.() === 0) ok = run('SLURM cluster', 'bash', [join(root, '.ci', 'slurm.sh')]) && ok;
else console.log('\n=== SLURM cluster: not run (needs root to install and start the daemons; CI runs it)');
if (existsSync(join(root, '.ci', 'e2e.sh')))
  ok = run('end-to-end in VS Code', 'bash', [join(root, '.ci', 'e2e.sh'), '--no-build']) && ok;
console.log(`\nall: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
