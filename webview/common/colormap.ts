/** Colours that are not class colours: the error map, the merge-effect scale, fallbacks. */
import type { Rgb } from '../../src/shared/protocol';

/** Drawn under the overlays when there is no photo (or it is hidden): overlays then read the same in light and dark themes. */
export const NEUTRAL_BACKGROUND: Rgb = [128, 128, 128];

export const ERROR_COLORS = {
  correct: [46, 160, 67] as Rgb,
  wrong: [220, 38, 38] as Rgb,
} as const;

/** The confusion layer: the pixels of the chosen matrix cell (label a, predicted b); not a hot-spot colour. */
export const CONFUSION_COLOR: Rgb = [236, 72, 153];

/**
 * Void pixels (the ignore id: not scored) as diagonal stripes of two greys, so they read as "no data"
 * on any photo and in any theme, and never as a class colour.
 */
export const HATCH_COLORS = { dark: [70, 70, 70] as Rgb, light: [190, 190, 190] as Rgb } as const;

/** The hatch colour of image pixel (x, y): stripes 3 px dark, 3 px light, running down to the left. */
export function hatchColor(x: number, y: number): Rgb {
  return (x + y) % 6 < 3 ? HATCH_COLORS.dark : HATCH_COLORS.light;
}

/** The difference layer of a comparison: where A and B disagree on being right. */
export const DIFFERENCE_COLORS = {
  /** A right, B wrong: B regressed here. */
  regressed: [255, 120, 0] as Rgb,
  /** B right, A wrong: B fixed it. */
  fixed: [0, 170, 255] as Rgb,
  /** Both wrong: dimmed. */
  bothWrong: [40, 40, 40] as Rgb,
} as const;

/** The Boundary IoU band layer: where the two bands agree, and where only one of them lies (or the classes differ). */
export const BAND_COLORS = {
  agree: [235, 235, 235] as Rgb,
  labelOnly: [0, 200, 83] as Rgb,
  predictionOnly: [41, 121, 255] as Rgb,
  otherClass: [255, 23, 68] as Rgb,
} as const;

/** For predicted ids outside 0..numClasses-1 (the spec counts them as misses). */
export const INVALID_CLASS_COLOR: Rgb = [255, 0, 255];

/**
 * ColorBrewer RdBu (5 classes), blue for negative and red for positive, near-white at 0 so the
 * eye reads "no effect" as "nothing there".
 */
const DIVERGING_STOPS: readonly { readonly at: number; readonly color: Rgb }[] = [
  { at: -1, color: [5, 113, 176] },
  { at: -0.5, color: [146, 197, 222] },
  { at: 0, color: [247, 247, 247] },
  { at: 0.5, color: [244, 165, 130] },
  { at: 1, color: [202, 0, 32] },
];

/** Colour of `value` on a scale running from -halfRange (blue) through 0 (neutral) to +halfRange (red). */
export function divergingColor(value: number, halfRange: number): Rgb {
  const t = Math.max(-1, Math.min(1, halfRange > 0 ? value / halfRange : 0));
  for (let i = 1; i < DIVERGING_STOPS.length; i++) {
    const upper = DIVERGING_STOPS[i];
    const lower = DIVERGING_STOPS[i - 1];
    if (upper !== undefined && lower !== undefined && t <= upper.at) {
      const f = (t - lower.at) / (upper.at - lower.at);
      return [
        Math.round(lower.color[0] + f * (upper.color[0] - lower.color[0])),
        Math.round(lower.color[1] + f * (upper.color[1] - lower.color[1])),
        Math.round(lower.color[2] + f * (upper.color[2] - lower.color[2])),
      ];
    }
  }
  return DIVERGING_STOPS[DIVERGING_STOPS.length - 1]?.color ?? [0, 0, 0];
}

export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Sequential scale for the uncertainty layers (entropy, margin): viridis at five stops, dark purple at 0
 * through teal to yellow at 1, readable by colour-blind eyes and monotone in lightness.
 */
export const SEQUENTIAL_STOPS: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour of t in 0..1 (clamped) on the sequential scale. */
export function sequentialColor(t: number): Rgb {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
  const at = clamped * (SEQUENTIAL_STOPS.length - 1);
  const i = Math.min(SEQUENTIAL_STOPS.length - 2, Math.floor(at));
  const f = at - i;
  const lower = SEQUENTIAL_STOPS[i] ?? [0, 0, 0];
  const upper = SEQUENTIAL_STOPS[i + 1] ?? lower;
  return [
    Math.round(lower[0] + f * (upper[0] - lower[0])),
    Math.round(lower[1] + f * (upper[1] - lower[1])),
    Math.round(lower[2] + f * (upper[2] - lower[2])),
  ];
}

/**
 * The label-issue layer (soft: the model gives the label little probability) and the likely-label-error
 * layer (models agree on another class). Cyan, far from every other layer colour (magenta for ids out of
 * range above all; test/webview/colormap.test.ts measures it) and from the label-issue orange, so the two
 * kinds of label evidence never read as one.
 */
export const LABEL_ISSUE_COLOR: Rgb = [255, 140, 0];
export const LIKELY_LABEL_ERROR_COLOR: Rgb = [0, 255, 255];

/** What the confidence slider paints over pixels below it: opaque mid grey, so they read as "left out". */
export const GREYED_OUT_COLOR: Rgb = [128, 128, 128];
