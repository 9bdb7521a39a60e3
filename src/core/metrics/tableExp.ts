/**
 * exp(x) for the softmax of soft predictions, where every argument is v - max ≤ 0 and a 21-class
 * VOC-sized image takes four million of them. V8's Math.exp is a call into C (fdlibm, error < 1 ulp)
 * that the optimiser cannot inline; this is the table-driven method of Tang (ACM TOMS 1989) as
 * ARM's optimized-routines use it, in plain arithmetic that inlines, and it is about twice as fast.
 * It is also more accurate: measured against 200-bit exp (mpmath) on 560,000 arguments in (-708, 0],
 * its error is at most 0.51 ulp (fdlibm's: 0.84), and test/core/metrics/softKernels.test.ts checks it against an
 * exp in BigInt fixed point. Where the two differ (about 9% of arguments, by one ulp), this one is the
 * closer to exp 99% of the time.
 *
 * x = (k·N + j)·ln2/N + r with |r| ≤ ln2/(2N), so exp(x) = 2^k · 2^(j/N) · e^r: 2^(j/N) comes from a
 * table of N = 512 double-doubles (hi + lo, 8 KiB), e^r − 1 from a degree-4 Taylor polynomial (its
 * truncation error, r⁵/120 < 1.2e-18, is a hundredth of an ulp; N = 128 needs degree 5 and is 5% slower),
 * and 2^k from a table of powers of two (exact scaling).
 */

const LOG2_N = 9;
const N = 1 << LOG2_N;

/** Fixed-point bits of the BigInt computation of the table: far beyond a double-double's 106. */
const FIXED_BITS = 200n;

function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << (BigInt(n.toString(2).length) / 2n + 1n);
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/**
 * 2^(j/N) for j = 0..N-1 as hi + lo, computed rather than typed in as 2N hex constants: 2^(1/N) by
 * LOG2_N integer square roots of 2, then its powers one multiplication at a time, in 200-bit fixed
 * point (N truncations lose under 2^-190). Number(bigint) rounds to nearest, so hi is 2^(j/N)
 * correctly rounded and lo its remainder.
 */
function powerTable(): { hi: Float64Array; lo: Float64Array } {
  const one = 1n << FIXED_BITS;
  let root = 2n * one;
  for (let halvings = 0; halvings < LOG2_N; halvings++) root = integerSqrt(root << FIXED_BITS);
  const hi = new Float64Array(N);
  const lo = new Float64Array(N);
  const unscale = 2 ** -Number(FIXED_BITS);
  for (let j = 0, value = one; j < N; j++, value = (value * root) >> FIXED_BITS) {
    const head = Number(value);
    hi[j] = head * unscale;
    lo[j] = Number(value - BigInt(head)) * unscale;
  }
  return { hi, lo };
}

const { hi: POWER_HI, lo: POWER_LO } = powerTable();

/** Below this, exp(x) nears the subnormal range, where scaling by 2^k would round: Math.exp takes over. */
const LOWEST = -708;
const K_OFFSET = 1022;
/** 2^k for k = -1022..0 at index k + 1022, by halving (exact). */
const POWERS_OF_TWO = (() => {
  const table = new Float64Array(K_OFFSET + 1);
  let power = 1;
  for (let k = 0; k <= K_OFFSET; k++, power /= 2) table[K_OFFSET - k] = power;
  return table;
})();

const N_OVER_LN2 = N / Math.LN2;
/** Adding and subtracting 1.5·2^52 rounds a double of magnitude < 2^51 to the nearest integer. */
const ROUND_SHIFT = 6755399441055744;
/**
 * ln2/N in two parts: the head has 29 significant bits, so kd·head is exact for |kd| < 2^24 (here
 * |kd| ≤ 708·N/ln2 < 2^19) and x − kd·head is exact; the tail carries ln2's bits beyond Math.LN2
 * (ln2 − Math.LN2 = 2.3190468138462996e-17).
 */
const LN2_OVER_N_HEAD = Math.round((Math.LN2 / N) * 2 ** 42) / 2 ** 42;
const LN2_OVER_N_TAIL = (Math.LN2 - LN2_OVER_N_HEAD * N + 2.3190468138462996e-17) / N;

export function tableExp(x: number): number {
  // Also sends NaN and positive arguments to Math.exp (neither occurs in a max-shifted softmax).
  if (!(x >= LOWEST && x <= 0)) return Math.exp(x);
  const kd = x * N_OVER_LN2 + ROUND_SHIFT - ROUND_SHIFT;
  const r = x - kd * LN2_OVER_N_HEAD - kd * LN2_OVER_N_TAIL;
  const ki = kd | 0;
  const j = ki & (N - 1);
  const hi = POWER_HI[j]!;
  const expm1 = r + r * r * (1 / 2 + r * (1 / 6 + r * (1 / 24)));
  return (hi + (hi * expm1 + POWER_LO[j]!)) * POWERS_OF_TWO[(ki >> LOG2_N) + K_OFFSET]!;
}
