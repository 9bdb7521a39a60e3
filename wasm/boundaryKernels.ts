/**
 * Boundary IoU's per-pixel passes in WebAssembly SIMD: the runs of an id map, the interior bits of its
 * band and the per-class band counts (the algorithms are described in src/core/metrics/boundaryIoU.ts
 * and idRuns.ts; src/core/metrics/boundaryWasm.ts lays out the memory and calls these).
 *
 * AssemblyScript rather than hand-written WAT: the kernels are loops over pointers that read like the
 * TypeScript they replace, the SIMD builtins map one to one onto instructions (v128.load, i8x16.ne,
 * i8x16.bitmask, popcnt<i32>), and Binaryen optimises the output. Built with the stub runtime and no
 * allocation: every address comes from the caller, in the memory it imports.
 */

/** 32-bit words per bit row, rounded up to whole v128s so the row operations need no tail. */
export function strideWords(width: i32): i32 {
  return ((width + 127) >>> 7) << 2;
}

/** Bit i: id i of the lanes at `at` differs from id i + 1. */
function changes<T>(at: usize): i32 {
  const a = v128.load(at);
  const b = v128.load(at + sizeof<T>());
  if (sizeof<T>() == 1) return i8x16.bitmask(i8x16.ne(a, b));
  if (sizeof<T>() == 2) return i16x8.bitmask(i16x8.ne(a, b));
  return i32x4.bitmask(i32x4.ne(a, b));
}

/** Whether `n` bytes at `a` equal those at `b`. */
function sameBytes(a: usize, b: usize, n: usize): bool {
  if (n < 16) {
    for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
    return true;
  }
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) if (v128.any_true(v128.xor(v128.load(a + i), v128.load(b + i)))) return false;
  // The tail as the last 16 bytes, overlapping the chunk before.
  return i == n || !v128.any_true(v128.xor(v128.load(a + n - 16), v128.load(b + n - 16)));
}

/**
 * Bit rows: bit x % 32 of word x >> 5 is pixel x. Static methods only so that @inline (always inlined: the
 * band loops call these per run) is a decorator TypeScript's parser accepts, for ESLint and Prettier.
 */
class BitRow {
  /** Sets bits [from, to) of the bit row at `row`. */
  @inline
  static set(row: usize, from: i32, to: i32): void {
    if (from >= to) return;
    const first = (<usize>(from >>> 5)) << 2;
    const last = (<usize>((to - 1) >>> 5)) << 2;
    const head = -1 << (from & 31);
    const tail = <i32>((<u32>-1) >>> (31 - ((to - 1) & 31)));
    if (first == last) {
      store<i32>(row + first, load<i32>(row + first) | (head & tail));
      return;
    }
    store<i32>(row + first, load<i32>(row + first) | head);
    for (let w = first + 4; w < last; w += 4) store<i32>(row + w, -1);
    store<i32>(row + last, load<i32>(row + last) | tail);
  }

  /** Set bits in [from, to) of the bit row at `row`. */
  @inline
  static count(row: usize, from: i32, to: i32): i32 {
    const first = from >>> 5;
    const last = (to - 1) >>> 5;
    const head = -1 << (from & 31);
    const tail = <i32>((<u32>-1) >>> (31 - ((to - 1) & 31)));
    if (first == last) return popcnt<i32>(load<i32>(row + ((<usize>first) << 2)) & head & tail);
    let n = popcnt<i32>(load<i32>(row + ((<usize>first) << 2)) & head);
    for (let w = first + 1; w < last; w++) n += popcnt<i32>(load<i32>(row + ((<usize>w) << 2)));
    return n + popcnt<i32>(load<i32>(row + ((<usize>last) << 2)) & tail);
  }
}

/**
 * Runs of the map of `width` × `height` ids of type T at `ids` (16 readable bytes past its end), as
 * IdRuns holds them: rowStart (height + 1 i32), start and id (i32, room for width × height), repeats
 * (height bytes). Returns the number of runs.
 */
function runsOf<T>(ids: usize, width: i32, height: i32, rowStart: usize, start: usize, id: usize, repeats: usize): i32 {
  const lanes = 16 / sizeof<T>();
  const rowBytes = <usize>width * sizeof<T>();
  let count = 0;
  for (let y = 0; y < height; y++) {
    store<i32>(rowStart + ((<usize>y) << 2), count);
    const row = ids + <usize>y * rowBytes;
    // A row equal to the one above (a third to two thirds of VOC's label rows) has its runs.
    const repeat = y > 0 && width > 0 && sameBytes(row - rowBytes, row, rowBytes);
    store<u8>(repeats + y, repeat ? 1 : 0);
    if (width == 0) continue;
    if (repeat) {
      const from = load<i32>(rowStart + ((<usize>(y - 1)) << 2));
      const n = (<usize>(count - from)) << 2;
      memory.copy(start + ((<usize>count) << 2), start + ((<usize>from) << 2), n);
      memory.copy(id + ((<usize>count) << 2), id + ((<usize>from) << 2), n);
      count += count - from;
      continue;
    }
    store<i32>(start + ((<usize>count) << 2), 0);
    store<i32>(id + ((<usize>count) << 2), <i32>load<T>(row));
    count++;
    // Neighbour pairs (x, x + 1), a vector of them at a time; a set bit starts a run at x + 1.
    const pairs = width - 1;
    for (let x = 0; x < pairs; x += lanes) {
      let mask = changes<T>(row + <usize>x * sizeof<T>());
      const left = pairs - x;
      if (left < lanes) mask &= (1 << left) - 1;
      while (mask != 0) {
        const at = x + ctz(mask) + 1;
        store<i32>(start + ((<usize>count) << 2), at);
        store<i32>(id + ((<usize>count) << 2), <i32>load<T>(row + <usize>at * sizeof<T>()));
        count++;
        mask &= mask - 1;
      }
    }
  }
  store<i32>(rowStart + ((<usize>height) << 2), count);
  return count;
}

export function runs8(
  ids: usize,
  width: i32,
  height: i32,
  rowStart: usize,
  start: usize,
  id: usize,
  repeats: usize,
): i32 {
  return runsOf<u8>(ids, width, height, rowStart, start, id, repeats);
}

export function runs16(
  ids: usize,
  width: i32,
  height: i32,
  rowStart: usize,
  start: usize,
  id: usize,
  repeats: usize,
): i32 {
  return runsOf<u16>(ids, width, height, rowStart, start, id, repeats);
}

export function runs32(
  ids: usize,
  width: i32,
  height: i32,
  rowStart: usize,
  start: usize,
  id: usize,
  repeats: usize,
): i32 {
  return runsOf<i32>(ids, width, height, rowStart, start, id, repeats);
}

/**
 * Interior bits (strideWords(width) words a row) at `out` of the map whose runs are at rowStart, start,
 * id, repeats; `scratch` has room for 3 × height + 1 bit rows. The algorithm is interiorBits' in
 * boundaryIoU.ts: horizontal centres from the runs, rows joined to the row above, and the vertical
 * window of 2d + 1 rows as van Herk's prefix and suffix ANDs over blocks of 2d rows.
 */
export function interior(
  rowStart: usize,
  start: usize,
  id: usize,
  repeats: usize,
  width: i32,
  height: i32,
  distance: i32,
  out: usize,
  scratch: usize,
): void {
  const rowBytes = (<usize>strideWords(width)) << 2;
  const size = rowBytes * height;
  memory.fill(out, 0, size);
  const side = 2 * distance + 1;
  if (side > width || side > height) return;
  const horizontal = scratch;
  const joined = scratch + size;
  const prefix = scratch + 2 * size;
  const suffix = scratch + 3 * size;
  memory.fill(scratch, 0, 2 * size);
  const block = 2 * distance;
  for (let y = 0; y < height; y++) {
    const base = <usize>y * rowBytes;
    if (load<u8>(repeats + y) == 1) {
      for (let w: usize = 0; w < rowBytes; w += 16) {
        const above = v128.load(horizontal + base - rowBytes + w);
        v128.store(horizontal + base + w, above);
        v128.store(joined + base + w, above);
      }
    } else {
      const rowEnd = load<i32>(rowStart + ((<usize>(y + 1)) << 2));
      for (let r = load<i32>(rowStart + ((<usize>y) << 2)); r < rowEnd; r++) {
        const from = load<i32>(start + ((<usize>r) << 2));
        const to = r + 1 < rowEnd ? load<i32>(start + ((<usize>(r + 1)) << 2)) : width;
        if (to - from >= side) BitRow.set(horizontal + base, from + distance, to - distance);
      }
      if (y > 0) {
        joinAbove(rowStart, start, id, y, width, joined + base);
        for (let w: usize = 0; w < rowBytes; w += 16)
          v128.store(joined + base + w, v128.and(v128.load(joined + base + w), v128.load(horizontal + base + w)));
      }
    }
    if (y % block == 0) memory.copy(prefix + base, joined + base, rowBytes);
    else
      for (let w: usize = 0; w < rowBytes; w += 16)
        v128.store(prefix + base + w, v128.and(v128.load(prefix + base - rowBytes + w), v128.load(joined + base + w)));
  }
  for (let s = height - 1; s >= 1; s--) {
    const base = <usize>s * rowBytes;
    if (s % block == block - 1 || s == height - 1) memory.copy(suffix, joined + base, rowBytes);
    else
      for (let w: usize = 0; w < rowBytes; w += 16)
        v128.store(suffix + w, v128.and(v128.load(suffix + w), v128.load(joined + base + w)));
    const y0 = s + distance - 1;
    if (y0 < distance || y0 + distance >= height) continue;
    const at = out + <usize>y0 * rowBytes;
    const top = horizontal + <usize>(y0 - distance) * rowBytes;
    const last = prefix + <usize>(y0 + distance) * rowBytes;
    for (let w: usize = 0; w < rowBytes; w += 16)
      v128.store(at + w, v128.and(v128.and(v128.load(top + w), v128.load(suffix + w)), v128.load(last + w)));
  }
}

/** Sets the bits of `row` where row y's id equals row y - 1's, merging the two rows' runs. */
function joinAbove(rowStart: usize, start: usize, id: usize, y: i32, width: i32, row: usize): void {
  let i = load<i32>(rowStart + ((<usize>(y - 1)) << 2));
  const aEnd = load<i32>(rowStart + ((<usize>y) << 2));
  let j = aEnd;
  const bEnd = load<i32>(rowStart + ((<usize>(y + 1)) << 2));
  for (let from = 0; from < width;) {
    const aTo = i + 1 < aEnd ? load<i32>(start + ((<usize>(i + 1)) << 2)) : width;
    const bTo = j + 1 < bEnd ? load<i32>(start + ((<usize>(j + 1)) << 2)) : width;
    const to = aTo < bTo ? aTo : bTo;
    if (load<i32>(id + ((<usize>i) << 2)) == load<i32>(id + ((<usize>j) << 2))) BitRow.set(row, from, to);
    if (aTo == to) i++;
    if (bTo == to) j++;
    from = to;
  }
}

/**
 * Per-class band intersections and unions (i32 × numClasses at `intersection` and `union`) of a label
 * and a prediction from their runs and interiors, as boundaryCountsOfRuns describes: per segment of
 * constant (label, prediction) ids, the band pixels are the segment's length minus its interior bits.
 */
export function counts(
  labelRowStart: usize,
  labelStart: usize,
  labelId: usize,
  labelInterior: usize,
  predictedRowStart: usize,
  predictedStart: usize,
  predictedId: usize,
  predictedInterior: usize,
  width: i32,
  height: i32,
  numClasses: i32,
  ignoreIndex: i32,
  intersection: usize,
  union: usize,
): void {
  memory.fill(intersection, 0, (<usize>numClasses) << 2);
  memory.fill(union, 0, (<usize>numClasses) << 2);
  const rowBytes = (<usize>strideWords(width)) << 2;
  for (let y = 0; y < height; y++) {
    const base = <usize>y * rowBytes;
    let i = load<i32>(labelRowStart + ((<usize>y) << 2));
    const aEnd = load<i32>(labelRowStart + ((<usize>(y + 1)) << 2));
    let j = load<i32>(predictedRowStart + ((<usize>y) << 2));
    const bEnd = load<i32>(predictedRowStart + ((<usize>(y + 1)) << 2));
    for (let from = 0; from < width;) {
      const aTo = i + 1 < aEnd ? load<i32>(labelStart + ((<usize>(i + 1)) << 2)) : width;
      const bTo = j + 1 < bEnd ? load<i32>(predictedStart + ((<usize>(j + 1)) << 2)) : width;
      const to = aTo < bTo ? aTo : bTo;
      const g = load<i32>(labelId + ((<usize>i) << 2));
      if (g >= 0 && g < numClasses && g != ignoreIndex) {
        const length = to - from;
        const inLabel = BitRow.count(labelInterior + base, from, to);
        addTo(union, g, length - inLabel);
        const c = load<i32>(predictedId + ((<usize>j) << 2));
        if (c >= 0 && c < numClasses) {
          const inPrediction = BitRow.count(predictedInterior + base, from, to);
          addTo(union, c, length - inPrediction);
          if (c == g) {
            const both = length - countEither(labelInterior + base, predictedInterior + base, from, to);
            addTo(intersection, g, both);
            addTo(union, g, -both);
          }
        }
      }
      if (aTo == to) i++;
      if (bTo == to) j++;
      from = to;
    }
  }
}

function addTo(counts: usize, c: i32, n: i32): void {
  const at = counts + ((<usize>c) << 2);
  store<i32>(at, load<i32>(at) + n);
}

/** Set bits of a | b in [from, to). */
function countEither(a: usize, b: usize, from: i32, to: i32): i32 {
  const first = from >>> 5;
  const last = (to - 1) >>> 5;
  const head = -1 << (from & 31);
  const tail = <i32>((<u32>-1) >>> (31 - ((to - 1) & 31)));
  let n = 0;
  for (let w = first; w <= last; w++) {
    let mask = -1;
    if (w == first) mask &= head;
    if (w == last) mask &= tail;
    const at = (<usize>w) << 2;
    n += popcnt<i32>((load<i32>(a + at) | load<i32>(b + at)) & mask);
  }
  return n;
}
