import type { MetricOptions } from '../../src/core/options';
import { seededRandom } from '../../src/core/synthetic/scenes';
import type { ClassMap, Prediction } from '../../src/core/types';
import type { OracleInput } from './oracle';

/** Random but spatially coherent cases: labels drawn on a coarse grid, so windows hold real groups. */
export function randomCase(seed: number): OracleInput {
  const random = seededRandom(seed);
  const width = 1 + Math.floor(random() * 13);
  const height = 1 + Math.floor(random() * 11);
  const numClasses = 2 + Math.floor(random() * 5);
  const cell = 1 + Math.floor(random() * 4);
  const ignore = 255;
  const scales = [1, 2, 3, 4, 5, 8].filter(() => random() < 0.4);
  if (scales.length === 0) scales.push(2);
  const coarse = new Map<string, number>();
  const label = Array.from({ length: width * height }, (_, p) => {
    const key = `${Math.floor((p % width) / cell)},${Math.floor(p / width / cell)}`;
    if (!coarse.has(key)) coarse.set(key, Math.floor(random() * numClasses));
    const r = random();
    return r < 0.08 ? ignore : r < 0.1 ? numClasses + 1 : coarse.get(key)!;
  });
  const base: OracleInput = { width, height, numClasses, ignore, scales, label };
  if (random() < 0.5) {
    const hard = label.map((y) =>
      random() < 0.7 && y < numClasses ? y : random() < 0.1 ? numClasses + 2 : Math.floor(random() * numClasses),
    );
    return { ...base, hard, hardEps: random() < 0.2 ? 0 : 10 ** (-1 - random() * 4) };
  }
  const logits = Array.from({ length: width * height * numClasses }, () => (random() - 0.5) * 8);
  return { ...base, logits };
}

export function engineInputs(input: OracleInput): { label: ClassMap; prediction: Prediction; options: MetricOptions } {
  const { width, height, numClasses } = input;
  const label: ClassMap = { width, height, ids: Uint16Array.from(input.label) };
  const prediction: Prediction = input.hard
    ? { type: 'hard', map: { width, height, ids: Uint16Array.from(input.hard) } }
    : {
        type: 'soft',
        scores: {
          width,
          height,
          channels: numClasses,
          kind: 'logits',
          layout: 'hwc',
          values: Float64Array.from(input.logits!),
        },
      };
  const options: MetricOptions = {
    numClasses,
    ignoreIndex: input.ignore,
    scales: input.scales,
    hardEpsilon: input.hardEps ?? 1e-3,
    ...(input.pooling !== undefined ? { pooling: input.pooling } : {}),
    ...(input.poolingSigma !== undefined ? { poolingSigma: input.poolingSigma } : {}),
    ...(input.minkowski !== undefined ? { minkowski: input.minkowski } : {}),
  };
  return { label, prediction, options };
}

/** A random case under a random v2 loss variant (Gaussian or uniform pooling, m from 1 to 7). */
export function randomV2Case(seed: number): OracleInput {
  const random = seededRandom(seed * 7919);
  const input = randomCase(seed);
  return {
    ...input,
    pooling: random() < 0.7 ? 'gaussian' : 'uniform',
    poolingSigma: 0.05 + random() * 2,
    minkowski: random() < 0.3 ? 1 : 1 + random() * 6,
  };
}

/** How blobMaps draws a hard case. */
export interface BlobMapSettings {
  readonly width: number;
  readonly height: number;
  readonly numClasses: number;
  readonly ignoreIndex: number;
  /** Side of the square blobs that each take one class. */
  readonly cell: number;
  /** A label pixel draws r in [0, 1): the ignore index when r < ignoreBelow, ... */
  readonly ignoreBelow: number;
  /** ... else an id ≥ C when r < outOfRangeBelow, else its blob's class. */
  readonly outOfRangeBelow: number;
  /** Share of predictions that are wrong: 15% of those ids ≥ C, the rest a random class. */
  readonly errorRate: number;
}

/**
 * A random hard label and prediction for the fused kernels' tests: label blobs, so windows hold pure
 * groups and whole pure windows, with void (the ignore index and ids ≥ C) and predictions right, wrong or
 * out of range.
 */
export function blobMaps(random: () => number, settings: BlobMapSettings): { label: ClassMap; prediction: ClassMap } {
  const { width, height, numClasses, ignoreIndex, cell, ignoreBelow, outOfRangeBelow, errorRate } = settings;
  const blobs = new Map<number, number>();
  const label = new Uint16Array(width * height);
  const predicted = new Uint16Array(width * height);
  for (let p = 0; p < label.length; p++) {
    const blob = Math.floor((p % width) / cell) * 1000 + Math.floor(p / width / cell);
    if (!blobs.has(blob)) blobs.set(blob, Math.floor(random() * numClasses));
    const r = random();
    label[p] =
      r < ignoreBelow ? ignoreIndex : r < outOfRangeBelow ? numClasses + Math.floor(random() * 40) : blobs.get(blob)!;
    const q = random();
    predicted[p] =
      q >= errorRate
        ? Math.min(label[p]!, numClasses - 1)
        : q < errorRate * 0.15
          ? numClasses + Math.floor(random() * 300)
          : Math.floor(random() * numClasses);
  }
  return { label: { width, height, ids: label }, prediction: { width, height, ids: predicted } };
}
