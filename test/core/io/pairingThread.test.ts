import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cityscapesPreset } from '../../../src/core/datasets/builtinPresets';
import { InputError } from '../../../src/core/errors';
import { parsePairPattern } from '../../../src/core/io/fileRoles';
import { pairFilesPacked, type PackedPairingOptions } from '../../../src/core/io/packedPairing';
import { pairFiles, type PairingOptions } from '../../../src/core/io/pairing';
import { pairFilesInMemoryInThread, pairFilesInThread } from '../../../src/core/io/pairingThread';
import { fileLayouts } from '../../helpers/fileLayouts';

// The pairing thread must give exactly what pairFiles gives (the oracle, as in packedPairing.test.ts),
// with its options carried over (suffixes, --pair, limits, sort settings), its pairs handed back whether
// they stayed in memory or went to a temporary file, its errors as the caller's own, and nothing left
// in the temporary folder once the pairs are disposed of.

const { root, layout } = fileLayouts('seglens-pairing-thread-');

async function assertSamePairing(
  predictions: string,
  labels: string,
  options: PairingOptions,
  sort: PackedPairingOptions['sort'] = {},
): Promise<boolean> {
  const tempRoot = mkdtempSync(join(root, 'temp-'));
  const expected = await pairFiles(predictions, labels, options);
  const threaded = await pairFilesInThread(predictions, labels, { ...options, sort: { ...sort, tempRoot } });
  assert.deepStrictEqual([...threaded.pairs], expected.pairs);
  assert.deepStrictEqual(threaded.unpaired, expected.unpaired);
  assert.deepStrictEqual(threaded.ignored, expected.ignored);
  assert.equal(threaded.labelsWithoutPrediction, expected.labelsWithoutPrediction);
  const spilled = threaded.pairs.spilled;
  threaded.pairs.dispose();
  assert.deepEqual(readdirSync(tempRoot), [], 'nothing left in the temporary folder');
  return spilled;
}

test('the pairing thread equals pairFiles on a Cityscapes layout with its suffixes, and with --pair and a file limit', async () => {
  const predictionFiles: string[] = [];
  const labelFiles: string[] = [];
  for (const city of ['frankfurt', 'lindau']) {
    for (let i = 0; i < 30; i++) {
      const stem = `${city}_000000_${String(i).padStart(6, '0')}`;
      predictionFiles.push(`${city}/${stem}_leftImg8bit.png`, `${city}/${stem}_seg.png`);
      if (i % 7 !== 3) labelFiles.push(`${city}/${stem}_gtFine_labelIds.png`, `${city}/${stem}_gtFine_color.png`);
    }
  }
  const predictions = layout(predictionFiles);
  const labels = layout(labelFiles);
  const suffixes = cityscapesPreset().suffixes;
  assert.equal(await assertSamePairing(predictions, labels, { suffixes }), false, 'small: pairs in memory');
  assert.equal(await assertSamePairing(predictions, labels, { suffixes }, { chunk: 3, fanIn: 2 }), true, 'spilled');
  await assertSamePairing(predictions, labels, { pattern: parsePairPattern('{stem}_seg.png:{stem}_gtFine_color.png') });
  await assertSamePairing(predictions, labels, { suffixes, limits: { maxDepth: 4, maxFiles: 41 } });
});

test('the pairing thread equals pairFiles on 20,000 generated pairs in sub-folders, its pairs in a temporary file', async () => {
  const files = Array.from({ length: 20000 }, (_, i) => `part${i % 13}/img_${i}.png`);
  const predictions = layout(files);
  const labels = layout(files.filter((_, i) => i % 997 !== 0).map((f) => f.replace('.png', '_gt.png')));
  assert.equal(await assertSamePairing(predictions, labels, {}, { chunk: 1000, fanIn: 8 }), true);
});

test("the pairing thread's errors are the caller's: a missing folder is the same InputError, and nothing is left behind", async () => {
  const labels = layout(['a.png']);
  const missing = join(root, 'no-such-folder');
  const tempRoot = mkdtempSync(join(root, 'temp-'));
  const expected = await pairFilesPacked(missing, labels).then(
    () => assert.fail('pairFilesPacked paired a missing folder'),
    (error: unknown) => error,
  );
  assert.ok(expected instanceof InputError);
  await assert.rejects(pairFilesInThread(missing, labels, { sort: { tempRoot } }), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.deepStrictEqual([error.file, error.code, error.reason], [expected.file, expected.code, expected.reason]);
    return true;
  });
  assert.deepEqual(readdirSync(tempRoot), []);
});

test("the in-memory pairing thread (the extension's) equals pairFiles, options and errors alike", async () => {
  const files = Array.from({ length: 3000 }, (_, i) => `part${i % 7}/img_${i}.png`);
  const predictions = layout([...files, 'notes.txt', 'orphan_only.png']);
  const labels = layout(files.filter((_, i) => i % 97 !== 0).map((f) => f.replace('.png', '_gt.png')));
  for (const options of [{}, { limits: { maxDepth: 4, maxFiles: 2000 } }] as PairingOptions[]) {
    const expected = await pairFiles(predictions, labels, options);
    const threaded = await pairFilesInMemoryInThread(predictions, labels, options);
    assert.ok(Array.isArray(threaded.pairs), 'an array, as pairFiles gives');
    assert.deepStrictEqual(threaded, expected);
  }
  const missing = join(root, 'no-such-folder');
  const expected = await pairFiles(missing, labels).then(
    () => assert.fail('pairFiles paired a missing folder'),
    (error: unknown) => error,
  );
  assert.ok(expected instanceof InputError);
  await assert.rejects(pairFilesInMemoryInThread(missing, labels), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.deepStrictEqual([error.file, error.code, error.reason], [expected.file, expected.code, expected.reason]);
    return true;
  });
});
