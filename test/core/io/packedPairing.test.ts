import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cityscapesPreset } from '../../../src/core/datasets/builtinPresets';
import { parsePairPattern, type SuffixRule } from '../../../src/core/io/fileRoles';
import { pairFilesPacked, type PackedPairingOptions } from '../../../src/core/io/packedPairing';
import { pairFiles, type PairingOptions } from '../../../src/core/io/pairing';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import { fileLayouts } from '../../helpers/fileLayouts';

// pairFilesPacked must give exactly what pairFiles (every file in memory, one loop over the sorted keys)
// gives: the same pairs in the same order, the same unpaired and ignored files in the same order, the
// same count of labels without a prediction. pairFiles is the oracle here; its own rules are pinned by
// the readers, datasets and broken-file tests. Each layout is paired with one part and no spilling, with
// a few parts and tiny sort chunks (every file spilled, several merge passes), and with the default parts.

const { root, layout } = fileLayouts('seglens-packed-pairing-');

const SPLITS: readonly PackedPairingOptions[] = [
  { partitions: 1 },
  { partitions: 3, sort: { chunk: 2, fanIn: 2 } },
  { partitions: 7, sort: { chunk: 5, fanIn: 3 } },
  {},
];

async function assertSamePairing(predictions: string, labels: string, options: PairingOptions = {}): Promise<void> {
  const expected = await pairFiles(predictions, labels, options);
  for (const split of SPLITS) {
    const packed = await pairFilesPacked(predictions, labels, { ...options, ...split });
    const what = JSON.stringify({ predictions, split });
    assert.deepStrictEqual([...packed.pairs], expected.pairs, `pairs, ${what}`);
    assert.deepStrictEqual(packed.unpaired, expected.unpaired, `unpaired, ${what}`);
    assert.deepStrictEqual(packed.ignored, expected.ignored, `ignored, ${what}`);
    assert.equal(
      packed.labelsWithoutPrediction,
      expected.labelsWithoutPrediction,
      `labels without prediction, ${what}`,
    );
    // Default settings hold these small folders' pairs in memory; tiny sort chunks spill them too.
    if (split.sort === undefined) assert.ok(!packed.pairs.spilled, `pairs in memory, ${what}`);
    packed.pairs.dispose();
  }
}

test('packed pairing equals pairFiles on a VOC layout: missing labels, labels without prediction, .npy beside .png', async () => {
  const predictions = layout(['2007_000032.png', '2007_000033.png', '2007_000039.npy', '2008_000001.png', 'b.png']);
  const labels = layout([
    'SegmentationClass/2007_000032.png',
    'SegmentationClass/2007_000033.png',
    'SegmentationClass/2007_000033.npy',
    'SegmentationClass/2007_000039.png',
    'SegmentationClass/2009_000002.png',
  ]);
  await assertSamePairing(predictions, join(labels, 'SegmentationClass'));
  await assertSamePairing(predictions, labels);
});

test('packed pairing equals pairFiles on a Cityscapes layout: label variants, instance maps, by-stem fallback', async () => {
  const cities = ['frankfurt', 'lindau', 'munster'];
  const predictionFiles: string[] = [];
  const labelFiles: string[] = [];
  cities.forEach((city, c) => {
    for (let i = 0; i < 4; i++) {
      const stem = `${city}_00000${c}_0000${i}`;
      predictionFiles.push(`${city}/${stem}_leftImg8bit.png`);
      for (const suffix of ['labelIds', 'labelTrainIds', 'color', 'instanceIds'])
        if ((i + suffix.length) % 4 !== 0) labelFiles.push(`gtFine/val/${city}/${stem}_gtFine_${suffix}.png`);
    }
  });
  const predictions = layout(predictionFiles);
  const labels = layout(labelFiles);
  const suffixes: readonly SuffixRule[] = cityscapesPreset().suffixes;
  await assertSamePairing(predictions, labels, { suffixes });
  await assertSamePairing(predictions, join(labels, 'gtFine', 'val'), { suffixes });
  await assertSamePairing(predictions, join(labels, 'gtFine', 'val'));
});

test('packed pairing equals pairFiles on an ADE20K layout and with --pair', async () => {
  const predictions = layout(['ADE_val_00000001.png', 'ADE_val_00000002.png', 'ADE_val_00000003_seg.png']);
  const labels = layout([
    'annotations/validation/ADE_val_00000001.png',
    'annotations/validation/ADE_val_00000002.png',
    'annotations/validation/ADE_val_00000003_gtFine_color.png',
  ]);
  await assertSamePairing(predictions, labels);
  await assertSamePairing(predictions, labels, { pattern: parsePairPattern('{stem}_seg.png:{stem}_gtFine_color.png') });
  await assertSamePairing(predictions, predictions, { pattern: parsePairPattern('{stem}.png:{stem}_seg.png') });
});

test('packed pairing equals pairFiles in one folder: suffix roles, two predictions, explicit _pred, images', async () => {
  const shared = layout([
    'a_pred.png',
    'a_gt.png',
    'a_image.png',
    'b.png',
    'b_label.npy',
    'b_labels.png',
    'c_prediction.png',
    'c.png',
    'c_mask.png',
    'd.png',
    'd.npy',
    'd_target.png',
    'e_gt.png',
    'f_instanceIds.png',
    'sub/g.png',
    'sub/g_gt.png',
    'sub/deeper/h.png',
    'gt.png',
  ]);
  await assertSamePairing(shared, shared);
  await assertSamePairing(shared, join(shared, '.'));
});

test('packed pairing equals pairFiles on ambiguous stems, a label shared by two predictions, odd names', async () => {
  const predictions = layout([
    'c/x.png',
    'p/y.png',
    'q/y.png',
    'é/ü 漢字.png',
    'Z.png',
    'z.png',
    'a_gt_x.png',
    'a.png',
    'a_b.png',
    'deep/er/st/z.png',
  ]);
  const labels = layout([
    'a/x.png',
    'b/x.png',
    'l/y_gt.png',
    'é/ü 漢字_labels.png',
    'Z.png',
    'z_gtFine_labelIds.png',
    'z_gtFine_labelTrainIds.npy',
    'a_gt.png',
    'a_b.png',
    'a.png',
    'a_mask.png',
  ]);
  await assertSamePairing(predictions, labels);
});

test('packed pairing equals pairFiles when the walk stops at its file limit and on broken links', async () => {
  const predictions = layout(Array.from({ length: 30 }, (_, i) => `s${i % 3}/img_${String(i).padStart(3, '0')}.png`));
  const labels = layout(Array.from({ length: 30 }, (_, i) => `img_${String(i).padStart(3, '0')}.png`));
  symlinkSync(join(root, 'nowhere.png'), join(predictions, 's0', 'dangling.png'));
  symlinkSync(join(labels, 'img_001.png'), join(predictions, 's1', 'linked.png'));
  await assertSamePairing(predictions, labels);
  await assertSamePairing(predictions, labels, { limits: { maxDepth: 4, maxFiles: 17 } });
  await assertSamePairing(predictions, labels, { limits: { maxDepth: 0, maxFiles: 100 } });
});

test('packed pairing equals pairFiles on 40 random layouts (seeded): suffixes, folders, extensions, gaps', async () => {
  const random = seededRandom(23);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const suffixes = [
    '',
    '',
    '',
    '_gt',
    '_pred',
    '_label',
    '_gtFine_labelIds',
    '_gtFine_color',
    '_instanceIds',
    '_image',
  ];
  const folders = ['', '', 'a', 'b', 'a/c', 'val/a', 'val/b/c'];
  const stems = ['x', 'y', 'z', 'img_1', 'img_10', 'img_2', 'Img', 'ß', 'x_y'];
  for (let round = 0; round < 40; round++) {
    const file = (): string => `${pick(folders)}/${pick(stems)}${pick(suffixes)}${pick(['.png', '.png', '.npy'])}`;
    const predictionFiles = new Set(Array.from({ length: 5 + Math.floor(random() * 40) }, file));
    const labelFiles = new Set(Array.from({ length: 5 + Math.floor(random() * 40) }, file));
    const predictions = layout([...predictionFiles].map((f) => f.replace(/^\//, '')));
    const labels = layout([...labelFiles].map((f) => f.replace(/^\//, '')));
    await assertSamePairing(predictions, labels);
    await assertSamePairing(predictions, predictions);
  }
});

test('packed pairing equals pairFiles on 20,000 generated pairs in sub-folders, spilled', async () => {
  const files = Array.from({ length: 20000 }, (_, i) => `part${i % 13}/img_${i}.png`);
  const predictions = layout(files);
  const labels = layout(files.filter((_, i) => i % 997 !== 0).map((f) => f.replace('.png', '_gt.png')));
  const expected = await pairFiles(predictions, labels);
  const packed = await pairFilesPacked(predictions, labels, { sort: { chunk: 1000, fanIn: 8 } });
  assert.equal(packed.pairs.length, expected.pairs.length);
  assert.ok(packed.pairs.spilled, 'the pairs went to a temporary file (chunks of 1,000: 64,000 bytes in memory)');
  assert.deepStrictEqual([...packed.pairs], expected.pairs);
  assert.deepStrictEqual(packed.unpaired, expected.unpaired);
  assert.deepStrictEqual(packed.ignored, expected.ignored);
  assert.equal(packed.labelsWithoutPrediction, expected.labelsWithoutPrediction);
  packed.pairs.dispose();
});
