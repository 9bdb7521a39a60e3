import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateImage, type ImageRecord } from '../../../src/core';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { gallerySortKeys } from '../../../src/extension/logic/galleryOrder';
import { SORT_KEYS } from '../../../src/extension/logic/sortKeys';
import { columnsOf, fakeRecord } from './records';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'samples', 'voc-mini');

/** The three soft samples as the extension evaluates them, and one hard record without soft figures. */
async function records(): Promise<ImageRecord[]> {
  const engine = { metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 21 }, read: DEFAULT_READ_OPTIONS };
  const soft: ImageRecord[] = [];
  for (const name of ['soft_000', 'soft_001', 'soft_002'])
    soft.push(
      (
        await evaluateImage(
          {
            name,
            predictionFile: join(SAMPLES, 'soft-predictions', `${name}.npy`),
            labelFile: join(SAMPLES, 'soft-labels', `${name}.png`),
          },
          engine,
        )
      ).record,
    );
  return [fakeRecord('hard'), ...soft];
}

test('the view and the gallery sort soft results by label quality (lowest first) and label-issue pixels (most first)', async () => {
  const all = await records();
  for (const key of ['labelQuality', 'labelIssuePixels'] as const) {
    assert.ok(key in SORT_KEYS, `${key} in the view's sort menu`);
    assert.ok(
      gallerySortKeys(false).some((option) => option.key === key),
      `${key} in the gallery's sort menu`,
    );
  }
  const columns = columnsOf(all);
  const soft = all.filter((record) => record.labelQuality !== undefined);
  assert.equal(soft.length, 3);
  // Independently: the order of the numbers themselves, ties by name; the hard record (no figure) last.
  const byQuality = [...soft].sort((a, b) => a.labelQuality! - b.labelQuality! || (a.name < b.name ? -1 : 1));
  assert.deepEqual(columns.namesOf(columns.rank(columns.slots(), 'labelQuality')), [
    ...byQuality.map((r) => r.name),
    'hard',
  ]);
  const byIssues = [...soft].sort((a, b) => b.labelIssuePixels! - a.labelIssuePixels! || (a.name < b.name ? -1 : 1));
  assert.deepEqual(columns.namesOf(columns.rank(columns.slots(), 'labelIssuePixels')), [
    ...byIssues.map((r) => r.name),
    'hard',
  ]);
});
