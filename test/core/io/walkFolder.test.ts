import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, test } from 'node:test';
import { walkFolder } from '../../../src/core/io/walkFolder';

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
