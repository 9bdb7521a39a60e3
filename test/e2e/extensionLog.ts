/**
 * The extension's own log (the "SegLens" log output channel), read from the profile's log folder:
 * the runner writes lines there that the UI does not show, such as "runner idle: 0 worker threads alive".
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { e2eEnvironment } from './workbench';

const logsDir = e2eEnvironment().logs;

function logFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return logFiles(file);
    return entry.name === 'SegLens.log' ? [file] : [];
  });
}

/**
 * Every line of every SegLens.log (a reload starts a new extension host with a new file), oldest
 * first: each line starts with a "YYYY-MM-DD HH:MM:SS.mmm" time, so a string sort orders them.
 */
export function segLensLogLines(): string[] {
  if (logsDir === undefined) throw new Error('SEGLENS_E2E_LOGS is not set (run through .ci/e2e.sh)');
  return logFiles(logsDir)
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line !== '')
    .sort();
}
