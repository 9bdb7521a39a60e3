import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SlurmCommand } from './args';

/** Where `seglens slurm` puts things inside --out. */
export const SLURM_FILES = {
  evalScript: 'seglens-eval.sbatch',
  mergeScript: 'seglens-merge.sbatch',
  logs: 'logs',
  mergedRecords: 'merged.jsonl',
  mergedReport: 'merged.json',
  mergedCsv: 'merged.csv',
} as const;

/** POSIX shell single quotes: the text is passed on byte for byte. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface SlurmPlan {
  readonly predictionsDir: string;
  readonly labelsDir: string;
  readonly out: string;
  readonly shards: number;
  /** The eval options passed on to every task, as given. */
  readonly evalArgs: readonly string[];
  /** How to run seglens on the cluster's nodes: the node binary and the CLI script. */
  readonly node: string;
  readonly cli: string;
  readonly partition?: string;
  readonly time?: string;
  readonly cpusPerTask?: number;
  /** Where the tasks start, so relative paths in the options (a --dataset or --color-table file) resolve as here. */
  readonly workdir?: string;
}

function directives(plan: SlurmPlan, name: string, output: string): string[] {
  return [
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${output}`,
    ...(plan.workdir !== undefined ? [`#SBATCH --chdir=${plan.workdir}`] : []),
    ...(plan.partition !== undefined ? [`#SBATCH --partition=${plan.partition}`] : []),
    ...(plan.time !== undefined ? [`#SBATCH --time=${plan.time}`] : []),
  ];
}

/**
 * The two batch scripts: an array of `shards` tasks, each evaluating its shard (`--shard auto` reads
 * the task id), and a merge job to be submitted with `--dependency=afterok:<array id>`, which checks
 * that all parts of the run are there and writes the merged records, report and CSV.
 */
export function slurmScripts(plan: SlurmPlan): { readonly eval: string; readonly merge: string } {
  const q = shellQuote;
  const logs = join(plan.out, SLURM_FILES.logs);
  const seglens = `${q(plan.node)} ${q(plan.cli)}`;
  const evalScript = [
    '#!/bin/bash',
    `# Written by seglens slurm: shard i of ${plan.shards}, i from this array task (seglens eval --shard auto).`,
    ...directives(plan, 'seglens-eval', join(logs, 'eval-%A_%a.log')),
    `#SBATCH --array=0-${plan.shards - 1}`,
    ...(plan.cpusPerTask !== undefined ? [`#SBATCH --cpus-per-task=${plan.cpusPerTask}`] : []),
    'set -euo pipefail',
    [
      `exec ${seglens} eval ${q(plan.predictionsDir)} --labels ${q(plan.labelsDir)}`,
      ...plan.evalArgs.map(q),
      `--shard auto --shards ${plan.shards} --out ${q(plan.out)}`,
    ].join(' '),
    '',
  ].join('\n');
  const report = join(plan.out, SLURM_FILES.mergedReport);
  const temp = join(plan.out, `.${SLURM_FILES.mergedReport}.tmp`);
  const mergeScript = [
    '#!/bin/bash',
    `# Written by seglens slurm: merges parts 0..${plan.shards - 1}; submit with --dependency=afterok:<array job id>.`,
    ...directives(plan, 'seglens-merge', join(logs, 'merge-%j.log')),
    'set -euo pipefail',
    [
      `${seglens} merge ${q(plan.out)} --out ${q(join(plan.out, SLURM_FILES.mergedRecords))}`,
      `--csv ${q(join(plan.out, SLURM_FILES.mergedCsv))} --json > ${q(temp)}`,
    ].join(' '),
    `mv ${q(temp)} ${q(report)}`,
    `echo "merged ${plan.shards} shards into ${report}"`,
    '',
  ].join('\n');
  return { eval: evalScript, merge: mergeScript };
}

/** `sbatch --parsable` prints `id` or `id;cluster`. */
export function parseSbatchId(stdout: string): string {
  const id = /^(\d+)(;\S+)?\s*$/.exec(stdout.trim())?.[1];
  if (id === undefined) throw new Error(`sbatch printed no job id: ${JSON.stringify(stdout.trim())}`);
  return id;
}

function sbatch(args: readonly string[]): string {
  const result = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw new Error(`cannot run sbatch (${(result.error as NodeJS.ErrnoException).code ?? ''})`);
  if (result.status !== 0) throw new Error(`sbatch ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return parseSbatchId(result.stdout);
}

/** Refuses an --out folder that already holds parts or a merged result: they would mix with the new run's. */
async function checkEmptyOfResults(out: string): Promise<void> {
  const names = await readdir(out).catch(() => [] as string[]);
  const stale = names.filter((name) => /^part-\d+-of-\d+\.jsonl$/.test(name) || name.startsWith('merged.')).sort();
  if (stale.length > 0)
    throw new Error(
      `${out} already holds ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''} from an earlier run: ` +
        'remove them or choose another --out',
    );
}

export async function runSlurm(command: SlurmCommand): Promise<void> {
  const out = resolve(command.out);
  await checkEmptyOfResults(out);
  await mkdir(join(out, SLURM_FILES.logs), { recursive: true });
  const workers = command.eval.workers;
  const plan: SlurmPlan = {
    predictionsDir: resolve(command.eval.predictionsDir),
    labelsDir: resolve(command.eval.labelsDir),
    out,
    shards: command.shards,
    evalArgs: command.evalArgs,
    node: process.execPath,
    cli: realpathSync(process.argv[1] ?? __filename),
    ...(command.partition !== undefined ? { partition: command.partition } : {}),
    ...(command.time !== undefined ? { time: command.time } : {}),
    ...(workers !== undefined && workers > 0 ? { cpusPerTask: workers } : {}),
    workdir: process.cwd(),
  };
  const scripts = slurmScripts(plan);
  const evalScript = join(out, SLURM_FILES.evalScript);
  const mergeScript = join(out, SLURM_FILES.mergeScript);
  await writeFile(evalScript, scripts.eval);
  await writeFile(mergeScript, scripts.merge);
  await Promise.all([chmod(evalScript, 0o755), chmod(mergeScript, 0o755)]);
  const where = [
    `  parts:  ${join(out, `part-<i>-of-${command.shards}.jsonl`)}`,
    `  logs:   ${join(out, SLURM_FILES.logs)}/`,
    `  result: ${join(out, SLURM_FILES.mergedReport)} (report), ${join(out, SLURM_FILES.mergedRecords)} ` +
      '(records: VS Code → SegLens: Open Results…)',
  ];
  if (!command.submit) {
    process.stdout.write(
      [
        `wrote ${evalScript} (array of ${command.shards}) and ${mergeScript}; submit both with`,
        `  jid=$(sbatch --parsable ${shellQuote(evalScript)}) && sbatch --dependency=afterok:\${jid%%;*} ${shellQuote(mergeScript)}`,
        ...where,
        '',
      ].join('\n'),
    );
    return;
  }
  const arrayId = sbatch([evalScript]);
  const mergeId = sbatch([`--dependency=afterok:${arrayId}`, mergeScript]);
  process.stdout.write(
    [
      `submitted array job ${arrayId} (${command.shards} tasks) and merge job ${mergeId} (runs after all tasks succeed)`,
      ...where,
      `  watch:  squeue -j ${arrayId},${mergeId}`,
      '',
    ].join('\n'),
  );
}
