import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackedPairs } from '../../../src/core/io/packedPairs';
import type { FilePair } from '../../../src/core/io/pairing';
import { inShard, shardView } from '../../../src/core/report/shards';

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
