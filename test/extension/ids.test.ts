/**
 * package.json's `contributes` and src/extension/ids.ts name the same ids, both ways. commands.ts
 * registers commands only through a table typed `{ [name in keyof COMMANDS]: handler }` (lint forbids
 * registerCommand anywhere else), so the registered commands are exactly `COMMANDS`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS, CONTEXT_KEYS, STATE_KEYS, VIEW_CONTAINER, VIEWS, WEBVIEW_PANELS } from '../../src/extension/ids';
import { REPO_ROOT } from '../helpers/golden';

interface Contributes {
  commands: { command: string }[];
  menus: Record<string, { command: string; when?: string }[]>;
  viewsContainers: Record<string, { id: string }[]>;
  views: Record<string, { id: string }[]>;
  viewsWelcome: { view: string; contents: string }[];
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: Contributes;
};
const contributes = manifest.contributes;
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

const commandIds: string[] = Object.values(COMMANDS);
const viewIds: string[] = Object.values(VIEWS);
const contextKeys: string[] = Object.values(CONTEXT_KEYS);
const menuItems = Object.values(contributes.menus).flat();
const welcomeLinks = contributes.viewsWelcome.flatMap((welcome) =>
  [...welcome.contents.matchAll(/\(command:([^)\s?]+)/g)].map((match) => match[1]!),
);
/** `seglens.*` names in when clauses that are not view ids: context keys. */
const whenKeys = menuItems.flatMap((item) =>
  [...(item.when ?? '').matchAll(/\bseglens\.[\w.]+/g)].map((match) => match[0]).filter((k) => !viewIds.includes(k)),
);

test('contributes.commands and COMMANDS list the same commands', () => {
  const contributed = contributes.commands.map((c) => c.command);
  assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
  assert.deepEqual(sorted(contributed), sorted(commandIds));
});

test('every command a menu or a welcome link names is one of COMMANDS', () => {
  for (const id of [...menuItems.map((item) => item.command), ...welcomeLinks])
    assert.ok(commandIds.includes(id), `${id} is not in src/extension/ids.ts`);
  assert.ok(welcomeLinks.length > 0, 'the welcome view links a command');
});

test('contributed views and their container match VIEWS and VIEW_CONTAINER, both ways', () => {
  assert.deepEqual(
    Object.values(contributes.viewsContainers)
      .flat()
      .map((c) => c.id),
    [VIEW_CONTAINER],
  );
  assert.deepEqual(Object.keys(contributes.views), [VIEW_CONTAINER]);
  assert.deepEqual(
    sorted(
      Object.values(contributes.views)
        .flat()
        .map((v) => v.id),
    ),
    sorted(viewIds),
  );
  for (const welcome of contributes.viewsWelcome) assert.ok(viewIds.includes(welcome.view), welcome.view);
  for (const item of menuItems) {
    for (const [, view] of (item.when ?? '').matchAll(/\bview == ([\w.]+)/g))
      assert.ok(viewIds.includes(view!), `${item.command}: unknown view ${view}`);
  }
});

test('context keys in when clauses and CONTEXT_KEYS agree, both ways', () => {
  assert.deepEqual(sorted(whenKeys), sorted(contextKeys));
});

test('webview panel types and their onWebviewPanel activation events agree, both ways', () => {
  const activated = manifest.activationEvents
    .filter((event) => event.startsWith('onWebviewPanel:'))
    .map((event) => event.slice('onWebviewPanel:'.length));
  assert.deepEqual(sorted(activated), sorted(Object.values(WEBVIEW_PANELS)));
});

test('ids are unique and in the seglens namespace', () => {
  const all = [
    ...commandIds,
    ...viewIds,
    ...contextKeys,
    ...Object.values(WEBVIEW_PANELS),
    ...Object.values(STATE_KEYS),
  ];
  assert.equal(new Set(all).size, all.length);
  for (const id of all) assert.match(id, /^seglens\.[\w.]+$/);
});
