import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { adaptiveLoss, meanMergeEffect, mergeEffectMap } from '../../../src/core/metrics/adaptiveLoss';
import { crossEntropy, pixelCostMap } from '../../../src/core/metrics/crossEntropy';
import { evaluatePair } from '../../../src/core/metrics/imageMetrics';
import { pixelTerms } from '../../../src/core/metrics/pixelTerms';
import { classMap, evaluateFromFiles, goldenOptions, goldenPrediction } from '../../helpers/fixtures';
import { GOLDEN_FILES, goldenCases, REPO_ROOT, relativeClose } from '../../helpers/golden';

const TOLERANCE = 1e-6;

function assertClose(actual: number | null, expected: number, what: string, tolerance = TOLERANCE): void {
  assert.ok(actual !== null, `${what} is null`);
  assert.ok(relativeClose(actual, expected, tolerance), `${what}: ${actual} vs golden ${expected}`);
}

for (const file of GOLDEN_FILES) {
  test(`the fixture copy of ${basename(file)} is the spec file itself`, (t) => {
    const spec = join(REPO_ROOT, '..', 'shared', 'spec', basename(file));
    if (!existsSync(spec)) {
      t.skip('shared/spec is not beside this checkout');
      return;
    }
    assert.equal(readFileSync(file, 'utf8'), readFileSync(spec, 'utf8'));
  });
}

for (const c of goldenCases()) {
  describe(`golden ${c.name}`, () => {
    const label = classMap(c.label);
    const prediction = goldenPrediction(c);
    const options = goldenOptions(c);

    test('losses, per-scale losses and the merge-effect map match to 1e-6', () => {
      const terms = pixelTerms(label, prediction, options);
      const ce = crossEntropy(terms);
      const adaptive = adaptiveLoss(terms, options);
      const merge = mergeEffectMap(terms, pixelCostMap(terms), options);
      assertClose(ce, c.expect.ce, 'CE');
      assertClose(adaptive.adaptive, c.expect.adaptive, 'adaptive');
      c.scales.forEach((k, i) => assertClose(adaptive.perScale[i]!, c.expect.per_scale[String(k)]!, `L_${k}`));
      c.expect.merge_effect_map.flat().forEach((expected, p) => {
        // The golden map is printed to 10 decimals; zeros are exact there and within rounding here.
        if (expected === 0) assert.ok(Math.abs(merge[p]!) < 1e-10, `M[${p}] = ${merge[p]} vs 0`);
        else assertClose(merge[p]!, expected, `M[${p}]`);
      });
      const validMean =
        merge.reduce((sum, m) => sum + m, 0) / c.label.flat().filter((y) => y !== c.ignore && y < c.C).length;
      assertClose(
        meanMergeEffect(ce, adaptive.meanGroupCost),
        validMean,
        'image merge effect = mean of M over valid pixels',
      );
      if (c.expect.merge_effect_mean !== undefined) {
        assertClose(meanMergeEffect(ce, adaptive.meanGroupCost), c.expect.merge_effect_mean, 'merge_effect_mean');
      }
    });

    test('argmax, IoU, mIoU and accuracy match exactly (counts) and to 1e-6 (ratios)', () => {
      const { metrics, maps } = evaluatePair(label, prediction, options);
      if (c.expect.argmax) assert.deepEqual(Array.from(maps.predicted), c.expect.argmax.flat());
      assert.equal(metrics.perClassIoU.length, c.expect.per_class_iou.length);
      c.expect.per_class_iou.forEach((expected, k) => {
        if (expected === null) assert.equal(metrics.perClassIoU[k], null);
        else assertClose(metrics.perClassIoU[k]!, expected, `IoU_${k}`);
      });
      assertClose(metrics.miou, c.expect.miou, 'mIoU');
      assertClose(metrics.pixelAccuracy, c.expect.pixel_acc, 'pixel accuracy');
      // v1: the image merge effect is CE - L_adapt; v2 states it (it differs for Gaussian pooling or m > 1).
      const mergeMean = c.expect.merge_effect_mean ?? c.expect.ce - c.expect.adaptive;
      assertClose(metrics.mergeEffect, mergeMean, 'image merge effect');
    });

    test('the same numbers come out of real files read from disk', async () => {
      const record = await evaluateFromFiles(c.name, label, prediction, options);
      assertClose(record.ce, c.expect.ce, 'CE');
      assertClose(record.adaptive, c.expect.adaptive, 'adaptive');
      c.scales.forEach((k) =>
        assertClose(record.perScale[String(k)] ?? null, c.expect.per_scale[String(k)]!, `L_${k}`),
      );
      assertClose(record.miou, c.expect.miou, 'mIoU');
      assertClose(record.pixelAccuracy, c.expect.pixel_acc, 'pixel accuracy');
    });
  });
}
