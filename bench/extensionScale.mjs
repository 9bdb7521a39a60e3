// The extension at scale (issue 23): extension-host RSS before, at the peak of and after a run of N tiny
// generated pairs (64x48, 21 classes) in a real VS Code (code-server, the e2e tooling: .ci/e2e.sh with
// E2E_SCALE=N runs test/e2e/extensionScale.e2e.test.ts instead of the scenarios), and the response times
// of sorting and filtering the view, opening an image and the dataset panel (matrix drawn, a confusion's
// images listed), measured in the workbench from the click to the answer shown, while the run goes on and
// after it. Budgets: RSS <= 600 MB, each response <= 200 ms at the 95th percentile.
//   node bench/extensionScale.mjs [--count N]     (default 100000; needs `npm run build` and the e2e tools)
// Also run by `node bench/run.mjs --extension-scale`, which writes bench/results/extension-scale.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EXTENSION_RSS_BUDGET_MB = 600;
export const RESPONSE_BUDGET_MS = 200;

/** Runs the bench scenario; its figures, with the load average at start and end. */
export function measureExtensionScale({ count = 100_000 } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'seglens-extscale-'));
  const out = join(tmp, 'scale.json');
  const loadAtStart = loadavg()[0];
  try {
    const run = spawnSync('bash', [join(root, '.ci', 'e2e.sh'), '--no-build'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TMPDIR: tmp, E2E_SCALE: String(count), E2E_SCALE_OUT: out },
    });
    if (run.status !== 0) throw new Error(`.ci/e2e.sh with E2E_SCALE=${count} exited with ${run.status}`);
    return { ...JSON.parse(readFileSync(out, 'utf8')), loadAtStart, loadAtEnd: loadavg()[0] };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** Markdown rows of the figures. */
export function extensionScaleTable(r) {
  const memory = [
    `Extension host at ${r.pairs} pairs (${r.summary}), run ${fmt(r.runSeconds, 0)} s; load average ${fmt(r.loadAtStart, 1)} at start, ${fmt(r.loadAtEnd, 1)} at end.`,
    '',
    '| Extension-host RSS (MB) | Before | Peak (sampled) | Peak (VmHWM) | After the run | After the responses | Budget |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| | ${fmt(r.rssMb.before)} | ${fmt(r.rssMb.peakSampled)} | ${fmt(r.rssMb.peakKernel)} | ${fmt(r.rssMb.afterRun)} | ${fmt(r.rssMb.afterResponses)} | ${EXTENSION_RSS_BUDGET_MB} |`,
    '',
    `| Response (ms, click to answer shown) | p95 during the run | max | p95 after | max | Budget p95 |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  const names = {
    sort: 'Sort the view (quick pick → first row re-sorted)',
    filter: 'Filter the view by class (quick pick → filter shown)',
    openImage: 'Open an image, the inspector open (row click → inspector names it)',
    openImageCold: 'Open an image, the inspector closed (a new webview)',
    datasetPanel: 'Dataset panel (Enter → matrix drawn, a new webview)',
    datasetCell: "Dataset panel: a confusion's images listed",
  };
  for (const [key, label] of Object.entries(names))
    memory.push(
      `| ${label} | ${fmt(r.during[key].p95)} | ${fmt(r.during[key].max)} | ${fmt(r.after[key].p95)} | ${fmt(r.after[key].max)} | ${RESPONSE_BUDGET_MS} |`,
    );
  if (Array.isArray(r.rssTimeline) && r.rssTimeline.length > 0) {
    // About 20 points: seconds from the run's start and RSS then.
    const every = Math.max(1, Math.ceil(r.rssTimeline.length / 20));
    const points = r.rssTimeline.filter((_, i) => i % every === 0).map(([s, mb]) => `${s} s: ${mb}`);
    memory.push('', `RSS over time (MB; the run ended at ${fmt(r.runEndedAt)} s): ${points.join(', ')}.`);
  }
  if (!r.measuredDuringRunWhileRunning)
    memory.push('', 'The run ended before the "during" rounds did: some of them were measured after it.');
  return memory;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--count');
  const count = at > 0 ? Number(process.argv[at + 1]) : 100_000;
  const r = measureExtensionScale({ count });
  process.stdout.write(`${extensionScaleTable(r).join('\n')}\n`);
}
