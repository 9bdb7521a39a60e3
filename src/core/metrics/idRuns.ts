/**
 * Run-length rows of an id map: each row as the runs of equal ids it is made of. Boundary IoU needs the
 * map only at the places where ids change, so after this one pass over the pixels its work is in runs.
 */
export interface IdRuns {
  readonly width: number;
  readonly height: number;
  /** Runs of row y are `rowStart[y] .. rowStart[y + 1] - 1`. */
  readonly rowStart: Int32Array;
  /** First column of each run. */
  readonly start: Int32Array;
  /** Id of each run. */
  readonly id: Int32Array;
  /** 1 where row y holds the same ids as row y - 1 (its runs are copies). */
  readonly repeatsAbove: Uint8Array;
}

/** A label and a prediction as runs: read by the fused kernel's pure-window search and by Boundary IoU. */
export interface MapRuns {
  readonly label: IdRuns;
  readonly predicted: IdRuns;
}

/** Both maps' runs, one pass over each. */
export function mapRuns(
  label: ArrayLike<number>,
  predicted: ArrayLike<number>,
  width: number,
  height: number,
): MapRuns {
  return { label: idRuns(label, width, height), predicted: idRuns(predicted, width, height) };
}

/**
 * The segments of a row where neither of two run rows changes id (row `rowA` of `a` against row `rowB`
 * of `b`, the same width), left to right, as triples in `out` from index `at`: end column (exclusive),
 * a's id, b's id. A segment starts where the one before it ends, the first at 0. `out` has room for
 * 3 × width values from `at` (a row has at most `width` segments). Returns the number of segments.
 */
export function rowSegments(a: IdRuns, rowA: number, b: IdRuns, rowB: number, out: Int32Array, at = 0): number {
  const width = a.width;
  let i = a.rowStart[rowA]!;
  const aEnd = a.rowStart[rowA + 1]!;
  let j = b.rowStart[rowB]!;
  const bEnd = b.rowStart[rowB + 1]!;
  const first = at;
  for (let from = 0; from < width;) {
    const aTo = i + 1 < aEnd ? a.start[i + 1]! : width;
    const bTo = j + 1 < bEnd ? b.start[j + 1]! : width;
    const to = aTo < bTo ? aTo : bTo;
    out[at] = to;
    out[at + 1] = a.id[i]!;
    out[at + 2] = b.id[j]!;
    at += 3;
    if (aTo === to) i++;
    if (bTo === to) j++;
    from = to;
  }
  return (at - first) / 3;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function idRuns(ids: ArrayLike<number>, width: number, height: number): IdRuns {
  const rowStart = new Int32Array(height + 1);
  const repeatsAbove = new Uint8Array(height);
  let start: Int32Array = new Int32Array(Math.max(64, height * 8));
  let id: Int32Array = new Int32Array(start.length);
  // Read maps are 8- or 16-bit: four or two pixels per 32-bit comparison skip the long runs faster.
  const typed = ids instanceof Uint8Array || ids instanceof Uint16Array ? ids : undefined;
  const perWord = typed ? 4 / typed.BYTES_PER_ELEMENT : 1;
  const words =
    LITTLE_ENDIAN && typed && typed.byteOffset % 4 === 0
      ? new Uint32Array(typed.buffer, typed.byteOffset, Math.floor(typed.length / perWord))
      : undefined;
  const wordShift = perWord === 4 ? 2 : 1;
  const bits = 32 / perWord;
  const repeat = perWord === 4 ? 0x01010101 : 0x10001;
  const idMask = perWord === 4 ? 0xff : 0xffff;
  // Label maps repeat rows (a third to two thirds of VOC's rows equal the row above): a byte
  // comparison (memcmp) finds them, and their runs are the row above's.
  const bytes = ArrayBuffer.isView(ids) ? Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength) : undefined;
  const rowBytes = bytes && ids.length > 0 ? (width * bytes.length) / ids.length : 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    rowStart[y] = count;
    const row = y * width;
    // At most `width` runs in this row: growing here keeps the pixel loop free of capacity checks.
    if (count + width > start.length) {
      start = grown(start, count + width);
      id = grown(id, count + width);
    }
    if (width === 0) continue;
    if (
      bytes &&
      y > 0 &&
      bytes.compare(bytes, (y - 1) * rowBytes, y * rowBytes, y * rowBytes, (y + 1) * rowBytes) === 0
    ) {
      const from = rowStart[y - 1]!;
      const runs = count - from;
      start.copyWithin(count, from, count);
      id.copyWithin(count, from, count);
      count += runs;
      repeatsAbove[y] = 1;
      continue;
    }
    let previous = ids[row]!;
    start[count] = 0;
    id[count] = previous;
    count++;
    let x = 1;
    if (words) {
      // Single pixels up to a word boundary, then a word at a time.
      for (; x < width && (row + x) % perWord !== 0; x++) {
        const value = ids[row + x]!;
        if (value !== previous) {
          start[count] = x;
          id[count] = value;
          count++;
          previous = value;
        }
      }
      let same = Math.imul(previous, repeat) >>> 0;
      for (; x + perWord <= width; x += perWord) {
        const word = words[(row + x) >>> wordShift]!;
        if (word === same) continue;
        for (let i = 0; i < perWord; i++) {
          const value = (word >>> (i * bits)) & idMask;
          if (value !== previous) {
            start[count] = x + i;
            id[count] = value;
            count++;
            previous = value;
          }
        }
        same = Math.imul(previous, repeat) >>> 0;
      }
    }
    for (; x < width; x++) {
      const value = ids[row + x]!;
      if (value !== previous) {
        start[count] = x;
        id[count] = value;
        count++;
        previous = value;
      }
    }
  }
  rowStart[height] = count;
  return { width, height, rowStart, start, id, repeatsAbove };
}

function grown(array: Int32Array, atLeast: number): Int32Array {
  const larger = new Int32Array(Math.max(atLeast, array.length * 2));
  larger.set(array);
  return larger;
}
