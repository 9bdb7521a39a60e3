import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PNG } from 'pngjs';
import { evaluatePairs } from '../core/evaluate/evaluatePairs';
import { pairFiles } from '../core/io/pairing';
import { readPngClassMap } from '../core/io/pngClassMap';
import { readLabelSync, readPredictionSync, type EngineOptions } from '../core/io/readFiles';
import { metricsFromTerms } from '../core/metrics/imageMetrics';
import { softPixelTerms } from '../core/metrics/pixelTerms';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../core/options';
import { loadResultsFile, ResultsWriter } from '../core/report/resultsFile';
import { partFileName } from '../core/report/shards';

/**
 * Measurements the CLI cannot make from outside, for bench/run.mjs. Prints one JSON line.
 *   bench-probe latency PRED LABELS WORKERS   time to the first outcome, and from abort() to the stream's end
 *   bench-probe decode WORKERS DIR...         pngjs decode of every PNG in the folders (the decode-only floor)
 *   bench-probe decode-engine WORKERS DIR...  the engine's own PNG reader (readPngClassMap) on every PNG
 *   bench-probe checksum FIRST DIR...         per file of the first FIRST PNGs of each folder, the class ids'
 *                                             checksum sum(id[p] * (p % 65521 + 1)), as bench/decode_pillow.py prints it
 *   bench-probe soft-quality PRED LABELS ROUNDS
 *                                             soft evaluation in process with label quality and calibration
 *                                             and without them, interleaved rounds, fastest of each; checks
 *                                             first that both give the same figures they share
 *   bench-probe results-parts TEMPLATE DIR PARTS TOTAL i/n
 *                                             the parts of a run of TOTAL images in PARTS shards, for timing
 *                                             `seglens merge` without evaluating TOTAL images: image g is the
 *                                             results file TEMPLATE's record g % T under its own name, in part
 *                                             g % PARTS (round-robin, as shards split a run); written by the
 *                                             results-file writer. This process writes the parts p with p % n = i.
 */

const options: EngineOptions = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS, compute: 'exact' };

async function latency(predictions: string, labels: string, workers: number): Promise<void> {
  const { pairs } = await pairFiles(predictions, labels);
  // Time to first result: from the call to the first outcome, workers started cold.
  let started = performance.now();
  let firstResultMs = Number.NaN;
  for await (const outcome of evaluatePairs(pairs, options, { workers })) {
    void outcome;
    firstResultMs = performance.now() - started;
    break; // leaving the loop runs the generator's cleanup (workers terminated)
  }
  // Cancel: abort mid-run, once the pool is busy, and time until the loop has ended and the workers are gone.
  const abort = new AbortController();
  let received = 0;
  let abortedAt = 0;
  started = performance.now();
  for await (const outcome of evaluatePairs(pairs, options, { workers, signal: abort.signal })) {
    void outcome;
    received++;
    if (received === 3 * workers) {
      abortedAt = performance.now();
      abort.abort();
    }
  }
  const cancelMs = performance.now() - abortedAt;
  // The stream ends at once; workers finish the image in hand and exit. Their CPU use (counted in this
  // process) going quiet is when the cancelled work has really stopped.
  const workersIdleMs = (await cpuQuiet()) - abortedAt;
  process.stdout.write(
    `${JSON.stringify({ firstResultMs, cancelMs, workersIdleMs, receivedBeforeStop: received, pairs: pairs.length, workers })}\n`,
  );
}

/** Resolves at the start of the first 50 ms in which this process (all threads) used under 5 ms of CPU. */
async function cpuQuiet(): Promise<number> {
  for (;;) {
    const start = performance.now();
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 5) return start;
  }
}

function decodeFiles(files: readonly string[], reader: 'pngjs' | 'engine'): number {
  let pixels = 0;
  for (const file of files) {
    const png =
      reader === 'pngjs'
        ? PNG.sync.read(readFileSync(file))
        : readPngClassMap(file, readFileSync(file), { maxMegapixels: 64 });
    pixels += png.width * png.height;
  }
  return pixels;
}

async function decode(reader: 'pngjs' | 'engine', workers: number, dirs: readonly string[]): Promise<void> {
  const files = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .map((f) => join(dir, f)),
  );
  const started = performance.now();
  const parts = Array.from({ length: workers }, (_, w) => files.filter((_, i) => i % workers === w));
  const pixels = await Promise.all(
    parts.map(
      (part) =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: { files: part, reader } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ files: files.length, seconds, pixels: pixels.reduce((a, b) => a + b, 0), workers })}\n`,
  );
}

/** The first `first` PNGs of each folder by name, each as "folder/file": checksum of its ids. */
function checksums(first: number, dirs: readonly string[]): void {
  const files = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .slice(0, first)
      .map((f) => join(dir, f)),
  );
  const out: Record<string, number> = {};
  for (const file of files) {
    const { ids } = readPngClassMap(file, readFileSync(file), { maxMegapixels: 64 });
    let sum = 0;
    for (let p = 0; p < ids.length; p++) sum += ids[p]! * ((p % 65521) + 1);
    out[`${basename(dirname(file))}/${basename(file)}`] = sum;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function resultsParts(template: string, dir: string, parts: number, total: number, slice: string): Promise<void> {
  const [mine, of] = slice.split('/').map(Number) as [number, number];
  const { header, records } = await loadResultsFile(template);
  if (records.length === 0) throw new Error(`${template}: no image records to copy`);
  mkdirSync(dir, { recursive: true });
  const width = String(total - 1).length;
  for (let part = mine; part < parts; part += of) {
    const file = join(dir, partFileName({ index: part, count: parts }));
    if (existsSync(file)) continue;
    const writer = ResultsWriter.open(file, { ...header, shard: `${part}/${parts}` });
    for (let g = part; g < total; g += parts) {
      const record = records[g % records.length]!;
      const name = `img_${String(g).padStart(width, '0')}`;
      await writer.addImage({ ...record, name, predictionFile: `${name}.png`, labelFile: `${name}.png` });
    }
    await writer.commit();
  }
  process.stdout.write(`${JSON.stringify({ parts, total, template: records.length })}\n`);
}

/** The figures an evaluation with and without label quality and calibration both report, as JSON. */
function sharedFigures(metrics: object, without: object): string {
  const shared = Object.fromEntries(Object.entries(metrics).filter(([key]) => key in without));
  return JSON.stringify(shared);
}

/**
 * The cost of label quality and calibration (issue 22's soft budget): every pair through the engine's
 * soft path as a worker runs it (softPixelTerms, then metricsFromTerms), once as shipped (the top-1
 * confidence in the terms adds label quality, label issues, low-confidence share and calibration) and
 * once with the confidence left out of the terms (what the engine computed before them; the confidence
 * itself, one division per pixel in the shared pass, stays in both). Two timings per round:
 * computation alone on files read beforehand (the upper bound of the ratio), and read + decode +
 * computation per pair (a run's work, without process start and threads).
 */
async function softQualityCost(predictions: string, labels: string, rounds: number): Promise<void> {
  const { pairs } = await pairFiles(predictions, labels);
  const read = (pair: (typeof pairs)[number]) => {
    const prediction = readPredictionSync(pair.predictionFile, options);
    if (prediction.type !== 'soft') throw new Error(`${pair.predictionFile}: soft-quality needs soft predictions`);
    return { label: readLabelSync(pair.labelFile, options), scores: prediction.scores };
  };
  const evaluate = ({ label, scores }: ReturnType<typeof read>, withQuality: boolean) => {
    const terms = softPixelTerms(label, scores, options.metric);
    if (withQuality) return metricsFromTerms(terms, options.metric, scores).metrics;
    const { confidence: _confidence, ...without } = terms;
    return metricsFromTerms(without, options.metric).metrics;
  };
  const loaded = pairs.map(read);
  // Before timing: both paths report the same figures they share, image by image.
  for (const [i, pair] of loaded.entries()) {
    const withQuality = evaluate(pair, true);
    const without = evaluate(pair, false);
    if (!('labelQuality' in withQuality) || 'labelQuality' in without)
      throw new Error('soft-quality: label quality is not where it should be');
    if (sharedFigures(withQuality, without) !== JSON.stringify(without))
      throw new Error(`soft-quality: ${pairs[i]!.predictionFile} gives other figures with label quality than without`);
  }
  // CPU time of this process (one thread computing): steadier than wall time on a shared machine.
  const timed = (work: () => void): number => {
    const started = process.cpuUsage();
    work();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1e6;
  };
  const best = { computeWith: Infinity, computeWithout: Infinity, wholeWith: Infinity, wholeWithout: Infinity };
  for (let round = 0; round < rounds; round++) {
    best.computeWithout = Math.min(
      best.computeWithout,
      timed(() => loaded.forEach((pair) => evaluate(pair, false))),
    );
    best.computeWith = Math.min(
      best.computeWith,
      timed(() => loaded.forEach((pair) => evaluate(pair, true))),
    );
    best.wholeWithout = Math.min(
      best.wholeWithout,
      timed(() => pairs.forEach((pair) => evaluate(read(pair), false))),
    );
    best.wholeWith = Math.min(
      best.wholeWith,
      timed(() => pairs.forEach((pair) => evaluate(read(pair), true))),
    );
  }
  process.stdout.write(`${JSON.stringify({ images: pairs.length, rounds, checked: loaded.length, ...best })}\n`);
}

if (!isMainThread) {
  const { files, reader } = workerData as { files: string[]; reader: 'pngjs' | 'engine' };
  parentPort!.postMessage(decodeFiles(files, reader));
} else {
  const [mode, ...rest] = process.argv.slice(2);
  const run =
    mode === 'checksum'
      ? Promise.resolve(checksums(Number(rest[0]), rest.slice(1)))
      : mode === 'latency'
        ? latency(rest[0]!, rest[1]!, Number(rest[2] ?? 2))
        : mode === 'decode' || mode === 'decode-engine'
          ? decode(mode === 'decode' ? 'pngjs' : 'engine', Number(rest[0]), rest.slice(1))
          : mode === 'results-parts'
            ? resultsParts(rest[0]!, rest[1]!, Number(rest[2]), Number(rest[3]), rest[4] ?? '0/1')
            : mode === 'soft-quality'
              ? softQualityCost(rest[0]!, rest[1]!, Number(rest[2] ?? 3))
              : Promise.reject(
                  new Error(
                    'usage: bench-probe latency PRED LABELS WORKERS | decode WORKERS DIR... | decode-engine WORKERS DIR... | checksum FIRST DIR... | results-parts TEMPLATE DIR PARTS TOTAL i/n | soft-quality PRED LABELS ROUNDS',
                  ),
                );
  run.catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
