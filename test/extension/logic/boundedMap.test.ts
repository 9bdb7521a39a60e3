import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapBounded } from '../../../src/extension/logic/boundedMap';

test('every item is mapped once, results in item order, never more than the limit in flight', async () => {
  const items = Array.from({ length: 200 }, (_, i) => i);
  let inFlight = 0;
  let most = 0;
  const seen: number[] = [];
  const results = await mapBounded(items, 7, async (item) => {
    inFlight++;
    most = Math.max(most, inFlight);
    seen.push(item);
    // Later items finish sooner, so completion order is not item order.
    await new Promise((resolve) => setTimeout(resolve, (200 - item) % 5));
    inFlight--;
    return item * 2;
  });
  assert.deepEqual(
    results,
    items.map((i) => i * 2),
  );
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    items,
  );
  assert.equal(most, 7);
  assert.deepEqual(await mapBounded([], 7, () => Promise.resolve(1)), []);
});

test('a failing item rejects the whole map, as Promise.all does', async () => {
  await assert.rejects(
    mapBounded([1, 2, 3], 2, (item) => (item === 2 ? Promise.reject(new Error('bad 2')) : Promise.resolve(item))),
    /bad 2/,
  );
});
