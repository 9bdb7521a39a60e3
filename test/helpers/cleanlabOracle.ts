/**
 * cleanlab's semantic-segmentation label-quality score, retyped from its published source as a test
 * oracle (cleanlab is not installable here). Read with the search tools, files and commits:
 *
 * - cleanlab/segmentation/rank.py (commit 0093301037018787423714c8a7037cc9354b5abd):
 *   `get_label_quality_scores(labels, pred_probs, method="softmin", **kwargs)` with
 *   `softmin_temperature = kwargs.get("temperature", 0.1)`; per image
 *   `image_probs = pred_probs[image][labels[image], arange(h)[:, None], arange(w)]` (the pixel scores),
 *   then `_get_label_quality_per_image(image_probs.flatten(), method, temperature)`, which casts to
 *   float64 and returns `softmin(expand_dims(pixel_scores_64, 0), axis=1, temperature)[0]`.
 *   `issues_from_scores(image_scores, pixel_scores, threshold=0.1)` returns `pixel_scores < threshold`.
 * - cleanlab/internal/multilabel_scorer.py (commit 09d0984e0daaeac2111893d1239db8a30618a694):
 *   `softmin(s, temperature=0.1, axis=1) = einsum("ij,ij->i", s, softmax(x=1 - s, temperature, axis, shift=True))`.
 * - cleanlab/internal/numerics.py (commit 3c6c9a107ad0b56cc6b85476a11f22d7b27f9219):
 *   `softmax(x, temperature, axis, shift)`: `x = x / max(temperature, EPSILON)`; when shift,
 *   `x = x - max(x, axis)`; `exp_x = exp(x)`; `exp_x / sum(exp_x, axis)`.
 *
 * Arrays here are one image's: `labels[h][w]` and `predProbs[k][h][w]` (cleanlab's (K, H, W) slice).
 */

/** cleanlab's EPSILON is tiny; it only matters for temperatures near 0, never at the default 0.1. */
const EPSILON = 1e-12;

function softmax(x: readonly number[], temperature: number): number[] {
  const scaled = x.map((v) => v / Math.max(temperature, EPSILON));
  const top = Math.max(...scaled);
  const shifted = scaled.map((v) => v - top);
  const exps = shifted.map((v) => Math.exp(v));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** `softmin` of multilabel_scorer.py for one row. */
export function cleanlabSoftmin(s: readonly number[], temperature = 0.1): number {
  const weights = softmax(
    s.map((v) => 1 - v),
    temperature,
  );
  return s.reduce((sum, v, i) => sum + v * weights[i]!, 0);
}

/** `get_label_quality_scores` for one image with its defaults: the image score and the pixel scores. */
export function cleanlabLabelQuality(
  labels: readonly (readonly number[])[],
  predProbs: readonly (readonly (readonly number[])[])[],
  temperature = 0.1,
): { imageScore: number; pixelScores: number[][] } {
  const pixelScores = labels.map((row, i) => row.map((k, j) => predProbs[k]![i]![j]!));
  if (pixelScores.flat().length === 0) throw new Error('Invalid Input: pixel_scores cannot be None or an empty list');
  return { imageScore: cleanlabSoftmin(pixelScores.flat(), temperature), pixelScores };
}

/** `issues_from_scores` with pixel scores: the mask of pixel scores below the threshold. */
export function cleanlabIssues(pixelScores: readonly (readonly number[])[], threshold = 0.1): boolean[][] {
  if (threshold < 0 || threshold > 1) throw new Error('threshold must be between 0 and 1');
  return pixelScores.map((row) => row.map((v) => v < threshold));
}
