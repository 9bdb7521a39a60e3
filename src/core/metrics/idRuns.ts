import { kernelsWith, Layout } from './boundaryWasm';

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

/**
 * The runs of a map of `width` × `height` ids, in WebAssembly (wasm/boundaryKernels.ts: a vector of 16,
 * 8 or 4 neighbour pairs compared at a time, a bitmask of where ids change, and a vector comparison with
 * the row above for repeated rows). 8- and 16-bit ids (read maps) are copied into wasm memory as they
 * are; any other ids (the general path's Int32Array, void below 0) as 32-bit integers.
 */
export function idRuns(ids: ArrayLike<number>, width: number, height: number): IdRuns {
  const pixels = width * height;
  if (ids.length !== pixels) throw new RangeError(`${ids.length} ids for a ${width}x${height} map`);
  const bytesPerId = ids instanceof Uint8Array ? 1 : ids instanceof Uint16Array ? 2 : 4;
  const layout = new Layout();
  // The kernel's vector loads read up to 16 bytes past the last id.
  const idsAt = layout.take(pixels * bytesPerId + 16);
  const at = takeRuns(layout, height, pixels);
  const { kernels, buffer } = kernelsWith(layout.end);
  if (bytesPerId === 1) new Uint8Array(buffer, idsAt, pixels).set(ids);
  else if (bytesPerId === 2) new Uint16Array(buffer, idsAt, pixels).set(ids);
  else new Int32Array(buffer, idsAt, pixels).set(ids);
  const runs = bytesPerId === 1 ? kernels.runs8 : bytesPerId === 2 ? kernels.runs16 : kernels.runs32;
  const count = runs(idsAt, width, height, at.rowStart, at.start, at.id, at.repeats);
  return readRuns(buffer, at, width, height, count);
}

/** Where a map's runs lie in wasm memory (byte addresses of IdRuns' arrays). */
export interface RunsAt {
  readonly rowStart: number;
  readonly start: number;
  readonly id: number;
  readonly repeats: number;
}

/** Room in `layout` for the runs of `height` rows, `count` runs at most. */
export function takeRuns(layout: Layout, height: number, count: number): RunsAt {
  return {
    rowStart: layout.take(4 * (height + 1)),
    start: layout.take(4 * count),
    id: layout.take(4 * count),
    repeats: layout.take(height),
  };
}

/** Copies `runs` into wasm memory at `at` (room from takeRuns). */
export function writeRuns(buffer: ArrayBuffer, at: RunsAt, runs: IdRuns): void {
  const count = runs.rowStart[runs.height]!;
  new Int32Array(buffer, at.rowStart, runs.height + 1).set(runs.rowStart);
  new Int32Array(buffer, at.start, count).set(runs.start.subarray(0, count));
  new Int32Array(buffer, at.id, count).set(runs.id.subarray(0, count));
  new Uint8Array(buffer, at.repeats, runs.height).set(runs.repeatsAbove);
}

/** The runs at `at` as JS arrays of their own (copies: see boundaryWasm.ts on lifetime). */
function readRuns(buffer: ArrayBuffer, at: RunsAt, width: number, height: number, count: number): IdRuns {
  return {
    width,
    height,
    rowStart: new Int32Array(buffer, at.rowStart, height + 1).slice(),
    start: new Int32Array(buffer, at.start, count).slice(),
    id: new Int32Array(buffer, at.id, count).slice(),
    repeatsAbove: new Uint8Array(buffer, at.repeats, height).slice(),
  };
}
