import { InputError } from '../errors';
import type { SoftLayout, SoftValueKind } from '../options';
import type { ClassMap, Prediction, SoftScores } from '../types';
import type { NpyArray } from './npy';

/** Leading singleton batch dimensions are dropped: (1, C, H, W) is (C, H, W). */
function squeezeBatch(shape: readonly number[]): number[] {
  const dims = [...shape];
  while (dims.length > 3 && dims[0] === 1) dims.shift();
  return dims;
}

function resolveLayout(file: string, dims: number[], numClasses: number, layout: SoftLayout): 'hwc' | 'chw' {
  if (layout !== 'auto') {
    const channels = layout === 'hwc' ? dims[2] : dims[0];
    if (channels !== numClasses) {
      throw new InputError(
        file,
        'class-count-mismatch',
        `.npy shape (${dims.join(', ')}) in ${layout.toUpperCase()} layout has ${channels} channels, expected ${numClasses} classes`,
      );
    }
    return layout;
  }
  if (dims[0] === numClasses && dims[2] === numClasses) {
    throw new InputError(
      file,
      'unsupported-format',
      `.npy shape (${dims.join(', ')}) could be CHW or HWC with ${numClasses} classes: set the layout (hwc or chw)`,
    );
  }
  if (dims[0] === numClasses) return 'chw';
  if (dims[2] === numClasses) return 'hwc';
  throw new InputError(
    file,
    'class-count-mismatch',
    `.npy shape (${dims.join(', ')}) has no dimension of ${numClasses} classes at the start (CHW) or end (HWC)`,
  );
}

/** Where value `c` of pixel `p` sits in `values`, in either layout. */
function valueIndex(layout: 'hwc' | 'chw', channels: number, pixels: number): (p: number, c: number) => number {
  return layout === 'hwc' ? (p, c) => p * channels + c : (p, c) => c * pixels + p;
}

/** Probabilities when every value is in [0, 1] and every pixel's values sum to about 1. */
function looksLikeProbabilities(scores: SoftScores): boolean {
  const { values, channels, layout } = scores;
  const pixels = scores.width * scores.height;
  // Strides instead of valueIndex: on logits this returns at the first negative value, but on
  // probabilities it reads every value.
  const pixelStride = layout === 'hwc' ? channels : 1;
  const classStride = layout === 'hwc' ? 1 : pixels;
  for (let p = 0, offset = 0; p < pixels; p++, offset += pixelStride) {
    let sum = 0;
    for (let c = 0, i = offset; c < channels; c++, i += classStride) {
      const v = values[i]!;
      if (v < 0 || v > 1) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-2) return false;
  }
  return true;
}

/**
 * True when every value is finite. A NaN or an infinity makes a sum non-finite, while a sum of finite
 * float32 values cannot overflow a float64 (2^31 values below 3.5e38 sum to under 1e48): so the check
 * is four running sums, one add per value in four independent chains, under half the time of a compare
 * and branch per value. When the sum is not finite (or float64 values overflowed it), every value is
 * looked at.
 */
function allFinite(values: Float32Array | Float64Array): boolean {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const whole = values.length - (values.length % 4);
  for (let i = 0; i < whole; i += 4) {
    a += values[i]!;
    b += values[i + 1]!;
    c += values[i + 2]!;
    d += values[i + 3]!;
  }
  for (let i = whole; i < values.length; i++) a += values[i]!;
  if (Number.isFinite(a + b + c + d)) return true;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true; // float64 values whose sum overflowed
}

/** True when some value is negative; like allFinite, the fast check before the slow search for the message. */
function anyNegative(values: Float32Array | Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i]! < 0) return true;
  return false;
}

/**
 * The first value failing `bad`, by its flat index in HWC order whatever the file's layout (pixel by
 * pixel, classes within a pixel). Only on the error path, so the scan order can be the slow one.
 */
function firstBadValue(
  scores: SoftScores,
  bad: (v: number) => boolean,
): { value: number; flatIndex: number } | undefined {
  const { values, channels } = scores;
  const pixels = scores.width * scores.height;
  const at = valueIndex(scores.layout, channels, pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) {
      const value = values[at(p, c)]!;
      if (bad(value)) return { value, flatIndex: p * channels + c };
    }
  }
  return undefined;
}

/** Turns a decoded .npy into a prediction: 2-D integer arrays are class maps, 3-D float arrays soft scores. */
export function predictionFromNpy(
  file: string,
  array: NpyArray,
  numClasses: number,
  options: { softValues: SoftValueKind; softLayout: SoftLayout },
): Prediction {
  const dims = squeezeBatch(array.shape);
  const isInteger = !array.dtype.startsWith('f');
  if (dims.length === 2 || (isInteger && dims.length === 3 && dims[0] === 1)) {
    return { type: 'hard', map: classMapFromNpy(file, array) };
  }
  if (dims.length !== 3)
    throw new InputError(
      file,
      'unsupported-format',
      `.npy shape (${array.shape.join(', ')}) is neither H×W class ids nor C×H×W / H×W×C scores`,
    );
  if (isInteger)
    throw new InputError(
      file,
      'unsupported-format',
      `.npy of integers with shape (${array.shape.join(', ')}): soft scores must be float16/32/64`,
    );
  const layout = resolveLayout(file, dims, numClasses, options.softLayout);
  const [height, width] = layout === 'chw' ? [dims[1]!, dims[2]!] : [dims[0]!, dims[1]!];
  const values = array.values;
  const unchecked = { width, height, channels: numClasses, layout, values };
  if (!allFinite(values)) {
    const first = firstBadValue({ ...unchecked, kind: 'logits' }, (v) => !Number.isFinite(v))!;
    throw new InputError(
      file,
      'invalid-values',
      `.npy holds a non-finite value (${first.value}) at flat index ${first.flatIndex} (HWC order)`,
    );
  }
  const kind =
    options.softValues === 'auto'
      ? looksLikeProbabilities({ ...unchecked, kind: 'probabilities' })
        ? 'probabilities'
        : 'logits'
      : options.softValues;
  const scores: SoftScores = { ...unchecked, kind };
  if (kind === 'probabilities' && anyNegative(values)) {
    const negative = firstBadValue(scores, (v) => v < 0)!;
    throw new InputError(
      file,
      'invalid-values',
      `probabilities set, but value ${negative.value} at flat index ${negative.flatIndex} (HWC order) is negative`,
    );
  }
  return { type: 'soft', scores };
}

/** A 2-D integer .npy as class ids (labels or hard predictions). */
export function classMapFromNpy(file: string, array: NpyArray): ClassMap {
  const dims = array.shape.filter((d, i) => !(d === 1 && i < array.shape.length - 2));
  if (dims.length !== 2)
    throw new InputError(
      file,
      'unsupported-format',
      `.npy class map must be H×W, got shape (${array.shape.join(', ')})`,
    );
  const [height, width] = dims as [number, number];
  const ids = new Uint16Array(width * height);
  for (let p = 0; p < ids.length; p++) {
    const v = array.values[p]!;
    if (!Number.isInteger(v) || v < 0 || v > 65535) {
      throw new InputError(
        file,
        'invalid-values',
        `class map value ${v} at (${p % width}, ${Math.floor(p / width)}) is not an id 0..65535`,
      );
    }
    ids[p] = v;
  }
  return { width, height, ids };
}
