/**
 * The exact sum of doubles, as a BigInt over a common power of two, rounded once by Number(): an
 * independent oracle. Zeros add nothing and are left out (a zero's exponent would put the common power at
 * 2^-1074, and a sum of ordinary values over it past what Number() can hold).
 */
export function exactSumOracle(values: readonly number[]): number {
  const view = new DataView(new ArrayBuffer(8));
  const parts = values
    .filter((value) => value !== 0)
    .map((value) => {
      view.setFloat64(0, value);
      const bits = view.getBigUint64(0);
      const negative = bits >> 63n === 1n;
      const exponent = Number((bits >> 52n) & 0x7ffn);
      const fraction = bits & ((1n << 52n) - 1n);
      const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
      return { mantissa: negative ? -mantissa : mantissa, shift: (exponent === 0 ? 1 : exponent) - 1075 };
    });
  const lowest = parts.reduce((low, p) => Math.min(low, p.shift), 0);
  const total = parts.reduce((sum, p) => sum + (p.mantissa << BigInt(p.shift - lowest)), 0n);
  // Number(BigInt) rounds to nearest; scaling by a power of two is exact in the normal range.
  return Number(total) * 2 ** lowest;
}
