/**
 * The VSIX as the Marketplace sees it: `vsce ls` lists what `npm run package` would put in it. Every image
 * README.md shows must be in it (the Marketplace page renders the README), and so must the icon and the
 * runtime bundles; no source, test or map file may be.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/golden';

const VSCE = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

function packagedFiles(): string[] {
  const result = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

test('the VSIX holds every image README.md shows, the 128-px icon and the runtime bundles, and no sources', () => {
  const files = new Set(packagedFiles());
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
  assert.ok(images.length >= 3, `README shows ${images.length} images; the tour has three`);
  for (const image of images) {
    if (/^https:\/\//.test(image)) continue;
    assert.ok(!/^[a-z]+:/i.test(image), `README image ${image} is neither relative nor https`);
    assert.ok(files.has(image), `README shows ${image}, which the VSIX leaves out`);
  }
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    icon?: string;
    repository?: { url?: string };
    homepage?: string;
    bugs?: { url?: string };
  };
  assert.ok(manifest.icon !== undefined && files.has(manifest.icon), 'the icon is packaged');
  const icon = readFileSync(join(REPO_ROOT, manifest.icon));
  assert.equal(icon.readUInt32BE(16), 128, 'icon width');
  assert.equal(icon.readUInt32BE(20), 128, 'icon height');
  assert.match(manifest.repository?.url ?? '', /^https:\/\//);
  assert.match(manifest.homepage ?? '', /^https:\/\//);
  assert.match(manifest.bugs?.url ?? '', /^https:\/\//);
  for (const bundle of ['dist/extension.js', 'dist/worker.js', 'dist/inspector.js', 'dist/dataset.js']) {
    assert.ok(files.has(bundle), `${bundle} is packaged`);
  }
  const unwanted = [...files].filter((file) => /^(src|test|webview|scripts|bench|wasm)\/|\.map$|\.ts$/.test(file));
  assert.deepEqual(unwanted, []);
});
