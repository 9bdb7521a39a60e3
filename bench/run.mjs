// SegLens benchmark: `npm run bench` (= npm run build && node bench/run.mjs).
// Generates its datasets once into .bench-data/ (or $SEGLENS_BENCH_DATA) with the deterministic scene
// generator, checks that the numpy baseline agrees with the engine, then times the engine and every
// baseline in this same run on this machine and prints ratios. Writes bench/results/latest.md.
//   node bench/run.mjs [--quick] [--data-only] [--torch] [--no-torch-venv] [--rounds N]
//     --quick: small datasets, for checking the bench itself (numbers not meaningful)
//     --data-only: generate the datasets and stop;  --torch: apt-get install Debian's python3-torch if missing
//     PyTorch: the newest one pip installs on this machine (its configured wheel folders and indexes), in a
//       venv outside the repo ($SEGLENS_TORCH_VENV, default ~/.cache/seglens-bench/torch-venv), made on the
//       first run; else Debian's python3-torch when installed. --no-torch-venv: Debian's only.
//     --rounds N: repeat the engine / numpy / decode comparison and the engine / PyTorch one N times interleaved
//       and keep the fastest of each
//       (default 1, to stay within 10 minutes; use 2-3 on a shared or noisy machine)
//     --loss-only: only the loss-variant rows (uniform v1 vs --loss paper, Gaussian pooling) on the VOC-like
//       and soft folders; writes bench/results/loss-variants.md
//     --ui-only: only the three webview budgets in Chromium (issue 20): the dataset panel at 171 classes
//       (bench/datasetPanel.mjs), the inspector's first paint of a 2048x1024 frame (bench/inspectorPaint.mjs)
//       and the gallery's scroll at 100,000 images (bench/galleryScroll.mjs); writes bench/results/ui.md
//     --labels-only: only issue 22's budgets (label quality and calibration on soft predictions; agreement of
//       12 models over 1,449 images); writes bench/results/label-quality.md
//     --scale-only: only the scale rows (below) and the Cityscapes-sized per-pair cost; writes bench/results/scale.md
//       (with --data-only: generate the scale folders and the merge parts, and stop)
//     --merge-only: only the merge row (64 parts holding 1,000,000 records, from the 5,000-pair folder); writes
//       bench/results/merge.md
//     --floor-only: only the VOC-like whole eval against Pillow's decode-only time (with --rounds N); writes
//       bench/results/floor.md
//     --extension-scale [--count N] [--baseline M]: only the extension host at N generated pairs (default 100,000,
//       after a baseline of M, default 1,000, 0 for none) in
//       code-server (bench/extensionScale.mjs: RSS and response times during and after the run); writes
//       bench/results/extension-scale.md
//   Scale rows (issue 23): peak RSS and time of `seglens eval` at 5,000 generated pairs always; at 50,000 and
//   200,000 pairs and `seglens merge` of 64 parts holding 1,000,000 records only with SEGLENS_BENCH_SCALE=1 or
//   --scale-only (about 15 more minutes on 2 cores, 3 GB of disk in the data folder).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, homedir, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchDatasetPanel, DATASET_PANEL_BUDGET_MS } from './datasetPanel.mjs';
import { DEFAULT_BASELINE, extensionScaleTable, measureExtensionScale, numberArgument } from './extensionScale.mjs';
import { GALLERY_IMAGES, measureGalleryScroll } from './galleryScroll.mjs';
import { benchInspectorPaint, INSPECTOR_PAINT_BUDGET_MS } from './inspectorPaint.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const dataRoot = process.env.SEGLENS_BENCH_DATA ?? join(root, '.bench-data');
const resultsDir = join(root, 'bench', 'results');
const quick = process.argv.includes('--quick');
const lossOnly = process.argv.includes('--loss-only');
const uiOnly = process.argv.includes('--ui-only');
const extensionScaleOnly = process.argv.includes('--extension-scale');
const scaleOnly = process.argv.includes('--scale-only');
const mergeOnly = process.argv.includes('--merge-only');
const labelsOnly = process.argv.includes('--labels-only');
const SCALE = scaleOnly || mergeOnly || process.env.SEGLENS_BENCH_SCALE === '1';
const WORKERS = availableParallelism();
const PYTHON = '/usr/bin/python3'; // Debian's python, where apt installs numpy, Pillow and torch
const HAS_TIME = existsSync('/usr/bin/time');
const n = (full, small) => (quick ? small : full);
const benchStarted = performance.now();
const loadAtStart = loadavg()[0];

// ---------------------------------------------------------------------------------------------- helpers

function log(message) {
  process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

/**
 * Runs a command, timed from spawn to exit; with /usr/bin/time -v also its peak RSS (whole process, all
 * threads). `stdoutFile`: its output goes to that file instead (reports of 100 MB and more).
 */
function run(command, args, { capture = true, rss = false, stdoutFile } = {}) {
  const argv = rss && HAS_TIME ? ['/usr/bin/time', ['-v', command, ...args]] : [command, args];
  const out = stdoutFile !== undefined ? openSync(stdoutFile, 'w') : undefined;
  const started = performance.now();
  const result = spawnSync(argv[0], argv[1], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', out ?? (capture ? 'pipe' : 'inherit'), 'pipe'],
  });
  const seconds = (performance.now() - started) / 1000;
  if (out !== undefined) closeSync(out);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stderr}`);
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '');
  // CPU time of the process and its threads: steadier than wall time when other jobs share the cores.
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr ?? '');
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr ?? '');
  return {
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    seconds,
    peakRssMb: peak ? Number(peak[1]) / 1024 : null,
    cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : null,
  };
}

const lastJsonLine = (text) => JSON.parse(text.trim().split('\n').pop());

// ---------------------------------------------------------------------------------------------- setup

/**
 * The bench's two small tools, bundled like the CLI next to dist/worker.js (which evaluatePairs starts).
 * Rebuilt every run, because bench-probe bundles engine code that must match the dist/ being measured.
 * (scripts/build.mjs can list them too: src/tools/makeBenchData.ts -> make-bench-data.js, src/tools/benchProbe.ts -> bench-probe.js.)
 */
async function ensureTools() {
  const { build } = await import('esbuild');
  const tools = [
    ['src/tools/makeBenchData.ts', 'make-bench-data.js'],
    ['src/tools/benchProbe.ts', 'bench-probe.js'],
  ];
  await Promise.all(
    tools.map(([entry, out]) =>
      build({
        bundle: true,
        platform: 'node',
        target: 'node18',
        format: 'cjs',
        logLevel: 'warning',
        entryPoints: [join(root, entry)],
        outfile: join(dist, out),
        external: ['vscode', '@tensorflow/tfjs-node'],
        ignoreAnnotations: true,
      }),
    ),
  );
}

function pythonHas(modules, python = PYTHON) {
  return existsSync(python) && spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
}

const TORCH_VENV = process.env.SEGLENS_TORCH_VENV ?? join(homedir(), '.cache', 'seglens-bench', 'torch-venv');

/**
 * The python to run the PyTorch baseline with: the newest PyTorch pip can install here, in a venv outside
 * the repo (made once: `python3 -m venv`, then `pip install torch numpy pillow`, which finds whatever wheel
 * folders and indexes pip is configured with; no network index is reachable, so retries are off), else
 * Debian's python3-torch. Returns { python, how } or null when there is no PyTorch at all.
 */
function torchPython() {
  const venvPython = join(TORCH_VENV, 'bin', 'python');
  const ready = () => pythonHas('torch, numpy, PIL', venvPython);
  if (!process.argv.includes('--no-torch-venv')) {
    if (!ready()) {
      log(`making a PyTorch venv in ${TORCH_VENV} (pip install torch numpy pillow)`);
      for (const python of ['python3', '/usr/bin/python3']) {
        if (spawnSync(python, ['-m', 'venv', TORCH_VENV], { stdio: 'ignore' }).status !== 0) continue;
        const pip = spawnSync(
          join(TORCH_VENV, 'bin', 'pip'),
          ['install', '--disable-pip-version-check', '--retries', '0', '--timeout', '5', 'torch', 'numpy', 'pillow'],
          { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
        );
        if (pip.status === 0) break;
        log(`pip could not install torch with ${python}: ${(pip.stderr ?? '').trim().split('\n').pop()}`);
      }
    }
    if (ready()) return { python: venvPython, how: `pip wheel in ${TORCH_VENV}` };
  }
  if (pythonHas('torch')) return { python: PYTHON, how: "Debian's python3-torch" };
  return null;
}

/** numpy and Pillow come from Debian (PyPI is not reachable here); torch only if Debian's is already installed or --torch asks. */
function ensurePython() {
  const wanted = ['python3-numpy', 'python3-pil'];
  if (process.argv.includes('--torch') && !pythonHas('torch')) wanted.push('python3-torch');
  if (pythonHas('numpy, PIL') && wanted.length === 2) return;
  log(`installing ${wanted.join(' ')} with apt-get`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) =>
    spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update']);
  apt(['install', '-y', ...wanted]);
  if (!pythonHas('numpy, PIL'))
    fail(`the numpy baseline needs ${PYTHON} with numpy and Pillow: apt-get install -y python3-numpy python3-pil`);
}

/**
 * Generates a dataset once (one process per core); a `.complete` marker holding its spec makes later runs
 * reuse it. Returns { dir, width, height, classes, count, soft }.
 */
/** One node process per core, each given its part ("i/N") by `argsFor`; resolves when all exit cleanly. */
function onEveryCore(what, argsFor, stdio = 'inherit') {
  return Promise.all(
    Array.from(
      { length: WORKERS },
      (_, i) =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, argsFor(`${i}/${WORKERS}`), { stdio });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}`))));
        }),
    ),
  );
}

async function dataset(name, { count, width, height, sizes, classes = 21, unique, soft = false, seed = 1, modelSeed }) {
  const dir = join(dataRoot, name);
  // Pixels of all pairs: scene i has sizes[i % n]; a copy (i >= unique) is a copy of scene i % unique.
  const sizeOf = (i) => (sizes ? sizes[(unique && i >= unique ? i % unique : i) % sizes.length] : [width, height]);
  const pixels = Array.from({ length: count }, (_, i) => sizeOf(i)[0] * sizeOf(i)[1]).reduce((a, b) => a + b, 0);
  const info = { dir, width, height, sizes, classes, count, soft, pixels };
  const marker = join(dir, '.complete');
  const spec = JSON.stringify({ count, width, height, sizes, classes, unique, soft, seed, modelSeed });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) return info;
  rmSync(dir, { recursive: true, force: true });
  log(
    `generating ${name}: ${count} ${soft ? 'soft' : 'hard'} pairs ${sizes ? sizes.map((s) => s.join('x')).join('/') : `${width}x${height}`}, ${classes} classes${unique ? `, ${unique} distinct scenes copied` : ''}`,
  );
  const args = [
    '--out',
    dir,
    '--width',
    String(width),
    '--height',
    String(height),
    '--classes',
    String(classes),
    '--seed',
    String(seed),
  ];
  if (unique) args.push('--unique', String(unique));
  if (soft) args.push('--soft');
  if (modelSeed !== undefined) args.push('--model-seed', String(modelSeed));
  if (sizes) args.push('--sizes', sizes.map((s) => s.join('x')).join(','));
  const spawnParts = (total) =>
    onEveryCore('make-bench-data', (part) => [
      join(dist, 'make-bench-data.js'),
      ...args,
      '--count',
      String(total),
      '--part',
      part,
    ]);
  // Distinct scenes first, split over the cores; then the copies, which then never wait on a scene.
  if (unique && unique < count) await spawnParts(unique);
  await spawnParts(count);
  writeFileSync(marker, spec);
  return info;
}

// ---------------------------------------------------------------------------------------------- measurements

const CLI = join(root, 'bin', 'seglens.js');
const PROBE = join(dist, 'bench-probe.js');

/** One CLI run over a dataset, as a user would run it (process start to exit), with its peak RSS. */
function engineEval(data, extra = [], workers = WORKERS) {
  const args = [
    CLI,
    'eval',
    join(data.dir, 'predictions'),
    '--labels',
    join(data.dir, 'labels'),
    '--classes',
    String(data.classes),
    '--workers',
    String(workers),
    '--json',
    ...extra,
  ];
  const result = run(process.execPath, args, { rss: true });
  const report = JSON.parse(result.stdout);
  if (report.skipped.length > 0)
    fail(`engine skipped files in ${data.dir}: ${JSON.stringify(report.skipped.slice(0, 3))}`);
  return { ...result, report, images: report.images.length };
}

function numpyEval(predictions, labels, jsonOut, classes = 21) {
  const result = run(
    PYTHON,
    [
      join(root, 'bench', 'baseline_numpy.py'),
      predictions,
      labels,
      '--classes',
      String(classes),
      '--workers',
      String(WORKERS),
      '--json',
      jsonOut,
    ],
    { rss: true },
  );
  return { ...result, timing: lastJsonLine(result.stdout), report: JSON.parse(readFileSync(jsonOut, 'utf8')) };
}

function torchEval(data, jsonOut, python) {
  const result = run(
    python,
    [
      join(root, 'bench', 'baseline_torch.py'),
      join(data.dir, 'predictions'),
      join(data.dir, 'labels'),
      '--classes',
      String(data.classes),
      '--threads',
      String(WORKERS),
      '--json',
      jsonOut,
    ],
    { rss: true },
  );
  return { ...result, timing: lastJsonLine(result.stdout), report: JSON.parse(readFileSync(jsonOut, 'utf8')) };
}

/**
 * Largest relative difference between two reports' per-image figures (and the pooled IoU and Boundary IoU);
 * fails on any structural difference. The PyTorch baseline computes neither IoU nor Boundary IoU.
 */
function agreement(engine, other, { iou = true, boundary = iou } = {}) {
  const byName = new Map(other.images.map((image) => [image.name, image]));
  let worst = 0;
  let where = '';
  const compare = (a, b, label, scale = Math.abs(b)) => {
    if (a === null || b === null || a === undefined || b === undefined) {
      if ((a ?? null) !== (b ?? null)) fail(`agreement: ${label} is ${a} in the engine but ${b} in the baseline`);
      return;
    }
    const diff = Math.abs(a - b) / Math.max(scale, 1e-12);
    if (diff > worst) {
      worst = diff;
      where = label;
    }
  };
  const compareBoundary = (ours, theirs, name) => {
    if (!Array.isArray(theirs.perClassBoundaryIoU))
      fail(`agreement: ${name} has no perClassBoundaryIoU in the baseline`);
    if (ours.perClassBoundaryIoU.length !== theirs.perClassBoundaryIoU.length)
      fail(`agreement: ${name}.perClassBoundaryIoU has different class counts`);
    compare(ours.boundaryMiou, theirs.boundaryMiou, `${name}.boundaryMiou`);
    ours.perClassBoundaryIoU.forEach((v, c) =>
      compare(v, theirs.perClassBoundaryIoU[c], `${name}.perClassBoundaryIoU[${c}]`),
    );
  };
  if (engine.images.length !== other.images.length)
    fail(`agreement: ${engine.images.length} images in the engine, ${other.images.length} in the baseline`);
  for (const image of engine.images) {
    const theirs = byName.get(image.name);
    if (!theirs) fail(`agreement: ${image.name} missing from the baseline`);
    for (const key of ['ce', 'adaptive', ...(iou ? ['miou', 'pixelAccuracy'] : [])])
      compare(image[key], theirs[key], `${image.name}.${key}`);
    // The merge effect is a difference of means of costs (about CE - L_adapt) and can be tiny, so it is
    // compared relative to CE, the size of what cancels: both sides round at that scale (numpy sums pairwise).
    compare(
      image.mergeEffect,
      theirs.mergeEffect,
      `${image.name}.mergeEffect`,
      Math.max(Math.abs(theirs.mergeEffect ?? 0), Math.abs(theirs.ce ?? 0)),
    );
    for (const k of Object.keys(image.perScale))
      compare(image.perScale[k], theirs.perScale[k], `${image.name}.perScale.${k}`);
    if (iou) image.perClassIoU.forEach((v, c) => compare(v, theirs.perClassIoU[c], `${image.name}.perClassIoU[${c}]`));
    if (boundary) compareBoundary(image, theirs, image.name);
  }
  if (iou) {
    if (JSON.stringify(engine.dataset.confusion) !== JSON.stringify(other.dataset.confusion))
      fail('agreement: dataset confusion matrices differ');
    if (JSON.stringify(engine.dataset.unknownPredictions) !== JSON.stringify(other.dataset.unknownPredictions))
      fail('agreement: unknown-prediction counts differ');
    compare(engine.dataset.miou, other.dataset.miou, 'dataset.miou');
  }
  // Pooled: Σ intersections / Σ unions per class over the images, then the mean of the defined ones.
  if (boundary) compareBoundary(engine.dataset, other.dataset, 'dataset');
  return { worst, where };
}

/**
 * The cost of the paper's loss (Gaussian pooling, Minkowski m = 5) next to v1's uniform pooling, on the
 * same folders, interleaved and fastest of ROUNDS_LOSS each (they are close, so noise matters). Both runs
 * compute the same CE and IoU; only the pooling weights and the exponent differ.
 */
function lossVariantRows() {
  log('loss variants: uniform (v1) vs --loss paper (gaussian, m = 5)');
  for (const data of [voc, soft]) {
    let uniform;
    let gaussian;
    for (let round = 0; round < Math.max(2, ROUNDS); round++) {
      uniform = fastest(uniform, engineEval(data));
      gaussian = fastest(gaussian, engineEval(data, ['--loss', 'paper']));
    }
    const kind = data.soft
      ? `soft .npy ${data.classes}x${data.height}x${data.width}`
      : `hard PNG ${data.width}x${data.height}`;
    row(
      `Loss v1 (uniform pooling), ${kind}`,
      `engine exact-float64, ${WORKERS} worker threads`,
      uniform.images,
      uniform.seconds,
      null,
      `fastest of ${Math.max(2, ROUNDS)}`,
    );
    row(
      `  same, --loss paper (Gaussian pooling, m = 5)`,
      `engine exact-float64, ${WORKERS} worker threads`,
      gaussian.images,
      gaussian.seconds,
      null,
      `takes ${fmt(gaussian.seconds / uniform.seconds)}x the uniform time; adaptive loss ${gaussian.report.loss.variant}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------- label quality

const REAL_AGREEMENT = join(root, '..', 'shared', 'data', 'real', 'voc-tramac-awesome-semseg', 'tests');
const AGREE_MODELS = 12;

/** Fresh folder of hard links: `files(i)` gives the source of entry i, named `names[i]`. */
function linkFolder(dir, names, source) {
  if (existsSync(join(dir, '.complete'))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  names.forEach((name, i) => linkSync(source(i), join(dir, name)));
  writeFileSync(join(dir, '.complete'), '');
}

/**
 * Issue 22's first budget: soft evaluation with label quality and calibration within 1.3x the time
 * without, on the same soft folder (bench-probe soft-quality, which checks first that both give the same
 * figures they share). In process: the engine has no switch to leave them out.
 */
function softQualityBudget() {
  log('label quality and calibration on the soft folder: with and without');
  const probe = lastJsonLine(
    run(process.execPath, [
      PROBE,
      'soft-quality',
      join(soft.dir, 'predictions'),
      join(soft.dir, 'labels'),
      String(Math.max(3, ROUNDS)),
    ]).stdout,
  );
  const compute = probe.computeWith / probe.computeWithout;
  const whole = probe.wholeWith / probe.wholeWithout;
  const met = (ratio) => (ratio <= 1.3 ? 'yes' : '**no**');
  const where = `${probe.images} soft .npy ${soft.classes}x${soft.height}x${soft.width}, one thread, CPU time of the process, fastest of ${probe.rounds} interleaved rounds; same figures checked on all ${probe.checked} images first`;
  return [
    `| Soft evaluation with label quality and calibration vs without: computation alone (files read beforehand), ${where} | ${fmt(probe.computeWith)} s | ${fmt(probe.computeWithout)} s | ${fmt(compute)}x | <= 1.3x | ${met(compute)} |`,
    `| the same with each pair read and decoded in the loop (a run's work, without process start and threads) | ${fmt(probe.wholeWith)} s | ${fmt(probe.wholeWithout)} s | ${fmt(whole)}x | <= 1.3x | ${met(whole)} |`,
  ];
}

/**
 * The agreement budget: \`seglens agree\` over 12 VOC-sized model folders of 1,449 images within 2x
 * \`seglens eval\` of one of them, both whole CLI runs on every core, interleaved, fastest of each.
 * Generated: the VOC-like folder's predictions, model i taking image j's file from image j + i (model 0
 * is the folder itself), so the models disagree with each other and the label about as much as
 * unrelated models would, the vote count's slow path. Real (when ../shared/data/real is there): the 12
 * predictions of voc-tramac-awesome-semseg, which exist for one image (2007_000033) only, that image
 * paired 1,449 times under its own names (4 of the 12 are 504x368 and cast no vote; they are read).
 */
function agreementBudget(folders, labels, reference, what) {
  const agreeArgs = [
    CLI,
    'agree',
    ...folders,
    '--labels',
    labels,
    '--classes',
    '21',
    '--workers',
    String(WORKERS),
    '--json',
  ];
  let agreeRun;
  let evalRun;
  let agreeCpu = Infinity;
  let evalCpu = Infinity;
  for (let round = 0; round < Math.max(2, ROUNDS); round++) {
    const evaluated = engineEval(reference);
    const agreed = run(process.execPath, agreeArgs, { rss: true });
    evalRun = fastest(evalRun, evaluated);
    agreeRun = fastest(agreeRun, agreed);
    evalCpu = Math.min(evalCpu, evaluated.cpuSeconds ?? NaN);
    agreeCpu = Math.min(agreeCpu, agreed.cpuSeconds ?? NaN);
  }
  const report = JSON.parse(agreeRun.stdout);
  if (report.images.length !== evalRun.images)
    fail(`agree judged ${report.images.length} images, eval ${evalRun.images}`);
  const flagged = report.images.reduce((sum, image) => sum + image.likelyLabelErrorPixels, 0);
  const ratio = agreeRun.seconds / evalRun.seconds;
  // The floor: agree decodes N + 1 PNGs per image where eval decodes 2. The engine's PNG reader alone on
  // every file agree reads (in process, every core).
  const decode = lastJsonLine(
    run(process.execPath, [PROBE, 'decode-engine', String(WORKERS), ...folders, labels]).stdout,
  );
  return `| seglens agree, ${folders.length} models x ${report.images.length} images (${what}; ${flagged.toLocaleString('en-US')} likely label error pixels found) vs seglens eval of one folder; whole CLI runs, ${WORKERS} workers, fastest of ${Math.max(2, ROUNDS)} interleaved. CPU time (all threads): agree ${fmt(agreeCpu)} s, eval ${fmt(evalCpu)} s, ${fmt(agreeCpu / evalCpu)}x. Decoding the ${decode.files.toLocaleString('en-US')} PNGs agree reads, nothing else: ${fmt(decode.seconds)} s = ${fmt(decode.seconds / evalRun.seconds)}x the eval | ${fmt(agreeRun.seconds)} s (${fmt(agreeRun.peakRssMb, 0)} MB) | ${fmt(evalRun.seconds)} s | ${fmt(ratio)}x | <= 2x | ${ratio <= 2 ? 'yes' : '**no**'} |`;
}

function generatedAgreement() {
  log(`agreement of ${AGREE_MODELS} generated models`);
  const names = readdirSync(join(voc.dir, 'predictions'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  const folders = Array.from({ length: AGREE_MODELS }, (_, i) => join(dataRoot, 'agree-generated', `model${i}`));
  folders.forEach((dir, i) =>
    linkFolder(dir, names, (j) => join(voc.dir, 'predictions', names[(j + i) % names.length])),
  );
  return agreementBudget(
    folders,
    join(voc.dir, 'labels'),
    voc,
    `generated VOC-like ${voc.width}x${voc.height}, model i = the folder shifted by i images, the worst case`,
  );
}

/**
 * Twelve models of the VOC-like folder's scenes: each its own model seed, so they share the folder's
 * labels and err each in its own way (boundaries shifted, a class confused, small objects missed, a
 * spurious blob), as several trained models of one dataset do.
 */
async function modelsAgreement() {
  log(`agreement of ${AGREE_MODELS} generated models of the same scenes`);
  const folders = [];
  for (let i = 0; i < AGREE_MODELS; i++) {
    const model = await dataset(`agree-models/model${i}`, {
      count: voc.count,
      width: voc.width,
      height: voc.height,
      unique: n(483, 60),
      modelSeed: i + 1,
    });
    folders.push(join(model.dir, 'predictions'));
    // Generated from the same scene seeds: the labels must be the folder's, byte for byte.
    for (const name of readdirSync(join(model.dir, 'labels')))
      if (!readFileSync(join(model.dir, 'labels', name)).equals(readFileSync(join(voc.dir, 'labels', name))))
        fail(`agree-models/model${i}/labels/${name} differs from the VOC-like folder's label`);
  }
  return agreementBudget(
    folders,
    join(voc.dir, 'labels'),
    voc,
    `generated VOC-like ${voc.width}x${voc.height}: 12 models of the same scenes, each with its own errors`,
  );
}

function realAgreement() {
  if (!existsSync(REAL_AGREEMENT)) return null;
  log(`agreement of the ${AGREE_MODELS} real voc-tramac-awesome-semseg models`);
  const models = readdirSync(join(REAL_AGREEMENT, 'runs'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  if (models.length !== AGREE_MODELS)
    fail(`${REAL_AGREEMENT}/runs has ${models.length} predictions, not ${AGREE_MODELS}`);
  const names = Array.from({ length: voc.count }, (_, j) => `img_${String(j).padStart(4, '0')}.png`);
  const dir = join(dataRoot, 'agree-real');
  const labels = join(dir, 'labels');
  linkFolder(labels, names, () => join(REAL_AGREEMENT, 'test_mask.png'));
  const folders = models.map((model) => join(dir, model.replace(/\.png$/, '')));
  folders.forEach((folder, i) => linkFolder(folder, names, () => join(REAL_AGREEMENT, 'runs', models[i])));
  // The reference: eval of the first full-size model's folder against the same labels.
  const reference = { dir: join(dir, 'eval'), classes: 21 };
  const first = models.findIndex((m) => m.startsWith('bisenet'));
  linkFolder(join(reference.dir, 'predictions'), names, () => join(REAL_AGREEMENT, 'runs', models[first]));
  linkFolder(join(reference.dir, 'labels'), names, () => join(REAL_AGREEMENT, 'test_mask.png'));
  return agreementBudget(
    folders,
    labels,
    reference,
    `real: voc-tramac-awesome-semseg's 12 predictions of VOC 2007_000033 (500x366), the one image paired ${voc.count} times; 4 of the models are 504x368 and are read but cast no vote; eval of BiSeNet's folder as the reference`,
  );
}

/** Issue 22's budgets as table lines (Budget | With | Without / reference | Ratio | Budget | Met). */
async function labelQualityBudgets() {
  const real = realAgreement();
  const models = await modelsAgreement();
  return [
    '| Issue 22 budget | Measured | Without / reference | Ratio | Budget | Met |',
    '|---|---:|---:|---:|---:|---|',
    ...softQualityBudget(),
    models,
    generatedAgreement(),
    ...(real
      ? [real]
      : [`| agreement of the 12 real models: not measured, ${REAL_AGREEMENT} is absent | | | | <= 2x | |`]),
  ];
}

// ---------------------------------------------------------------------------------------------- scale

/** Scale runs: the same distinct scenes copied to every size, small images (rendering would dominate otherwise). */
const SCALE_SCENE = { width: 64, height: 48, classes: 21, unique: n(500, 50), seed: 12 };
const SCALE_COUNTS = SCALE ? [n(5000, 500), n(50000, 2000), n(200000, 5000)] : [n(5000, 500)];
const MERGE = { total: n(1_000_000, 20_000), parts: 64 };

/** The last line of a file, read from its end (results files of 400 MB are not read whole). */
function lastLine(file) {
  const size = statSync(file).size;
  const length = Math.min(size, 4096);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trimEnd().split('\n').pop();
}

/** How many images a text report covers ("Hardest 10 of N images ..."). */
const imagesOfText = (file) => Number(/^Hardest \d+ of (\d+) images/m.exec(readFileSync(file, 'utf8'))?.[1]);

/**
 * `seglens eval` of a scale folder with the given outputs, its peak RSS from /usr/bin/time -v (the CLI
 * process: main thread and its worker threads). `text`: the default text report; `all`: --json (to a
 * file), --csv and --out. Checks that every pair was evaluated, then removes the outputs.
 */
function scaleEval(data, outputs) {
  const tag = `scale-${data.count}-${outputs}`;
  const files = { out: join(tmp, `${tag}.out`), csv: join(tmp, `${tag}.csv`), results: join(tmp, `${tag}.jsonl`) };
  const extra = outputs === 'all' ? ['--json', '--csv', files.csv, '--out', files.results] : [];
  const args = [CLI, 'eval', join(data.dir, 'predictions'), '--labels', join(data.dir, 'labels')];
  args.push('--classes', String(data.classes), '--workers', String(WORKERS), ...extra);
  const result = run(process.execPath, args, { rss: true, stdoutFile: files.out });
  const images = outputs === 'all' ? JSON.parse(lastLine(files.results)).images : imagesOfText(files.out);
  if (images !== data.count) fail(`scale: ${images} of ${data.count} pairs evaluated in ${data.dir}`);
  for (const file of Object.values(files)) rmSync(file, { force: true });
  return { ...result, images };
}

/**
 * The parts of a run of MERGE.total images in MERGE.parts shards, written once by bench-probe results-parts
 * (the results-file writer) from the records of an evaluated scale folder, each image under its own name.
 */
async function mergeParts(template) {
  const dir = join(dataRoot, `merge-${MERGE.total}-in-${MERGE.parts}`);
  const marker = join(dir, '.complete');
  const spec = JSON.stringify({ ...MERGE, template: template.count, scene: SCALE_SCENE });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) return dir;
  rmSync(dir, { recursive: true, force: true });
  log(`generating ${MERGE.parts} parts holding ${MERGE.total} records`);
  const templateFile = join(tmp, 'merge-template.jsonl');
  rmSync(templateFile, { force: true });
  run(
    process.execPath,
    [CLI, 'eval', join(template.dir, 'predictions'), '--labels', join(template.dir, 'labels')].concat([
      '--classes',
      String(template.classes),
      '--out',
      templateFile,
    ]),
  );
  await onEveryCore(
    'results-parts',
    (part) => [PROBE, 'results-parts', templateFile, dir, String(MERGE.parts), String(MERGE.total), part],
    ['ignore', 'ignore', 'inherit'],
  );
  rmSync(templateFile, { force: true });
  writeFileSync(marker, spec);
  return dir;
}

/** `seglens merge` of the parts: text report and the merged results file (--out), peak RSS as for eval. */
function scaleMerge(dir) {
  const files = { out: join(tmp, 'merge.out'), results: join(tmp, 'merged.jsonl') };
  const result = run(process.execPath, [CLI, 'merge', dir, '--out', files.results], {
    rss: true,
    stdoutFile: files.out,
  });
  const images = imagesOfText(files.out);
  if (images !== MERGE.total) fail(`scale: the merge covered ${images} of ${MERGE.total} records`);
  for (const file of Object.values(files)) rmSync(file, { force: true });
  return { ...result, images };
}

/** The scale folders, generated once. */
async function scaleSets(counts = SCALE_COUNTS) {
  const sets = [];
  for (const count of counts)
    sets.push(
      await dataset(`scale-${count}`, {
        count,
        width: SCALE_SCENE.width,
        height: SCALE_SCENE.height,
        classes: SCALE_SCENE.classes,
        unique: SCALE_SCENE.unique,
        seed: SCALE_SCENE.seed,
      }),
    );
  return sets;
}

/** Rows: eval's peak RSS and time at each scale size, both output sets; then the merge of 1M records. */
async function scaleRows() {
  const rowsOut = [];
  const sets = await scaleSets();
  for (const outputs of ['text', 'all']) {
    let first;
    for (const data of sets) {
      log(`scale: eval of ${data.count} pairs, ${outputs === 'all' ? '--json --csv --out' : 'text report'}`);
      const r = scaleEval(data, outputs);
      first ??= r;
      rowsOut.push({
        what: `eval ${data.count} pairs ${data.width}x${data.height}, ${outputs === 'all' ? '--json (to a file), --csv, --out' : 'text report'}`,
        count: data.count,
        seconds: r.seconds,
        peakRssMb: r.peakRssMb,
        note:
          r === first
            ? 'the base'
            : `${fmt(r.peakRssMb / first.peakRssMb)}x the ${first.images}-pair peak (target <= 1.2x at 200,000)`,
      });
    }
  }
  if (SCALE) rowsOut.push(await mergeRow(sets[0]));
  return rowsOut;
}

/** The row of `seglens merge` of MERGE.total records in MERGE.parts parts made from the template folder's records. */
async function mergeRow(template) {
  const dir = await mergeParts(template);
  log(`scale: merge of ${MERGE.parts} parts holding ${MERGE.total} records`);
  const r = scaleMerge(dir);
  return {
    what: `merge of ${MERGE.parts} parts, ${MERGE.total} records in all (${SCALE_SCENE.classes} classes), text report and --out`,
    count: MERGE.total,
    seconds: r.seconds,
    peakRssMb: r.peakRssMb,
    note: `${fmt(r.images / r.seconds, 0)} records/s (targets: <= 500 MB, < 60 s)`,
  };
}

function scaleTable(scale) {
  return [
    `Scale (peak RSS of the CLI process by /usr/bin/time -v, main thread and worker threads; ${WORKERS} workers; load average ${fmt(loadavg()[0], 1)} at the end):`,
    '',
    '| Workload | Images | Time (s) | Peak RSS (MB) | Note |',
    '|---|---:|---:|---:|---|',
    ...scale.map((r) => `| ${r.what} | ${r.count} | ${fmt(r.seconds)} | ${fmt(r.peakRssMb, 0)} | ${r.note} |`),
  ];
}

// ---------------------------------------------------------------------------------------------- main

const rows = [];
const notes = [];
const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag > 0 ? Math.max(1, Number(process.argv[roundsFlag + 1]) || 1) : 1;
const fastest = (a, b) =>
  a && a.seconds <= b.seconds
    ? { ...a, peakRssMb: Math.max(a.peakRssMb ?? 0, b.peakRssMb ?? 0) }
    : { ...b, peakRssMb: Math.max(a?.peakRssMb ?? 0, b.peakRssMb ?? 0) };

const fmt = (x, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const row = (what, backend, images, seconds, baselineSeconds, extra = '') =>
  rows.push({
    what,
    backend,
    images,
    seconds,
    ratio: baselineSeconds ? `${fmt(baselineSeconds / seconds)}x faster` : '',
    extra,
  });

/** The gallery's scroll budget as a table row: main-thread tasks over 50 ms while scrolling 100,000 images. */
function galleryRows(g) {
  if (g.skipped) return [`| Gallery scroll, ${GALLERY_IMAGES} images | not measured: ${g.skipped} | no task > 50 ms |`];
  return [
    `| Gallery scroll, ${g.images} images (${g.frames} frames, ${g.thumbnailsServed} thumbnails drawn): main-thread tasks over 50 ms | ${g.longTasks} (longest ${fmt(g.longestMs, 0)} ms) | none |`,
    `| Gallery: 100,000-image list message to first cells drawn | ${fmt(g.loadMs, 0)} ms | |`,
  ];
}

function datasetPanelRow(d) {
  if (d.skipped)
    return `| Dataset panel at 171 classes | not measured: ${d.skipped} | <= ${DATASET_PANEL_BUDGET_MS} ms |`;
  return `| Dataset panel at ${d.numClasses} classes: navigation start to the first screen drawn (bench/datasetPanel.mjs, median of ${d.runs.length}; page and script load ${fmt(d.readyMedianMs, 0)} ms of it; the class table below the matrix complete at ${fmt(d.completeMedianMs, 0)} ms) | ${fmt(d.medianMs, 0)} ms | <= ${DATASET_PANEL_BUDGET_MS} ms |`;
}

function inspectorPaintRow(i) {
  if (i.skipped)
    return `| Inspector first paint, 2048x1024 | not measured: ${i.skipped} | <= ${INSPECTOR_PAINT_BUDGET_MS} ms |`;
  return `| Inspector first paint, ${i.width}x${i.height}, ${i.classes} classes, layers ${i.layers.join(' + ')}: message to drawn (bench/inspectorPaint.mjs, median of ${i.runs.length}) | ${fmt(i.medianMs, 0)} ms | <= ${INSPECTOR_PAINT_BUDGET_MS} ms |`;
}

/** The three webview budgets of issue 20, measured one after the other in Chromium. */
async function uiRows() {
  log('dataset panel at 171 classes');
  const datasetPanel = datasetPanelRow(await benchDatasetPanel());
  log('inspector first paint, 2048x1024');
  const inspector = inspectorPaintRow(await benchInspectorPaint());
  log('gallery scroll in Chromium');
  return [datasetPanel, inspector, ...galleryRows(await measureGalleryScroll())];
}

if (uiOnly) {
  const rows = await uiRows();
  const text = [
    `Load average ${fmt(loadAtStart, 1)} at start, ${fmt(loadavg()[0], 1)} at end (${WORKERS} cores); headless Chromium at 1400x900.`,
    '',
    '| Figure | Measured | Budget |',
    '|---|---:|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'ui.md'), `# SegLens webview budgets, ${new Date().toISOString()}\n\n${text}\n`);
  process.exit(0);
}

if (extensionScaleOnly) {
  const count = numberArgument(process.argv, '--count', 100_000);
  const baseline = numberArgument(process.argv, '--baseline', DEFAULT_BASELINE);
  log(`extension host at ${count} pairs in code-server (the e2e tooling), after a baseline of ${baseline}`);
  const text = extensionScaleTable(measureExtensionScale({ count, baseline })).join('\n');
  process.stdout.write(`${text}\n`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'extension-scale.md'),
    `# SegLens extension at scale, ${new Date().toISOString()}\n\n${text}\n`,
  );
  process.exit(0);
}

await ensureTools();
if (!lossOnly && !scaleOnly && !mergeOnly && !labelsOnly) ensurePython();
mkdirSync(dataRoot, { recursive: true });
mkdirSync(resultsDir, { recursive: true });
const tmp = join(dataRoot, 'tmp');
mkdirSync(tmp, { recursive: true });

if (scaleOnly && process.argv.includes('--data-only')) {
  const sets = await scaleSets();
  if (SCALE) await mergeParts(sets[0]);
  process.exit(0);
}

/** The machine line and the scale table, printed and written to bench/results/NAME. */
function writeScaleResults(name, title, scale) {
  const text = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${WORKERS} cores; node ${process.version}; load average ${fmt(loadAtStart, 1)} at start, ${fmt(loadavg()[0], 1)} at end.${quick ? ' QUICK RUN: small datasets, numbers not meaningful.' : ''}`,
    '',
    ...scaleTable(scale),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(join(resultsDir, name), `# SegLens ${title}, ${new Date().toISOString()}\n\n${text}\n`);
}

if (mergeOnly) {
  const [template] = await scaleSets(SCALE_COUNTS.slice(0, 1));
  writeScaleResults('merge.md', 'merge row', [await mergeRow(template)]);
  process.exit(0);
}

if (scaleOnly) {
  const scale = await scaleRows();
  // The per-pair cost the README's cluster estimate starts from: the Cityscapes-sized row, measured here too.
  const cityscapes = await dataset('cityscapes-hard', {
    count: n(500, 8),
    width: 2048,
    height: 1024,
    classes: 19,
    unique: n(16, 2),
    seed: 10,
  });
  log('Cityscapes-sized folder');
  const r = engineEval(cityscapes);
  scale.push({
    what: `eval ${cityscapes.count} Cityscapes-sized pairs ${cityscapes.width}x${cityscapes.height}, ${cityscapes.classes} classes, --json`,
    count: r.images,
    seconds: r.seconds,
    peakRssMb: r.peakRssMb,
    note: `${fmt((r.seconds / r.images) * 1000, 2)} ms per pair on ${WORKERS} cores (start-up included)`,
  });
  writeScaleResults('scale.md', 'scale rows', scale);
  process.exit(0);
}

const voc = await dataset('voc-hard', { count: n(1449, 60), width: 500, height: 375, unique: n(483, 60) });
if (process.argv.includes('--floor-only')) {
  // The whole-eval vs Pillow decode-only row alone (the main table's first and third rows), interleaved.
  const dirs = [join(voc.dir, 'predictions'), join(voc.dir, 'labels')];
  const checked = checkPillowReadsTheEngineIds(dirs, n(100, 10));
  let engine;
  let pillow;
  for (let round = 0; round < ROUNDS; round++) {
    const loadBefore = loadavg()[0];
    pillow = fastest(pillow, pillowDecode(dirs));
    engine = fastest(engine, engineEval(voc));
    log(
      `round ${round + 1} (load ${fmt(loadBefore, 1)}): engine ${fmt(engine.seconds)} s, Pillow decode ${fmt(pillow.seconds)} s (fastest so far)`,
    );
  }
  const text = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${WORKERS} cores; node ${process.version}; load average ${fmt(loadAtStart, 1)} at start, ${fmt(loadavg()[0], 1)} at end; fastest of ${ROUNDS} interleaved round(s). Pillow checked to read the engine's ids on ${checked} PNGs first.${quick ? ' QUICK RUN: small datasets, numbers not meaningful.' : ''}`,
    '',
    '| Workload | Images | Time (s) | Peak RSS (MB) | Note |',
    '|---|---:|---:|---:|---|',
    `| VOC-like hard PNG ${voc.width}x${voc.height}, whole eval, engine, ${WORKERS} worker threads, --json | ${engine.images} | ${fmt(engine.seconds)} | ${fmt(engine.peakRssMb, 0)} | ${fmt(engine.seconds / pillow.seconds)}x Pillow's decode-only time (target <= 1.5x) |`,
    `| floor: Pillow ${pillow.pillow} decodes every PNG, ${WORKERS} processes | ${pillow.files / 2} | ${fmt(pillow.seconds)} | | ${pillow.files} PNGs, whole process (${fmt(pillow.inScriptSeconds)} s in its pool) |`,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(join(resultsDir, 'floor.md'), `# SegLens decode floor, ${new Date().toISOString()}\n\n${text}\n`);
  process.exit(0);
}
const soft = await dataset('voc-soft', { count: n(24, 4), width: 500, height: 375, soft: true, seed: 2 });
if (labelsOnly) {
  const budgets = await labelQualityBudgets();
  const text = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${WORKERS} cores; node ${process.version}; load average ${fmt(loadAtStart, 1)} at start, ${fmt(loadavg()[0], 1)} at end.${quick ? ' QUICK RUN: small datasets, numbers not meaningful.' : ''}`,
    '',
    ...budgets,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(
    join(resultsDir, 'label-quality.md'),
    `# SegLens issue 22 budgets, ${new Date().toISOString()}\n\n${text}\n`,
  );
  process.exit(0);
}
if (lossOnly) {
  lossVariantRows();
  const text = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${WORKERS} cores; node ${process.version}; load average ${fmt(loadAtStart, 1)} at start, ${fmt(loadavg()[0], 1)} at end.${quick ? ' QUICK RUN: small datasets, numbers not meaningful.' : ''}`,
    '',
    '| Workload | Backend | Images | Time (s) | Images/s | Ratio | Note |',
    '|---|---|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.backend} | ${r.images} | ${fmt(r.seconds)} | ${fmt(r.images / r.seconds, 1)} | ${r.ratio} | ${r.extra} |`,
    ),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(
    join(resultsDir, 'loss-variants.md'),
    `# SegLens loss variants, ${new Date().toISOString()}\n\n${text}\n`,
  );
  process.exit(0);
}
const hardSizes = [
  await dataset('hard-250', { count: n(400, 20), width: 250, height: 188, seed: 3 }),
  voc,
  await dataset('hard-1000', { count: n(100, 6), width: 1000, height: 750, unique: n(34, 3), seed: 4 }),
];
const hardClasses = [
  await dataset('hard-c60', { count: n(300, 20), width: 500, height: 375, classes: 60, unique: n(150, 10), seed: 5 }),
  await dataset('hard-c150', { count: n(300, 20), width: 500, height: 375, classes: 150, unique: n(150, 10), seed: 6 }),
];
const softSizes = [
  await dataset('soft-250', { count: n(48, 4), width: 250, height: 188, soft: true, seed: 7 }),
  soft,
  await dataset('soft-1000', { count: n(8, 2), width: 1000, height: 750, soft: true, unique: 2, seed: 8 }),
];
const softClasses = [
  await dataset('soft-c60', {
    count: n(12, 2),
    width: 500,
    height: 375,
    classes: 60,
    soft: true,
    unique: n(6, 1),
    seed: 9,
  }),
];
const city = await dataset('cityscapes-hard', {
  count: n(500, 8),
  width: 2048,
  height: 1024,
  classes: 19,
  unique: n(16, 2),
  seed: 10,
});
// ADE20K-like: 150 classes, mixed sizes around ADE's (shorter side 512 and less).
const ade = await dataset('ade-like-hard', {
  count: n(2000, 40),
  sizes: [
    [683, 512],
    [512, 512],
    [512, 683],
    [640, 480],
    [384, 512],
  ],
  classes: 150,
  unique: n(400, 20),
  seed: 11,
});
if (process.argv.includes('--data-only')) process.exit(0);
const torch = torchPython();

// 1. Agreement before any timing: the numpy baseline must compute exactly what the engine computes.
{
  const sample = join(root, 'samples', 'voc-mini');
  const engine = JSON.parse(
    run(process.execPath, [
      CLI,
      'eval',
      join(sample, 'predictions'),
      '--labels',
      join(sample, 'SegmentationClass'),
      '--json',
    ]).stdout,
  );
  const numpy = numpyEval(
    join(sample, 'predictions'),
    join(sample, 'SegmentationClass'),
    join(tmp, 'numpy-sample.json'),
  );
  const { worst, where } = agreement(engine, numpy.report);
  if (worst > 1e-6) fail(`numpy baseline disagrees with the engine on samples/voc-mini: relative ${worst} at ${where}`);
  notes.push(
    `Before timing, the numpy baseline was checked against the engine on samples/voc-mini: max relative difference ${worst.toExponential(1)} (limit 1e-6) over CE, L_adapt, merge effect, IoU and Boundary IoU (per image and pooled), confusion matrices identical.`,
  );
  log('numpy baseline agrees with the engine on the sample');
}

// 2. Hard predictions, VOC-like folder: engine vs numpy + Pillow vs decode-only, all on every core.
// The Pillow decode-only floor must read the ids the engine reads: checksums of the first files agree.
function pillowDecode(dirs, workers = WORKERS) {
  const result = run(PYTHON, [join(root, 'bench', 'decode_pillow.py'), ...dirs, '--workers', String(workers)]);
  const timing = lastJsonLine(result.stdout);
  return { ...timing, inScriptSeconds: timing.seconds, seconds: result.seconds };
}
function checkPillowReadsTheEngineIds(dirs, first) {
  const pillow = lastJsonLine(
    run(PYTHON, [join(root, 'bench', 'decode_pillow.py'), ...dirs, '--checksum', String(first)]).stdout,
  );
  const engine = lastJsonLine(run(process.execPath, [PROBE, 'checksum', String(first), ...dirs]).stdout);
  if (JSON.stringify(pillow) !== JSON.stringify(engine) || Object.keys(engine).length !== first * dirs.length)
    fail(`Pillow and the engine read different class ids: ${JSON.stringify({ pillow, engine }).slice(0, 400)}`);
  return first * dirs.length;
}
const vocDirs = [join(voc.dir, 'predictions'), join(voc.dir, 'labels')];
const checkedFiles = checkPillowReadsTheEngineIds(vocDirs, n(100, 10));
notes.push(
  `Before timing, Pillow's decode was checked to read the engine's class ids: checksums of the first ${checkedFiles} PNGs identical.`,
);
log('hard PNG folder: numpy, engine, decode-only (Pillow, pngjs, own reader)');
// Interleaved rounds, fastest of each kept: the machine may be shared, and a round-robin gives every
// contender the same chance of a quiet moment.
let numpyVoc;
let engineVoc;
let decodeVoc;
let decodeEngine;
let decodePillow;
// The same two on one core each (the engine on its calling thread, Pillow in one process): how each
// scales from one core to two is the machine's business as much as the code's.
let engineVocOne;
let decodePillowOne;
for (let round = 0; round < ROUNDS; round++) {
  decodePillow = fastest(decodePillow, pillowDecode(vocDirs));
  decodePillowOne = fastest(decodePillowOne, pillowDecode(vocDirs, 1));
  engineVocOne = fastest(engineVocOne, engineEval(voc, [], 0));
  numpyVoc = fastest(
    numpyVoc,
    numpyEval(join(voc.dir, 'predictions'), join(voc.dir, 'labels'), join(tmp, 'numpy-voc.json')),
  );
  engineVoc = fastest(engineVoc, engineEval(voc));
  decodeVoc = fastest(
    decodeVoc,
    lastJsonLine(
      run(process.execPath, [PROBE, 'decode', String(WORKERS), join(voc.dir, 'predictions'), join(voc.dir, 'labels')])
        .stdout,
    ),
  );
  decodeEngine = fastest(
    decodeEngine,
    lastJsonLine(
      run(process.execPath, [
        PROBE,
        'decode-engine',
        String(WORKERS),
        join(voc.dir, 'predictions'),
        join(voc.dir, 'labels'),
      ]).stdout,
    ),
  );
  log(
    `round ${round + 1}: numpy ${fmt(numpyVoc.seconds)} s, engine ${fmt(engineVoc.seconds)} s, Pillow decode ${fmt(decodePillow.seconds)} s, pngjs decode ${fmt(decodeVoc.seconds)} s (fastest so far)`,
  );
}
{
  const { worst, where } = agreement(engineVoc.report, numpyVoc.report);
  if (worst > 1e-6) fail(`numpy baseline disagrees with the engine on the VOC-like folder: ${worst} at ${where}`);
  notes.push(
    `The timed numpy run agrees with the timed engine run on all ${engineVoc.images} pairs to ${worst.toExponential(1)} relative (Boundary IoU included, per image and pooled), same dataset confusion.`,
  );
}
row(
  `VOC-like hard PNG ${voc.width}x${voc.height}, whole eval`,
  `engine exact-float64, ${WORKERS} worker threads`,
  engineVoc.images,
  engineVoc.seconds,
  numpyVoc.seconds,
  `ratio vs numpy + Pillow (target >= 8x); ${fmt(engineVoc.seconds / decodePillow.seconds)}x Pillow's decode-only time (target <= 2x)`,
);
row(
  '  baseline: numpy + Pillow, same spec',
  `numpy ${numpyVoc.timing.numpy}, ${WORKERS} processes`,
  numpyVoc.timing.images,
  numpyVoc.seconds,
  null,
  '',
);
row(
  '  floor: Pillow decodes every PNG, nothing else',
  `Pillow ${decodePillow.pillow} (zlib + C unfilter), ${WORKERS} processes`,
  decodePillow.files / 2,
  decodePillow.seconds,
  null,
  `${decodePillow.files} PNGs, whole process (${fmt(decodePillow.inScriptSeconds)} s in its pool); engine takes ${fmt(engineVoc.seconds / decodePillow.seconds)}x this (target <= 2x)`,
);
row(
  `  the same evaluation and decode on one core each`,
  `engine on the calling thread (--workers 0) / Pillow, 1 process`,
  engineVocOne.images,
  engineVocOne.seconds,
  null,
  `${fmt(engineVocOne.seconds / decodePillowOne.seconds)}x Pillow's decode-only time on one core (${fmt(decodePillowOne.seconds)} s); from one core to ${WORKERS} the engine gains ${fmt(engineVocOne.seconds / engineVoc.seconds)}x, Pillow ${fmt(decodePillowOne.seconds / decodePillow.seconds)}x`,
);
row(
  '  decode only, pngjs (the design card PNG library)',
  `pngjs, ${WORKERS} worker threads`,
  decodeVoc.files / 2,
  decodeVoc.seconds,
  null,
  `${decodeVoc.files} PNGs, in-process time; engine takes ${fmt(engineVoc.seconds / decodeVoc.seconds)}x this`,
);
row(
  "  decode only, with the engine's PNG reader",
  `readPngClassMap, ${WORKERS} worker threads`,
  decodeEngine.files / 2,
  decodeEngine.seconds,
  null,
  `bounded inflate + unfilter to ids, in-process time; engine takes ${fmt(engineVoc.seconds / decodeEngine.seconds)}x this`,
);

// 3. Soft predictions.
log('soft .npy folder');
let engineSoft = engineEval(soft);
const softLabel = `Soft .npy ${soft.classes}x${soft.height}x${soft.width} f32, CE+adaptive+merge map+IoU`;
let engineSoftSmall;
if (torch) {
  // Agreement first, on the small soft set (untimed); then the timed run, checked again.
  engineSoftSmall = engineEval(softSizes[0]);
  const check = torchEval(softSizes[0], join(tmp, 'torch-check.json'), torch.python);
  const before = agreement(engineSoftSmall.report, check.report, { iou: false });
  if (before.worst > 1e-4) fail(`torch baseline disagrees with the engine: ${before.worst} at ${before.where}`);
  let torchSoft = torchEval(soft, join(tmp, 'torch-soft.json'), torch.python);
  const { worst, where } = agreement(engineSoft.report, torchSoft.report, { iou: false });
  if (worst > 1e-4) fail(`torch baseline disagrees with the engine: ${worst} at ${where}`);
  // Interleaved like the VOC-like rows: PyTorch's time swings the most with the machine's load.
  for (let round = 1; round < ROUNDS; round++) {
    engineSoft = fastest(engineSoft, engineEval(soft));
    torchSoft = fastest(torchSoft, torchEval(soft, join(tmp, 'torch-soft.json'), torch.python));
  }
  notes.push(
    `PyTorch ${torchSoft.timing.torch} (${torch.how}; float32, ${WORKERS} intra-op threads) agrees with the engine (float64) to ${before.worst.toExponential(1)} relative on ${softSizes[0].count} small soft images before timing, and to ${worst.toExponential(1)} on the timed soft folder. Its loop over the images alone (no interpreter start, no torch import) took ${fmt(torchSoft.timing.seconds)} s: the engine's whole process is ${fmt(torchSoft.timing.seconds / engineSoft.seconds)}x faster than that.`,
  );
  row(
    softLabel,
    `engine exact-float64, ${WORKERS} worker threads`,
    engineSoft.images,
    engineSoft.seconds,
    torchSoft.seconds,
    `ratio vs PyTorch avg_pool2d (whole processes; vs its loop alone: ${fmt(torchSoft.timing.seconds / engineSoft.seconds)}x)`,
  );
  row(
    '  baseline: PyTorch CPU avg_pool2d formulation',
    `torch ${torchSoft.timing.torch} float32, ${WORKERS} threads (${torch.how})`,
    torchSoft.timing.images,
    torchSoft.seconds,
    null,
    `${fmt(torchSoft.timing.seconds)} s in its loop`,
  );
} else {
  notes.push(
    'PyTorch is not installed (Debian: apt-get install python3-torch, or `node bench/run.mjs --torch`): the soft row has no PyTorch baseline in this run.',
  );
  row(
    softLabel,
    `engine exact-float64, ${WORKERS} worker threads`,
    engineSoft.images,
    engineSoft.seconds,
    null,
    'no PyTorch in this run',
  );
}
const tensorSoft = engineEval(soft, ['--compute', 'tensor']);
row(
  '  same, engine --compute tensor',
  `engine ${tensorSoft.report.backend}, ${WORKERS} worker threads`,
  tensorSoft.images,
  tensorSoft.seconds,
  null,
  `exact takes ${fmt(engineSoft.seconds / tensorSoft.seconds)}x the tensor time`,
);

lossVariantRows();

// 4. Scaling with image size and class count.
log('scaling');
const scaling = [];
for (const data of hardSizes) scaling.push({ data, r: data === voc ? engineVoc : engineEval(data) });
for (const data of hardClasses) scaling.push({ data, r: engineEval(data) });
for (const data of softSizes)
  scaling.push({
    data,
    r: data === soft ? engineSoft : data === softSizes[0] && engineSoftSmall ? engineSoftSmall : engineEval(data),
  });
for (const data of softClasses) scaling.push({ data, r: engineEval(data) });

// 5. Large and many-class hard folders: throughput and cost per pixel (the class count should not
// show beyond the C x C confusion matrix each image carries).
log('Cityscapes-sized and ADE-like folders');
const engineCity = engineEval(city);
const engineAde = engineEval(ade);
const nsPerPixel = (r, data) => (r.seconds * 1e9) / data.pixels;
row(
  `Cityscapes-sized hard PNG ${city.width}x${city.height}, ${city.classes} classes, whole eval`,
  `engine exact-float64, ${WORKERS} worker threads`,
  engineCity.images,
  engineCity.seconds,
  null,
  `${fmt(nsPerPixel(engineCity, city), 1)} ns/pixel`,
);
row(
  `ADE-like hard PNG, ${ade.classes} classes, ${ade.sizes.map((s) => s.join('x')).join(' / ')}, whole eval`,
  `engine exact-float64, ${WORKERS} worker threads`,
  engineAde.images,
  engineAde.seconds,
  null,
  `${fmt(nsPerPixel(engineAde, ade), 1)} ns/pixel (VOC-like, 21 classes: ${fmt(nsPerPixel(engineVoc, voc), 1)})`,
);
scaling.push({ data: city, r: engineCity }, { data: ade, r: engineAde });
// The class count alone: the VOC-like folder (ids 0..20 and void) evaluated as 21 and as 150 classes,
// the same pixels and the same work per pixel, only C differs (interleaved, fastest of each).
const asManyClasses = { ...voc, classes: 150 };
let voc21;
let voc150;
for (let round = 0; round < Math.max(2, ROUNDS); round++) {
  voc21 = fastest(voc21, engineEval(voc));
  voc150 = fastest(voc150, engineEval(asManyClasses));
}
row(
  `The VOC-like folder evaluated as ${asManyClasses.classes} classes (the same pixels; only C changes)`,
  `engine exact-float64, ${WORKERS} worker threads`,
  voc150.images,
  voc150.seconds,
  null,
  `${fmt(nsPerPixel(voc150, voc), 1)} ns/pixel against ${fmt(nsPerPixel(voc21, voc), 1)} as ${voc.classes} classes: ${fmt(voc150.seconds / voc21.seconds)}x the time (fastest of ${Math.max(2, ROUNDS)} each, interleaved)`,
);

// 6. Memory on Cityscapes-sized pairs, first-result and cancel latency.
log('memory and latency');
const latency = lastJsonLine(
  run(process.execPath, [PROBE, 'latency', join(voc.dir, 'predictions'), join(voc.dir, 'labels'), String(WORKERS)])
    .stdout,
);
const latencyCity = lastJsonLine(
  run(process.execPath, [PROBE, 'latency', join(city.dir, 'predictions'), join(city.dir, 'labels'), String(WORKERS)])
    .stdout,
);
const labelBudgets = await labelQualityBudgets();
const scale = await scaleRows();

// 7. The webviews in Chromium: the dataset panel, the inspector's first paint, the gallery's scroll.
const ui = await uiRows();

// ---------------------------------------------------------------------------------------------- report

const lines = [];
lines.push(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${WORKERS} cores, ${fmt(totalmem() / 2 ** 30, 0)} GB; node ${process.version}; load average ${fmt(loadAtStart, 1)} at start, ${fmt(loadavg()[0], 1)} at end. Times are process start to exit, all measured in this bench run; the VOC-like rows (the first six) and the soft row with its PyTorch baseline are the fastest of ${ROUNDS} interleaved round(s), the rest one run each.${quick ? ' QUICK RUN: small datasets, numbers not meaningful.' : ''}`,
);
lines.push('');
lines.push('| Workload | Backend | Images | Time (s) | Images/s | Ratio | Note |');
lines.push('|---|---|---:|---:|---:|---:|---|');
for (const r of rows)
  lines.push(
    `| ${r.what} | ${r.backend} | ${r.images} | ${fmt(r.seconds)} | ${fmt(r.images / r.seconds, 1)} | ${r.ratio} | ${r.extra} |`,
  );
lines.push('');
lines.push(`Scaling (engine CLI, ${WORKERS} workers, start-up included; ns/pixel = wall time / pixels evaluated):`);
lines.push('');
lines.push('| Prediction | Size | Classes | Images | Time (s) | Images/s | ns/pixel |');
lines.push('|---|---|---:|---:|---:|---:|---:|');
for (const { data, r } of scaling) {
  lines.push(
    `| ${data.soft ? 'soft .npy' : 'hard PNG'} | ${data.sizes ? `mixed, ${data.sizes.length} sizes` : `${data.width}x${data.height}`} | ${data.classes} | ${r.images} | ${fmt(r.seconds)} | ${fmt(r.images / r.seconds, 1)} | ${fmt((r.seconds * 1e9) / data.pixels, 1)} |`,
  );
}
lines.push('');
lines.push('| Resource figure | Measured | Target |');
lines.push('|---|---:|---|');
lines.push(
  `| Peak RSS, ${engineVoc.images} VOC-like pairs (CLI process, all threads) | ${fmt(engineVoc.peakRssMb, 0)} MB | < 500 MB |`,
);
lines.push(
  `| Peak RSS, ${engineCity.images} Cityscapes-sized pairs ${city.width}x${city.height}, ${city.classes} classes | ${fmt(engineCity.peakRssMb, 0)} MB | < 500 MB |`,
);
lines.push(
  `| Peak RSS, ${engineSoft.images} soft .npy ${soft.classes}x${soft.height}x${soft.width} | ${fmt(engineSoft.peakRssMb, 0)} MB | |`,
);
lines.push(`| Cityscapes-sized throughput | ${fmt(engineCity.images / engineCity.seconds, 1)} images/s | |`);
lines.push(
  `| Time to first result (evaluatePairs, ${WORKERS} workers started cold) | ${fmt(latency.firstResultMs, 0)} ms | < 1000 ms |`,
);
lines.push(`| Cancel: abort() to end of the result stream | ${fmt(latency.cancelMs, 0)} ms | < 1000 ms |`);
lines.push(
  `| Cancel: abort() to workers idle (image in hand finished, CPU quiet) | ${fmt(latency.workersIdleMs, 0)} ms | < 1000 ms |`,
);
lines.push(
  `| Same two, Cityscapes-sized pairs | ${fmt(latencyCity.cancelMs, 0)} ms / ${fmt(latencyCity.workersIdleMs, 0)} ms | < 1000 ms |`,
);
for (const line of ui) lines.push(line);
lines.push('');
lines.push(...labelBudgets);
lines.push('');
lines.push(...scaleTable(scale));
if (!SCALE)
  lines.push(
    '',
    'The 50,000- and 200,000-pair rows and the merge of 1,000,000 records run with SEGLENS_BENCH_SCALE=1 (or --scale-only).',
  );
lines.push('');
for (const note of notes) lines.push(`- ${note}`);
lines.push(
  `- Datasets: generated by src/core/synthetic/scenes.ts into ${dataRoot}. To keep a first run's generation short, sets repeat fewer distinct scenes as file copies: VOC-like 1449 pairs = 483 scenes x 3, 1000x750 = 34 scenes, 60/150 classes = 150 scenes, Cityscapes-sized 500 pairs = 16 scenes, soft sets 2-24 scenes. No stage caches anything by content, so copies cost what distinct files cost.`,
);
lines.push(
  `- Bench wall time: ${fmt((performance.now() - benchStarted) / 1000, 0)} s (dataset generation included on a first run).`,
);

const text = lines.join('\n');
process.stdout.write(`${text}\n`);
writeFileSync(join(resultsDir, 'latest.md'), `# SegLens benchmark, ${new Date().toISOString()}\n\n${text}\n`);
