/**
 * Turns the per-pixel maps of an image message into RGBA overlays, one per layer, at image
 * resolution. They are computed once per image (the merge-effect one again when its range
 * changes) and then only composited, so dragging an opacity slider costs a redraw, not a recolour.
 */
import { kthSmallest } from '../common/kthSmallest';
import { predictionsOf } from './compare';
import { LAYER_NAMES, type ImageMessage, type LayerName, type Rgb } from '../../src/shared/protocol/inspector';
import {
  BAND_COLORS,
  CONFUSION_COLOR,
  DIFFERENCE_COLORS,
  divergingColor,
  ERROR_COLORS,
  GREYED_OUT_COLOR,
  hatchColor,
  INVALID_CLASS_COLOR,
  LABEL_ISSUE_COLOR,
  LIKELY_LABEL_ERROR_COLOR,
  sequentialColor,
} from '../common/colormap';

/** Every layer but the photo, in drawing order. */
export type OverlayName = Exclude<LayerName, 'image'>;
export const OVERLAY_NAMES: readonly OverlayName[] = LAYER_NAMES.filter(
  (name): name is OverlayName => name !== 'image',
);

/** RGBA bytes, width×height×4, transparent where the layer has nothing to say (e.g. void). */
export type OverlayPixels = Uint8ClampedArray<ArrayBuffer>;

function setPixel(rgba: OverlayPixels, pixel: number, color: Rgb): void {
  const at = pixel * 4;
  rgba[at] = color[0];
  rgba[at + 1] = color[1];
  rgba[at + 2] = color[2];
  rgba[at + 3] = 255;
}

/**
 * An opaque colour as the one 32-bit word its RGBA bytes make in this machine's byte order, so the
 * megapixel layers shown by default write a word per pixel instead of four bytes.
 */
function packedColor([red, green, blue]: Rgb): number {
  const bytes = new Uint8ClampedArray([red, green, blue, 255]);
  return new Uint32Array(bytes.buffer)[0]!;
}

function words(rgba: OverlayPixels): Uint32Array {
  return new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length / 4);
}

function classColor(image: ImageMessage, classId: number): Rgb {
  return classId >= 0 && classId < image.numClasses
    ? (image.classColors[classId] ?? INVALID_CLASS_COLOR)
    : INVALID_CLASS_COLOR;
}

/** Class colours where the label is valid; void hatched (see hatchColor). */
export function labelOverlay(image: ImageMessage): OverlayPixels {
  const { label } = image.layers;
  const rgba = new Uint8ClampedArray(label.length * 4);
  for (let p = 0; p < label.length; p++) {
    const classId = label[p] ?? -1;
    setPixel(rgba, p, classId >= 0 ? classColor(image, classId) : hatchAt(image, p));
  }
  return rgba;
}

function hatchAt(image: ImageMessage, pixel: number): Rgb {
  return hatchColor(pixel % image.width, Math.floor(pixel / image.width));
}

/** Predicted classes everywhere (the model predicts void pixels too); invalid ids in magenta. */
export function predictionOverlay(image: ImageMessage): OverlayPixels {
  const { predicted } = image.layers;
  const rgba = new Uint8ClampedArray(predicted.length * 4);
  const out = words(rgba);
  const colors = Uint32Array.from({ length: image.numClasses }, (_, c) => packedColor(classColor(image, c)));
  const invalid = packedColor(INVALID_CLASS_COLOR);
  for (let p = 0; p < predicted.length; p++) {
    const classId = predicted[p]!;
    out[p] = classId >= 0 && classId < colors.length ? colors[classId]! : invalid;
  }
  return rgba;
}

/** Right = green, wrong = red, void hatched. */
export function errorOverlay(image: ImageMessage): OverlayPixels {
  const { label, predicted } = image.layers;
  const rgba = new Uint8ClampedArray(label.length * 4);
  for (let p = 0; p < label.length; p++) {
    const classId = label[p] ?? -1;
    setPixel(
      rgba,
      p,
      classId < 0 ? hatchAt(image, p) : classId === predicted[p] ? ERROR_COLORS.correct : ERROR_COLORS.wrong,
    );
  }
  return rgba;
}

/** Lights only the pixels of the confusion cell the image was opened from (label a, predicted b). */
export function confusionOverlay(image: ImageMessage): OverlayPixels {
  const { label, predicted } = image.layers;
  const rgba = new Uint8ClampedArray(label.length * 4);
  const pair = image.confusionPair ?? null;
  if (pair === null) return rgba;
  for (let p = 0; p < label.length; p++) {
    if (label[p] === pair.label && predicted[p] === pair.predicted) setPixel(rgba, p, CONFUSION_COLOR);
  }
  return rgba;
}

/**
 * Comparing two models: pixels A got right and B wrong in one colour, the reverse in another, both
 * wrong dimmed; both right and void stay transparent. Independent of which model is shown.
 */
export function differenceOverlay(image: ImageMessage): OverlayPixels {
  const { label } = image.layers;
  const rgba = new Uint8ClampedArray(label.length * 4);
  const both = predictionsOf(image);
  if (both === null) return rgba;
  const { a, b } = both;
  for (let p = 0; p < label.length; p++) {
    const y = label[p] ?? -1;
    if (y < 0) continue;
    const aRight = a[p] === y;
    const bRight = b[p] === y;
    if (aRight && !bRight) setPixel(rgba, p, DIFFERENCE_COLORS.regressed);
    else if (bRight && !aRight) setPixel(rgba, p, DIFFERENCE_COLORS.fixed);
    else if (!aRight) setPixel(rgba, p, DIFFERENCE_COLORS.bothWrong);
  }
  return rgba;
}

/**
 * Boundary IoU bands (spec "Boundary IoU (v2)"): where label and prediction bands agree in light grey;
 * the disagreements highlighted: label band only in green, prediction band only in blue, both bands
 * but different classes in red. Interior and void pixels stay clear.
 */
export function boundaryOverlay(image: ImageMessage): OverlayPixels {
  const band = image.layers.boundaryBand;
  const rgba = new Uint8ClampedArray(image.layers.label.length * 4);
  if (band === undefined) return rgba;
  for (let p = 0; p < band.length; p++) {
    const bits = band[p] ?? 0;
    if (bits === 0) continue;
    const disagree = (bits & 4) !== 0;
    const color = !disagree
      ? BAND_COLORS.agree
      : bits & 1 && bits & 2
        ? BAND_COLORS.otherClass
        : bits & 1
          ? BAND_COLORS.labelOnly
          : BAND_COLORS.predictionOnly;
    setPixel(rgba, p, color);
  }
  return rgba;
}

/** The percentile of |M| over valid pixels that the robust colour scale spans. */
export const ROBUST_PERCENTILE = 0.99;

/** How the merge-effect colours are spanned, and why: what the colour bar says. */
export interface MergeEffectScale {
  /** Colours run from -halfRange to +halfRange; values beyond are clamped to the ends. */
  readonly halfRange: number;
  /** `fixed`: the host's range; `robust`: a high percentile of |M|; `full`: max |M|. */
  readonly kind: 'fixed' | 'robust' | 'full';
  /** max |M| over valid pixels, so the bar can say how far beyond its ends values go. */
  readonly largest: number;
  /** Valid pixels whose |M| exceeds halfRange (drawn clamped). */
  readonly clamped: number;
}

/**
 * The merge-effect scale of an image. `robust` spans the ROBUST_PERCENTILE of |M| over valid pixels, so
 * a few extreme pixels (isolated errors reach |M| ≈ 10) no longer wash the rest out; when that
 * percentile is 0 (merging touches under 1% of the pixels) it falls back to max |M|. The host's fixed
 * range, when it sends one, wins over both.
 */
export function mergeEffectScale(image: ImageMessage, wanted: 'robust' | 'full'): MergeEffectScale {
  const { label, mergeEffect } = image.layers;
  // |M| of the valid pixels; float32 like the map, so the percentile is one of the map's own values.
  const all = new Float32Array(mergeEffect.length);
  let count = 0;
  let largest = 0;
  for (let p = 0; p < mergeEffect.length; p++) {
    if ((label[p] ?? -1) >= 0) {
      const m = Math.abs(mergeEffect[p] ?? 0);
      all[count++] = m;
      if (m > largest) largest = m;
    }
  }
  const magnitudes = all.subarray(0, count);
  let halfRange: number;
  let kind: MergeEffectScale['kind'];
  if (image.mergeEffectRange !== null) {
    [halfRange, kind] = [image.mergeEffectRange, 'fixed'];
  } else if (wanted === 'robust') {
    const at = count === 0 ? 0 : kthSmallest(magnitudes, Math.min(count - 1, Math.floor(ROBUST_PERCENTILE * count)));
    [halfRange, kind] = at > 0 ? [at, 'robust'] : [largest, 'full'];
  } else {
    [halfRange, kind] = [largest, 'full'];
  }
  // An image with no merge effect at all still needs a scale; any positive value draws it neutral.
  if (!(halfRange > 0)) halfRange = 1;
  let clamped = 0;
  for (let i = 0; i < count; i++) if (magnitudes[i]! > halfRange) clamped++;
  return { halfRange, kind, largest, clamped };
}

/** Diverging colours on valid pixels; void is transparent because M = 0 there means "undefined", not "no effect". */
export function mergeEffectOverlay(image: ImageMessage, halfRange: number): OverlayPixels {
  const { label, mergeEffect } = image.layers;
  // A lookup table instead of interpolating per pixel: megapixel images recolour in a blink.
  const steps = 1024;
  const table = Uint32Array.from({ length: steps + 1 }, (_, i) =>
    packedColor(divergingColor(((2 * i) / steps - 1) * halfRange, halfRange)),
  );
  const rgba = new Uint8ClampedArray(label.length * 4);
  const out = words(rgba);
  for (let p = 0; p < label.length; p++) {
    if (label[p]! >= 0) {
      const t = Math.max(-1, Math.min(1, mergeEffect[p]! / halfRange));
      out[p] = table[Math.round(((t + 1) / 2) * steps)] ?? table[steps / 2]!;
    }
  }
  return rgba;
}

/** A per-pixel value on the sequential scale from `low` to `high`; transparent where there is no map. */
function sequentialOverlay(image: ImageMessage, map: Float32Array | undefined, high: number): OverlayPixels {
  const rgba = new Uint8ClampedArray(image.layers.label.length * 4);
  if (map === undefined || !(high > 0)) return rgba;
  const steps = 256;
  const table = Array.from({ length: steps + 1 }, (_, i) => sequentialColor(i / steps));
  for (let p = 0; p < map.length; p++) {
    const t = Math.max(0, Math.min(1, (map[p] ?? 0) / high));
    setPixel(rgba, p, table[Math.round(t * steps)] ?? [0, 0, 0]);
  }
  return rgba;
}

/** The highest entropy C classes can have: ln C nats (every class equally likely). */
export function maxEntropy(image: ImageMessage): number {
  return Math.log(Math.max(2, image.numClasses));
}

/** Entropy of every pixel, 0 (one class certain) to ln C (all equally likely). */
export function entropyOverlay(image: ImageMessage): OverlayPixels {
  return sequentialOverlay(image, image.layers.entropy, maxEntropy(image));
}

/** Margin top-1 − top-2 of every pixel, 0 (a tie) to 1 (one class only). */
export function marginOverlay(image: ImageMessage): OverlayPixels {
  return sequentialOverlay(image, image.layers.margin, 1);
}

/** The engine's label-issue pixels (P(label) below the threshold) in one colour. */
export function labelIssueOverlay(image: ImageMessage): OverlayPixels {
  const mask = image.layers.labelIssues;
  const rgba = new Uint8ClampedArray(image.layers.label.length * 4);
  if (mask === undefined) return rgba;
  for (let p = 0; p < mask.length; p++) if (mask[p] === 1) setPixel(rgba, p, LABEL_ISSUE_COLOR);
  return rgba;
}

/** Pixels where k of N models agree on another class than the label's. */
export function likelyLabelErrorOverlay(image: ImageMessage): OverlayPixels {
  const agreed = image.agreement?.agreedClass;
  const rgba = new Uint8ClampedArray(image.layers.label.length * 4);
  if (agreed === undefined) return rgba;
  for (let p = 0; p < agreed.length; p++) if ((agreed[p] ?? -1) >= 0) setPixel(rgba, p, LIKELY_LABEL_ERROR_COLOR);
  return rgba;
}

/**
 * The confidence slider's mask: opaque grey over every pixel whose top-1 probability is below
 * `threshold`, transparent elsewhere; null when there is nothing to grey (no soft map, or threshold 0).
 */
export function lowConfidenceMask(image: ImageMessage, threshold: number): OverlayPixels | null {
  const confidence = image.layers.confidence;
  if (confidence === undefined || !(threshold > 0)) return null;
  const rgba = new Uint8ClampedArray(confidence.length * 4);
  for (let p = 0; p < confidence.length; p++) if ((confidence[p] ?? 1) < threshold) setPixel(rgba, p, GREYED_OUT_COLOR);
  return rgba;
}

/** How many pixels the mask greys out (said beside the slider). */
export function countBelow(image: ImageMessage, threshold: number): number {
  const confidence = image.layers.confidence;
  if (confidence === undefined) return 0;
  let count = 0;
  for (let p = 0; p < confidence.length; p++) if ((confidence[p] ?? 1) < threshold) count++;
  return count;
}
