/** The reference answer for the e2e: what the lead's CLI computes for the same folders. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface CliImage {
  readonly name: string;
  readonly adaptive: number | null;
  readonly miou: number | null;
  /** IoU per class id; null where the class is in neither the label nor the prediction. */
  readonly perClassIoU?: readonly (number | null)[];
}

const isNullableNumber = (value: unknown): boolean => typeof value === 'number' || value === null;

function isCliImage(value: unknown): value is CliImage {
  const v = value as Partial<CliImage> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    isNullableNumber(v.adaptive) &&
    isNullableNumber(v.miou)
  );
}

/** Orders by `value` (descending or ascending), images without a value last, ties by name. */
export function orderBy(
  images: readonly CliImage[],
  value: (image: CliImage) => number | null,
  direction: 'descending' | 'ascending',
): CliImage[] {
  const sign = direction === 'descending' ? -1 : 1;
  return [...images].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      return sign * (va - vb);
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/** Images hardest first: adaptive loss descending, ties by name, as the Hard examples view sorts them. */
export function expectedHardestFirst(
  repo: string,
  predictionsDir: string,
  labelsDir: string,
  extraArgs: readonly string[] = [],
): CliImage[] {
  const stdout = execFileSync(
    process.execPath,
    [path.join(repo, 'dist', 'cli.js'), 'eval', predictionsDir, '--labels', labelsDir, ...extraArgs, '--json'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const parsed = JSON.parse(stdout) as { images?: unknown };
  if (!Array.isArray(parsed.images) || !parsed.images.every(isCliImage))
    throw new Error('unexpected CLI output: no images list');
  return orderBy(parsed.images, (image) => image.adaptive, 'descending');
}

/** An image's confusion matrix from the CLI's records: counts[label * numClasses + predicted] pixels. */
export interface CliConfusion {
  readonly numClasses: number;
  readonly counts: readonly number[];
}

/** Each image's confusion matrix by name, from the records the CLI writes with `--out` (JSON lines). */
export function cliConfusions(repo: string, predictionsDir: string, labelsDir: string): Map<string, CliConfusion> {
  const dir = mkdtempSync(path.join(tmpdir(), 'seglens-e2e-records-'));
  try {
    const out = path.join(dir, 'records.jsonl');
    execFileSync(process.execPath, [
      path.join(repo, 'dist', 'cli.js'),
      'eval',
      predictionsDir,
      '--labels',
      labelsDir,
      '--out',
      out,
    ]);
    const confusions = new Map<string, CliConfusion>();
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as {
        type?: string;
        record?: { name?: unknown; confusion?: { counts?: unknown } };
      };
      if (entry.type !== 'image') continue; // the header, skipped files and the end line
      const { name, confusion } = entry.record ?? {};
      const counts = confusion?.counts;
      if (typeof name !== 'string' || !Array.isArray(counts) || !counts.every((n) => typeof n === 'number'))
        throw new Error(`unexpected CLI record in ${out}: ${line.slice(0, 120)}`);
      confusions.set(name, { numClasses: Math.round(Math.sqrt(counts.length)), counts });
    }
    return confusions;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
