import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, test } from 'node:test';
import { walkFiles, walkFolder, type FoundFile } from '../../../src/core/io/walkFolder';

const root = mkdtempSync(join(tmpdir(), 'seglens-walk-'));
after(() => rmSync(root, { recursive: true, force: true }));

test("every file's path is path.join(root as given, its folder, its name), however the root is written", async () => {
  mkdirSync(join(root, 'tree', 'val', 'frankfurt'), { recursive: true });
  for (const file of ['a.png', 'b.npy', join('val', 'c.png'), join('val', 'frankfurt', 'd.png')])
    writeFileSync(join(root, 'tree', file), '');
  const tree = join(root, 'tree');
  const spellings = [
    tree,
    `${tree}${sep}`,
    join(root, 'tree', 'val', '..') + sep + '.',
    `${root}${sep}${sep}tree`,
    relative(process.cwd(), tree),
  ];
  for (const given of spellings) {
    const found = await walkFolder(given, []);
    assert.equal(found.length, 4, given);
    for (const f of found)
      assert.equal(f.file, join(given, ...(f.relDir === '' ? [] : f.relDir.split('/')), f.base + f.extension), given);
  }
});

/** The walk retyped naively: readdirSync, every name sorted at once, depth-first; symlinks followed to files only. */
function naiveWalk(dir: string, relDir = '', depth = 0): string[] {
  const names = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const files: string[] = [];
  for (const entry of names) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (depth < 4) files.push(...naiveWalk(path, rel, depth + 1));
    } else if (/\.(png|npy)$/i.test(entry.name)) {
      let isFile = entry.isFile();
      if (entry.isSymbolicLink())
        try {
          isFile = statSync(path).isFile();
        } catch {
          isFile = false;
        }
      if (isFile) files.push(rel);
    }
  }
  return files;
}

test('a listing spilled in chunks of 2 or 3 walks the same files in the same order as a naive sorted walk', async () => {
  const tree = join(root, 'chunks');
  const names = [
    'b.png',
    'a.png',
    'B.png',
    'ü.png',
    'a_gt.png',
    'a.npy',
    'c.txt',
    '.hidden.png',
    'z.PNG',
    '10.png',
    '9.png',
  ];
  for (const folder of ['', 'x', 'x/y', 'Ä']) {
    mkdirSync(join(tree, folder), { recursive: true });
    for (const name of names) writeFileSync(join(tree, folder, name), '');
  }
  symlinkSync(join(tree, 'a.png'), join(tree, 'x', 'link.png'));
  symlinkSync(join(tree, 'missing.png'), join(tree, 'x', 'dangling.png'));
  const expected = naiveWalk(tree);
  const relative = (f: FoundFile): string =>
    f.file
      .slice(tree.length + 1)
      .split(sep)
      .join('/');
  assert.deepStrictEqual((await walkFolder(tree, [])).map(relative), expected);
  for (const chunk of [2, 3]) {
    const found: FoundFile[] = [];
    const skipped: { file: string; reason: string }[] = [];
    await walkFiles(tree, skipped, { maxDepth: 4, maxFiles: 1000 }, (f) => void found.push(f), { chunk, fanIn: 2 });
    assert.deepStrictEqual(found.map(relative), expected, `chunk ${chunk}`);
    assert.deepStrictEqual(skipped, [{ file: join(tree, 'x', 'dangling.png'), reason: 'dangling symbolic link' }]);
  }
});
