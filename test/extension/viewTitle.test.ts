/**
 * The Hard examples view's title bar: at most three icons (the `navigation` group), so the view's
 * name and the list stay readable in a narrow sidebar; every other action sits in its `…` menu.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS, VIEWS } from '../../src/extension/ids';
import { REPO_ROOT } from '../helpers/golden';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  contributes: { menus: { 'view/title': { command: string; when?: string; group?: string }[] } };
};
const titleItems = manifest.contributes.menus['view/title'].filter((item) =>
  (item.when ?? '').includes(`view == ${VIEWS.hardExamples}`),
);

test('at most three icons in the Hard examples title bar, the gallery among them', () => {
  const icons = titleItems.filter((item) => (item.group ?? '').startsWith('navigation'));
  assert.ok(icons.length <= 3, `${icons.length} icons: ${icons.map((item) => item.command).join(', ')}`);
  assert.ok(icons.some((item) => item.command === COMMANDS.openGallery));
});

test('the other actions are still reachable from the … menu', () => {
  const inMenu = titleItems.filter((item) => !(item.group ?? '').startsWith('navigation')).map((i) => i.command);
  for (const command of [COMMANDS.filterByClass, COMMANDS.rerunEvaluation, COMMANDS.exportResults])
    assert.ok(inMenu.includes(command), `${command} is in neither the title bar nor its menu`);
});
