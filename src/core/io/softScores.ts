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

/** Probabilities when every value is in [0, 1] and every pixel's values sum to about 1. */
function looksLikeProbabilities(values: Float32Array | Float64Array, channels: number): boolean {
  for (let offset = 0; offset < values.length; offset += channels) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const v = values[offset + c]!;
      if (v < 0 || v > 1) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-2) return false;
  }
  return true;
}

/**
 * CHW to HWC. Also says whether every value is finite, from the values it moves anyway (v - v is 0
 * only for finite v): a separate pass over C·H·W values cost a tenth of a soft evaluation.
 */
function toHwc(
  values: Float32Array | Float64Array,
  channels: number,
  pixels: number,
): { values: Float32Array | Float64Array; knownFinite: boolean } {
  const out = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length);
  let finite = true;
  for (let c = 0; c < channels; c++) {
    const plane = c * pixels;
    for (let p = 0; p < pixels; p++) {
      const v = values[plane + p]!;
      if (v - v !== 0) finite = false;
      out[p * channels + c] = v;
    }
  }
  return { values: out, knownFinite: finite };
}

/** Throws for the first non-finite value, by its flat index in HWC order. */
function checkFinite(file: string, values: Float32Array | Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new InputError(file, 'invalid-values', `.npy holds a non-finite value (${values[i]}) at flat index ${i}`);
    }
  }
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
  const pixels = width * height;
  const hwc = layout === 'chw' ? toHwc(array.values, numClasses, pixels) : { values: array.values, knownFinite: false };
  const values = hwc.values;
  if (!hwc.knownFinite) checkFinite(file, values); // finds and names the first bad value (HWC files: checks them all)
  const kind =
    options.softValues === 'auto'
      ? looksLikeProbabilities(values, numClasses)
        ? 'probabilities'
        : 'logits'
      : options.softValues;
  if (kind === 'probabilities') {
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < 0)
        throw new InputError(
          file,
          'invalid-values',
          `probabilities set, but value ${values[i]} at flat index ${i} is negative`,
        );
    }
  }
  const scores: SoftScores = { width, height, channels: numClasses, kind, values };
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
