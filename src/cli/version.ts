import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's version, from the package.json one folder above the bundle (`dist/cli.js` → `package.json`). */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
