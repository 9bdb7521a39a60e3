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
}

export function idRuns(ids: ArrayLike<number>, width: number, height: number): IdRuns {
  const rowStart = new Int32Array(height + 1);
  let start: Int32Array = new Int32Array(Math.max(64, height * 8));
  let id: Int32Array = new Int32Array(start.length);
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
    let previous = ids[row]!;
    start[count] = 0;
    id[count] = previous;
    count++;
    for (let x = 1; x < width; x++) {
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
  return { width, height, rowStart, start, id };
}

function grown(array: Int32Array, atLeast: number): Int32Array {
  const larger = new Int32Array(Math.max(atLeast, array.length * 2));
  larger.set(array);
  return larger;
}
