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
