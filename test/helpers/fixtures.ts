import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateImage } from '../../src/core/evaluate/evaluateImage';
import type { ImageRecord } from '../../src/core/evaluate/record';
import { encodeNpy } from '../../src/core/io/npy';
import { encodeIndexPng } from '../../src/core/io/pngChunks';
import type { ClassMap, Prediction } from '../../src/core/types';
import { DEFAULT_READ_OPTIONS, type MetricOptions } from '../../src/core/options';
import type { GoldenCase } from './golden';

export function classMap(rows: readonly (readonly number[])[]): ClassMap {
  const height = rows.length;
  const width = rows[0]!.length;
  return { width, height, ids: Uint16Array.from(rows.flat()) };
}

export function goldenPrediction(c: GoldenCase): Prediction {
  if (c.pred) return { type: 'hard', map: classMap(c.pred) };
  const logits = c.logits_hwc!;
  return {
    type: 'soft',
    scores: {
      width: logits[0]!.length,
      height: logits.length,
      channels: c.C,
      kind: 'logits',
      layout: 'hwc',
      values: Float64Array.from(logits.flat(2)),
    },
  };
}

export function goldenOptions(c: GoldenCase): MetricOptions {
  return {
    numClasses: c.C,
    ignoreIndex: c.ignore,
    scales: c.scales,
    hardEpsilon: c.hard_eps ?? 1e-3,
    ...(c.pooling !== undefined ? { pooling: c.pooling } : {}),
    ...(c.pooling_sigma !== undefined ? { poolingSigma: c.pooling_sigma } : {}),
    ...(c.minkowski !== undefined ? { minkowski: c.minkowski } : {}),
  };
}

/**
 * Writes a label and its prediction as files (gray index PNGs; soft scores as logits .npy in their layout) and
 * evaluates them as a folder run would, so the readers are part of what is checked.
 */
export async function evaluateFromFiles(
  name: string,
  label: ClassMap,
  prediction: Prediction,
  options: MetricOptions,
): Promise<ImageRecord> {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-files-'));
  const labelFile = join(dir, 'label.png');
  writeFileSync(labelFile, encodeIndexPng(label.width, label.height, label.ids, { kind: 'gray', bitDepth: 8 }));
  let predictionFile: string;
  if (prediction.type === 'hard') {
    predictionFile = join(dir, 'pred.png');
    writeFileSync(
      predictionFile,
      encodeIndexPng(label.width, label.height, prediction.map.ids, { kind: 'gray', bitDepth: 8 }),
    );
  } else {
    predictionFile = join(dir, 'pred.npy');
    const { scores } = prediction;
    const shape =
      scores.layout === 'chw'
        ? [scores.channels, scores.height, scores.width]
        : [scores.height, scores.width, scores.channels];
    writeFileSync(predictionFile, encodeNpy(shape, scores.values));
  }
  const { record } = await evaluateImage(
    { name, predictionFile, labelFile },
    { metric: options, read: { ...DEFAULT_READ_OPTIONS, softValues: 'logits' } },
  );
  return record;
}
