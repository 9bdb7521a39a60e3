/**
 * A bit per pixel, rows of 32-bit words (`wordsPerRow` words each, bit x % 32 of word x >> 5): the band
 * computations AND whole rows 32 pixels at a time and count pixels in ranges with popcounts.
 */
export const wordsPerRow = (width: number): number => (width + 31) >>> 5;

/** Sets bits [from, to) of the row starting at word `base`. */
export function setBits(bits: Int32Array, base: number, from: number, to: number): void {
  if (from >= to) return;
  const first = from >>> 5;
  const last = (to - 1) >>> 5;
  const head = -1 << (from & 31);
  const tail = -1 >>> (31 - ((to - 1) & 31));
  if (first === last) {
    bits[base + first]! |= head & tail;
    return;
  }
  bits[base + first]! |= head;
  for (let w = first + 1; w < last; w++) bits[base + w] = -1;
  bits[base + last]! |= tail;
}

export function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Set bits in [from, to) of the row at `base`: of `a` into counts[0], of `b` into counts[1] and of
 * `a | b` into counts[2], in one pass over the words.
 */
export function countBitsThree(
  a: Int32Array,
  b: Int32Array,
  base: number,
  from: number,
  to: number,
  counts: Int32Array,
): void {
  let inA = 0;
  let inB = 0;
  let inEither = 0;
  if (from < to) {
    const first = from >>> 5;
    const last = (to - 1) >>> 5;
    for (let w = first; w <= last; w++) {
      let mask = -1;
      if (w === first) mask &= -1 << (from & 31);
      if (w === last) mask &= -1 >>> (31 - ((to - 1) & 31));
      const wordA = a[base + w]! & mask;
      const wordB = b[base + w]! & mask;
      inA += popcount(wordA);
      inB += popcount(wordB);
      inEither += popcount(wordA | wordB);
    }
  }
  counts[0] = inA;
  counts[1] = inB;
  counts[2] = inEither;
}
