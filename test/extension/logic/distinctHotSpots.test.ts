import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HotSpotRegion } from '../../../src/core';
import { distinctHotSpots, overlapShare } from '../../../src/extension/logic/distinctHotSpots';

/** A region of the given windows (column, row) of a k-grid anchored at (x, y), bits set by hand. */
function region(k: number, x: number, y: number, windows: [number, number][], effect: number): HotSpotRegion {
  const columns = Math.max(...windows.map(([c]) => c)) + 1;
  const rows = Math.max(...windows.map(([, r]) => r)) + 1;
  const cells = new Uint8Array(Math.ceil((columns * rows) / 8));
  for (const [c, r] of windows) {
    const bit = r * columns + c;
    cells[Math.floor(bit / 8)] = cells[Math.floor(bit / 8)]! | (1 << (bit % 8));
  }
  return {
    scale: k,
    classId: 1,
    effect,
    share: effect / 100,
    pixels: windows.length * k * k,
    windows: windows.length,
    box: { x, y, width: columns * k, height: rows * k },
    cells,
  };
}

test('overlap is the share of the windows whose centre lies in the other region', () => {
  // An L of three 4×4 windows at (0, 0): (0,0), (1,0), (0,1). A 2-grid square at (4, 0) of 2×2 windows
  // covers window (1,0) of the L: 4 of its 4 windows lie in the L, the L has 1 of its 3 in the square.
  const l = region(
    4,
    0,
    0,
    [
      [0, 0],
      [1, 0],
      [0, 1],
    ],
    5,
  );
  const square = region(
    2,
    4,
    0,
    [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ],
    3,
  );
  assert.equal(overlapShare(square, l), 1);
  assert.equal(overlapShare(l, square), 1 / 3);
  // The L's empty corner (1, 1) is not part of it: a square there does not overlap, though the boxes do.
  const corner = region(4, 4, 4, [[0, 0]], 2);
  assert.equal(overlapShare(corner, l), 0);
  assert.equal(overlapShare(region(4, 40, 40, [[0, 0]], 1), l), 0, 'disjoint boxes');
});

test('a region mostly inside a larger one is left out, the rest keep their order', () => {
  const l = region(
    4,
    0,
    0,
    [
      [0, 0],
      [1, 0],
      [0, 1],
    ],
    5,
  );
  const inside = region(
    2,
    4,
    0,
    [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ],
    3,
  );
  const corner = region(4, 4, 4, [[0, 0]], 2);
  const half = region(
    4,
    0,
    4,
    [
      [0, 0],
      [0, 1],
    ],
    -1,
  ); // one of its two windows is the L's (0, 1)
  assert.deepEqual(distinctHotSpots([l, inside, corner, half]), [l, corner]);
});
