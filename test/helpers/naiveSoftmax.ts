/** Softmax of one pixel's logits with Math.exp, max-shifted: the tests' own, independent of tableExp. */
export function naiveSoftmax(row: readonly number[]): number[] {
  const top = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
