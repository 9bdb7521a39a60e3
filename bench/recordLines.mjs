// The extension host's record and cache lines without VS Code (issue 23): N records as the main thread
// gets them from the engine's worker (fromWireRecord), each appended to the view's record file
// (logic/recordFile.ts, as ResultsStore.keep does) and stored in the result cache (logic/resultCache.ts,
// as the runner's `remember` does), then the cache saved: the main thread's CPU time (process.cpuUsage,
// user + system) and wall time, in a fresh process per run. Not a timed test: numbers to compare.
//
//   npm run pretest            # builds dist/ (the data generator, the CLI) and out/ (the compiled modules)
//   node bench/recordLines.mjs [--count 100000] [--runs 3] [--out DIR]
//
// The records are real: 500 distinct 64x48 scenes of 21 classes (the scale bench's scene, seed 12)
// evaluated by the CLI, copied with other names up to N. `--out DIR`: another compiled tree (out/ of
// another commit) to compare with; the "records only" line is the loop without the files, to subtract.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const count = Number(argument('--count', '100000'));
const runs = Number(argument('--runs', '3'));
const out = resolve(argument('--out', join(root, 'out')));

/** The CLI's records of the scale bench's scene, one results-file line each. */
function evaluatedRecords(dir) {
  const data = join(dir, 'scene');
  execFileSync(process.execPath, [
    join(root, 'dist', 'make-bench-data.js'),
    ...['--out', data, '--count', '500', '--unique', '500', '--width', '64', '--height', '48'],
    ...['--classes', '21', '--seed', '12'],
  ]);
  const results = join(dir, 'records.jsonl');
  execFileSync(process.execPath, [
    join(root, 'bin', 'seglens.js'),
    ...['eval', join(data, 'predictions'), '--labels', join(data, 'labels'), '--classes', '21'],
    ...['--workers', '1', '--out', results],
  ]);
  return results;
}

/** One measured run (in this process): the records alone, then through both files. */
async function measure(resultsFile, dir) {
  const require = createRequire(join(out, 'src', 'extension', 'logic', 'x.js'));
  const { RecordFile } = require('./recordFile.js');
  const { ResultCache } = require('./resultCache.js');
  const { fromWireRecord } = require('../../core/evaluate/record.js');
  const { sparseConfusion } = require('../../core/metrics/sparseConfusion.js');

  // As a worker posts them: the confusion's non-zero cells, the boundary counts in typed arrays.
  const wires = readFileSync(resultsFile, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.type === 'image')
    .map(({ record }) => ({
      ...record,
      confusion: sparseConfusion({
        numClasses: record.confusion.unknown.length,
        counts: Float64Array.from(record.confusion.counts),
        unknown: Float64Array.from(record.confusion.unknown),
      }),
      boundary: {
        intersection: Float64Array.from(record.boundary.intersection),
        union: Float64Array.from(record.boundary.union),
      },
    }));
  const recordOf = (i) => {
    const wire = wires[i % wires.length];
    const name = `${wire.name}-${i}`;
    return fromWireRecord({
      ...wire,
      name,
      predictionFile: `/data/predictions/${name}.png`,
      labelFile: `/data/labels/${name}.png`,
    });
  };
  const stamps = {
    prediction: { size: 1234, mtimeMs: 1733550000000.5 },
    label: { size: 987, mtimeMs: 1733550000001.25 },
  };
  const hash = 'a'.repeat(64);
  const timed = async (work) => {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await work();
    const used = process.cpuUsage(cpu);
    return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
  };

  let kept = 0;
  const alone = await timed(() => {
    for (let i = 0; i < count; i++) kept += recordOf(i).width;
  });
  const view = RecordFile.create(join(dir, `view-${process.pid}.jsonl`));
  const cache = await ResultCache.open(join(dir, `storage-${process.pid}`), '/data/predictions', '/data/labels');
  const files = await timed(async () => {
    for (let i = 0; i < count; i++) {
      const record = recordOf(i);
      view.append(record);
      cache.store(record, stamps, hash);
    }
    await cache.save();
    view.close();
  });
  const bytes = statSync(view.file).size;
  view.delete();
  return { alone, files, bytes, kept };
}

if (process.argv.includes('--child')) {
  const result = await measure(argument('--child'), argument('--dir'));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-record-lines-'));
  try {
    const resultsFile = evaluatedRecords(dir);
    const script = fileURLToPath(import.meta.url);
    console.log(`${count} records through the record file and the result cache, compiled tree ${out}`);
    console.log(
      '| run | records only: CPU ms | wall ms | with both files: CPU ms | wall ms | files minus records: CPU ms |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (let run = 1; run <= runs; run++) {
      const child = execFileSync(process.execPath, [
        script,
        ...['--child', resultsFile, '--dir', dir, '--count', String(count), '--out', out],
      ]);
      const { alone, files } = JSON.parse(child.toString());
      const ms = (value) => Math.round(value).toLocaleString('en-US');
      console.log(
        `| ${run} | ${ms(alone.cpuMs)} | ${ms(alone.wallMs)} | ${ms(files.cpuMs)} | ${ms(files.wallMs)} | ${ms(files.cpuMs - alone.cpuMs)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
