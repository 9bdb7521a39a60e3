import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Disposable, DisposableStore, disposeAll, toDisposable } from '../../../src/extension/logic/dispose';

class Owner extends Disposable {
  constructor(log: string[]) {
    super();
    this.register(toDisposable(() => log.push('first')));
    this.register(toDisposable(() => log.push('second')));
  }
  adopt(log: string[], name: string): void {
    this.register(toDisposable(() => log.push(name)));
  }
  get closed(): boolean {
    return this.isDisposed;
  }
}

test('a Disposable disposes what it registered once, last registered first', () => {
  const log: string[] = [];
  const owner = new Owner(log);
  assert.equal(owner.closed, false);
  owner.dispose();
  owner.dispose();
  assert.deepEqual(log, ['second', 'first']);
  assert.equal(owner.closed, true);
});

test('registering on a disposed object disposes the value at once', () => {
  const log: string[] = [];
  const owner = new Owner(log);
  owner.dispose();
  owner.adopt(log, 'late');
  assert.deepEqual(log, ['second', 'first', 'late']);
});

test('a DisposableStore can be cleared and reused; after dispose it disposes what it is given', () => {
  const log: string[] = [];
  const store = new DisposableStore();
  store.add(toDisposable(() => log.push('panel 1')));
  store.clear();
  store.add(toDisposable(() => log.push('panel 2')));
  store.dispose();
  store.add(toDisposable(() => log.push('after')));
  assert.deepEqual(log, ['panel 1', 'panel 2', 'after']);
});

test('one throwing disposable does not keep the others alive; the error is rethrown after', () => {
  const log: string[] = [];
  const items = [
    toDisposable(() => log.push('a')),
    toDisposable(() => {
      throw new Error('boom');
    }),
    toDisposable(() => log.push('c')),
  ];
  assert.throws(() => disposeAll(items), /boom/);
  assert.deepEqual(log, ['c', 'a']);
  assert.equal(items.length, 0);
});
