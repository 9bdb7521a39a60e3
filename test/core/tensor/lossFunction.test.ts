import assert from 'node:assert/strict';
import { test } from 'node:test';
// A training loop's tf: the full @tensorflow/tfjs registers the gradients that tfjs-core alone lacks.
import '@tensorflow/tfjs';
import { tensorRuntime } from '../../../src/core/tensor/backend';
import { locallyAdaptiveLoss, type LossFunctionOptions } from '../../../src/core/tensor/adaptiveLossFunction';
import type { Tensor } from '@tensorflow/tfjs-core';
import { seededRandom } from '../../../src/core/synthetic/scenes';
import { classMap, goldenOptions, goldenPrediction } from '../../helpers/fixtures';
import { goldenCases } from '../../helpers/golden';

/** tfjs is float32: agreement with the float64 golden values is to float32 precision. */
const FLOAT32_TOLERANCE = 2e-5;

test('the tfjs loss reproduces the golden adaptive loss and CE + L_adapt', async () => {
  const { tf } = await tensorRuntime();
  for (const c of goldenCases()) {
    const label = classMap(c.label);
    const prediction = goldenPrediction(c);
    const options = goldenOptions(c);
    const { width, height } = label;
    const yTrue = tf.reshape(tf.oneHot(tf.tensor1d(Int32Array.from(label.ids), 'int32'), c.C), [1, height, width, c.C]);
    let yPred;
    if (prediction.type === 'soft') {
      yPred = tf.softmax(tf.tensor4d(Float32Array.from(prediction.scores.values), [1, height, width, c.C]));
    } else {
      const eps = options.hardEpsilon;
      const rows = Array.from(prediction.map.ids).flatMap((id) =>
        id >= c.C
          ? new Array<number>(c.C).fill(1 / c.C)
          : Array.from({ length: c.C }, (_, k) => (k === id ? 1 - eps : eps / (c.C - 1))),
      );
      yPred = tf.tensor4d(rows, [1, height, width, c.C]);
    }
    const variant = { pooling: options.pooling, poolingSigma: options.poolingSigma, minkowski: options.minkowski };
    const adaptiveOnly = locallyAdaptiveLoss(tf, { scales: c.scales, includeCrossEntropy: false, ...variant })(
      yTrue,
      yPred,
    );
    const combined = locallyAdaptiveLoss(tf, { scales: c.scales, lambda: 0.5, ...variant })(yTrue, yPred);
    const adaptive = (await adaptiveOnly.data())[0]!;
    const total = (await combined.data())[0]!;
    assert.ok(
      Math.abs(adaptive - c.expect.adaptive) <= FLOAT32_TOLERANCE * c.expect.adaptive,
      `${c.name}: ${adaptive} vs ${c.expect.adaptive}`,
    );
    const expectedTotal = c.expect.ce + 0.5 * c.expect.adaptive;
    assert.ok(
      Math.abs(total - expectedTotal) <= FLOAT32_TOLERANCE * expectedTotal,
      `${c.name}: ${total} vs ${expectedTotal}`,
    );
    tf.dispose([yTrue, yPred, adaptiveOnly, combined]);
  }
});

for (const variant of [
  { name: 'v1', options: {} },
  { name: 'gaussian pooling, m = 5', options: { pooling: 'gaussian', minkowski: 5 } },
  { name: 'gaussian pooling σ = 0.25, m = 2.5', options: { pooling: 'gaussian', poolingSigma: 0.25, minkowski: 2.5 } },
] as const) {
  test(`the gradient of the tfjs loss matches central finite differences (${variant.name})`, async () => {
    await checkGradient(variant.options);
  });
}

async function checkGradient(variant: LossFunctionOptions): Promise<void> {
  const { tf } = await tensorRuntime();
  const random = seededRandom(7);
  const [height, width, classes] = [5, 7, 3];
  const labels = Array.from({ length: height * width }, (_, p) =>
    p % 11 === 0 ? 255 : Math.floor(((p % width) / width) * classes + random() * 0.8) % classes,
  );
  const logits = Array.from({ length: height * width * classes }, () => (random() - 0.5) * 3);
  const yTrue = tf.reshape(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), [1, height, width, classes]);
  const loss = locallyAdaptiveLoss(tf, { scales: [2, 3], ...variant });
  const objective = (x: Tensor) => loss(yTrue, tf.softmax(x));
  const x = tf.tensor4d(logits, [1, height, width, classes]);
  const analytic = await tf.grad(objective)(x).data();
  const step = 1e-2;
  let checked = 0;
  for (let i = 0; i < logits.length; i += 4) {
    const plus = [...logits];
    const minus = [...logits];
    plus[i]! += step;
    minus[i]! -= step;
    const lossPlus = (await objective(tf.tensor4d(plus, [1, height, width, classes])).data())[0]!;
    const lossMinus = (await objective(tf.tensor4d(minus, [1, height, width, classes])).data())[0]!;
    const numeric = (lossPlus - lossMinus) / (2 * step);
    assert.ok(
      Math.abs(numeric - analytic[i]!) <= 2e-3 + 2e-2 * Math.abs(numeric),
      `d/dx[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`,
    );
    checked++;
  }
  assert.ok(checked > 20);
  assert.ok(
    analytic.some((g) => Math.abs(g) > 1e-3),
    'the gradient is not identically zero',
  );
}
