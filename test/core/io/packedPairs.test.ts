import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeSpillFile, openSpillFile, PackedPairs } from '../../../src/core/io/packedPairs';
import type { FilePair } from '../../../src/core/io/pairing';
import { inShard, shardView } from '../../../src/core/report/shards';
import { seededRandom } from '../../../src/core/synthetic/scenes';

const PAIRS: FilePair[] = [
  { name: 'a', predictionFile: '/p/a.png', labelFile: '/l/a.png' },
  {
    name: 'val/frankfurt/x',
    predictionFile: '/p/val/frankfurt/x.png',
    labelFile: '/l/x_gtFine_labelIds.png',
    labelIds: 'label',
  },
  {
    name: 'ü/çé 漢字',
    predictionFile: 'rel/ü/çé 漢字.npy',
    labelFile: 'C:\\data\\gt\\çé 漢字_gtFine_color.png',
    labelIds: 'color',
  },
  { name: 'noFolder', predictionFile: 'noFolder.png', labelFile: 'noFolder_gt.png', labelIds: 'train' },
  { name: '', predictionFile: '/p/.png', labelFile: '/l/' },
];

test('packed pairs give back every pair as it was pushed, in order, labelIds absent when it was', () => {
  const packed = PackedPairs.from(PAIRS);
  assert.equal(packed.length, PAIRS.length);
  PAIRS.forEach((pair, i) => assert.deepStrictEqual(packed.at(i), pair));
  assert.deepStrictEqual([...packed], PAIRS);
  assert.ok(!('labelIds' in packed.at(0)!));
  for (const outside of [-1, PAIRS.length, 1.5]) assert.equal(packed.at(outside), undefined);
});

test('packed pairs grow past their first buffers (5,000 pairs with long paths)', () => {
  const many: FilePair[] = Array.from({ length: 5000 }, (_, i) => ({
    name: `d${i % 7}/img_${i}`,
    predictionFile: `/predictions/${'deep/'.repeat(i % 5)}d${i % 7}/img_${i}_pred.png`,
    labelFile: `/labels/d${i % 7}/img_${i}.png`,
  }));
  const packed = PackedPairs.from(many);
  assert.deepStrictEqual([...packed], many);
});

test('a shard view holds the items inShard picks, in the same order', () => {
  const items = Array.from({ length: 23 }, (_, i) => `item ${i}`);
  for (const count of [1, 2, 3, 5, 23, 30])
    for (let index = 0; index < count; index++) {
      const view = shardView(items, { index, count });
      const picked = Array.from({ length: view.length }, (_, i) => view.at(i));
      assert.deepEqual(picked, inShard(items, { index, count }), `${index}/${count}`);
      assert.equal(view.at(view.length), undefined);
    }
});

/** 3,000 pairs of every kind above: names in sub-folders, multi-byte characters, each labelIds. */
const VARIED: FilePair[] = Array.from({ length: 3000 }, (_, i) => {
  const base = PAIRS[i % PAIRS.length]!;
  return {
    ...base,
    name: `${base.name}-${i}`,
    predictionFile: `${base.predictionFile}${'x'.repeat(i % 11)}`,
    labelFile: `${i % 3 === 0 ? '/other/' : ''}${base.labelFile}${i}`,
  };
});

/** Runs `body` with a new temporary root for the pairs' files, removed after it. */
function inTempRoot(body: (tempRoot: string) => void): void {
  const tempRoot = mkdtempSync(join(tmpdir(), 'seglens-packed-'));
  try {
    body(tempRoot);
  } finally {
    rmSync(tempRoot, { recursive: true, force: true });
  }
}

/** The entries of a temporary root (the packed pairs must leave none there). */
const entries = (dir: string): string[] => readdirSync(dir);

test('pairs past memoryBytes go to a temporary file and come back the same, in order and by position', () => {
  inTempRoot((tempRoot) => {
    const packed = PackedPairs.from(VARIED, { memoryBytes: 2000, blockPairs: 7, tempRoot });
    assert.ok(packed.spilled);
    // The file is removed as soon as it is open (its data stays while it is): nothing for a killed run to leave.
    if (process.platform !== 'win32') assert.deepEqual(entries(tempRoot), []);
    assert.equal(packed.length, VARIED.length);
    assert.deepStrictEqual([...packed], VARIED);
    const random = seededRandom(23);
    for (let k = 0; k < 2000; k++) {
      const i = Math.floor(random() * VARIED.length);
      assert.deepStrictEqual(packed.at(i), VARIED[i], `pair ${i}`);
    }
    for (let index = 0; index < 3; index++) {
      const view = shardView(packed, { index, count: 3 });
      const picked = Array.from({ length: view.length }, (_, i) => view.at(i));
      assert.deepStrictEqual(picked, inShard(VARIED, { index, count: 3 }));
    }
    for (const outside of [-1, VARIED.length, 1.5]) assert.equal(packed.at(outside), undefined);
    packed.dispose();
    assert.deepEqual(entries(tempRoot), []);
    assert.throws(() => packed.at(0), /after dispose/);
    // The open (last, partial) block is still in memory.
    assert.deepStrictEqual(packed.at(VARIED.length - 1), VARIED[VARIED.length - 1]);
    packed.dispose();
  });
});

test('pairs within memoryBytes never touch the disk, and equal the in-memory list', () => {
  inTempRoot((tempRoot) => {
    const packed = PackedPairs.from(VARIED, { memoryBytes: 1 << 20, blockPairs: 7, tempRoot });
    assert.ok(!packed.spilled);
    assert.deepStrictEqual([...packed], [...PackedPairs.from(VARIED)]);
    assert.deepStrictEqual([...packed], VARIED);
    packed.dispose();
    assert.deepEqual(entries(tempRoot), []);
  });
});

test('pairs spill at the block that passes memoryBytes, blocks of one pair included', () => {
  inTempRoot((tempRoot) => {
    for (const blockPairs of [1, 2, 256]) {
      const packed = new PackedPairs({ memoryBytes: 0, blockPairs, tempRoot });
      VARIED.slice(0, 600).forEach((pair, i) => {
        packed.push(pair);
        assert.equal(packed.spilled, i + 1 >= blockPairs, `${i + 1} pairs in blocks of ${blockPairs}`);
        assert.deepStrictEqual(packed.at(i), pair);
        assert.deepStrictEqual(packed.at(i >> 1), VARIED[i >> 1]);
      });
      packed.dispose();
    }
    assert.deepEqual(entries(tempRoot), []);
  });
});

test('pairs handed to another holder (handOver, adopt) come back the same, in memory and spilled, the file moving with them', () => {
  inTempRoot((tempRoot) => {
    for (const memoryBytes of [1 << 20, 2000]) {
      const source = PackedPairs.from(VARIED, { memoryBytes, blockPairs: 7, tempRoot });
      const spilled = source.spilled;
      // Through a structured clone, as a worker message carries it.
      const adopted = PackedPairs.adopt(structuredClone(source.handOver()));
      assert.equal(source.length, 0, `the source is empty after handing over, ${memoryBytes}`);
      source.dispose(); // leaves the file to the adopter
      assert.equal(adopted.spilled, spilled);
      assert.equal(adopted.length, VARIED.length);
      assert.deepStrictEqual([...adopted], VARIED, `memoryBytes ${memoryBytes}`);
      assert.deepStrictEqual(adopted.at(VARIED.length - 1), VARIED[VARIED.length - 1]);
      // Pushing goes on where the source stopped.
      adopted.push(VARIED[0]!);
      assert.deepStrictEqual(adopted.at(VARIED.length), VARIED[0]);
      adopted.dispose();
      assert.deepEqual(entries(tempRoot), []);
    }
  });
});

test('pairs spill into the file they are given (spillTo), and only when they outgrow memory', () => {
  inTempRoot((tempRoot) => {
    const given = openSpillFile(tempRoot);
    const within = PackedPairs.from(VARIED, { memoryBytes: 1 << 20, spillTo: given });
    assert.ok(!within.spilled);
    within.dispose();
    const past = PackedPairs.from(VARIED, { memoryBytes: 2000, blockPairs: 7, spillTo: given });
    assert.ok(past.spilled);
    assert.deepStrictEqual([...past], VARIED);
    past.dispose(); // closes the given file, and removes it where it was still there
    assert.deepEqual(entries(tempRoot), []);
    // Handed over unspilled, the given file closed as the pairing thread's caller does: the adopted
    // list spills into a file of its own, never into the closed one.
    const unused = openSpillFile(tempRoot);
    const few = PackedPairs.from(VARIED.slice(0, 10), { memoryBytes: 2000, blockPairs: 7, tempRoot, spillTo: unused });
    const state = few.handOver();
    closeSpillFile(unused);
    const adopted = PackedPairs.adopt(structuredClone(state));
    for (const pair of VARIED.slice(10)) adopted.push(pair);
    assert.ok(adopted.spilled);
    assert.deepStrictEqual([...adopted], VARIED);
    adopted.dispose();
    assert.deepEqual(entries(tempRoot), []);
  });
});
