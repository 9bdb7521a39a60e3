/**
 * Every layer of the inspector in one table: its name in the panel, its default visibility and opacity,
 * when it has nothing to draw (the toggle is then disabled and says why), how its pixels are coloured
 * and its legend. To add a layer: add its name to LAYER_NAMES (src/shared/protocol/inspector.ts, with
 * a default for saved states in LATER_LAYERS) and one row here; the compiler asks for the rest.
 */
import type { ImageMessage, LayerName, PersistedLayerState, Rgb } from '../../src/shared/protocol/inspector';
import {
  BAND_COLORS,
  CONFUSION_COLOR,
  DIFFERENCE_COLORS,
  ERROR_COLORS,
  INVALID_CLASS_COLOR,
  LABEL_ISSUE_COLOR,
  LIKELY_LABEL_ERROR_COLOR,
  SEQUENTIAL_STOPS,
} from '../common/colormap';
import { formatCount, formatNats, formatThreshold } from '../common/format';
import {
  boundaryOverlay,
  confusionOverlay,
  differenceOverlay,
  entropyOverlay,
  errorOverlay,
  labelIssueOverlay,
  labelOverlay,
  likelyLabelErrorOverlay,
  marginOverlay,
  maxEntropy,
  mergeEffectOverlay,
  predictionOverlay,
  type OverlayName,
  type OverlayPixels,
} from './layers';

/**
 * One legend entry: a colour (or the void hatch, or "the class colours" listed under Classes) and its
 * meaning; or a colour bar whose two ends are named (value and unit, and what that value means).
 */
export type LegendItem =
  | { readonly swatch: Rgb | 'hatch' | 'classes'; readonly text: string }
  | { readonly bar: readonly Rgb[]; readonly low: string; readonly high: string; readonly text: string };

export interface LayerDefinition {
  readonly label: string;
  readonly defaults: PersistedLayerState;
  /** Why this image has nothing for the layer to draw, or null when it has. */
  readonly missing: (image: ImageMessage) => string | null;
  /** The overlay's pixels (the photo layer has none: the renderer draws the photo). */
  readonly overlay?: (image: ImageMessage, mergeEffectRange: number) => OverlayPixels;
  /** What its colours mean; the merge-effect layer's legend is its colour bar. */
  readonly legend: (image: ImageMessage) => readonly LegendItem[];
}

const className = (image: ImageMessage, id: number): string => image.classNames[id] ?? `class ${id}`;
const voidItem = (image: ImageMessage): LegendItem => ({
  swatch: 'hatch',
  text: `void (id ${image.ignoreIndex}): not scored`,
});
const always = (): null => null;
const NEEDS_SOFT = 'Needs soft predictions (.npy probabilities or logits); this image has class ids only';
const agreementWords = (image: ImageMessage): string => {
  const agreement = image.agreement ?? null;
  return agreement === null ? '' : `${agreement.minAgree} or more of ${agreement.models} models`;
};

export const LAYERS: Readonly<Record<LayerName, LayerDefinition>> = {
  image: {
    label: 'Image',
    defaults: { visible: true, opacity: 1 },
    missing: (image) => (image.imageUri === null ? 'No photo was found for this image' : null),
    legend: () => [],
  },
  label: {
    label: 'Label',
    defaults: { visible: false, opacity: 0.5 },
    missing: always,
    overlay: labelOverlay,
    legend: (image) => [{ swatch: 'classes', text: 'the true class, colours as under Classes' }, voidItem(image)],
  },
  prediction: {
    label: 'Prediction',
    defaults: { visible: true, opacity: 0.5 },
    missing: always,
    overlay: predictionOverlay,
    legend: (image) => [
      { swatch: 'classes', text: 'the predicted class, colours as under Classes' },
      { swatch: INVALID_CLASS_COLOR, text: `an id outside 0–${image.numClasses - 1}` },
    ],
  },
  error: {
    label: 'Error map',
    defaults: { visible: false, opacity: 0.6 },
    missing: always,
    overlay: errorOverlay,
    legend: (image) => [
      { swatch: ERROR_COLORS.correct, text: 'predicted right' },
      { swatch: ERROR_COLORS.wrong, text: 'predicted wrong' },
      voidItem(image),
    ],
  },
  mergeEffect: {
    label: 'Merge effect',
    defaults: { visible: true, opacity: 0.75 },
    missing: always,
    overlay: mergeEffectOverlay,
    legend: () => [],
  },
  confusion: {
    label: 'Confusion cell',
    defaults: { visible: false, opacity: 0.9 },
    missing: (image) => (image.confusionPair ? null : 'Open an image from a confusion-matrix cell to light its pixels'),
    overlay: confusionOverlay,
    legend: (image) => {
      const pair = image.confusionPair ?? null;
      return pair === null
        ? []
        : [
            {
              swatch: CONFUSION_COLOR,
              text: `labelled ${className(image, pair.label)}, predicted ${className(image, pair.predicted)}`,
            },
          ];
    },
  },
  difference: {
    label: 'A vs B difference',
    defaults: { visible: true, opacity: 0.85 },
    missing: (image) => (image.comparison ? null : 'Compare with a second prediction folder to see where they differ'),
    overlay: differenceOverlay,
    legend: () => [
      { swatch: DIFFERENCE_COLORS.regressed, text: 'A right, B wrong' },
      { swatch: DIFFERENCE_COLORS.fixed, text: 'B right, A wrong' },
      { swatch: DIFFERENCE_COLORS.bothWrong, text: 'both wrong' },
    ],
  },
  boundary: {
    label: 'Boundary bands',
    defaults: { visible: false, opacity: 0.85 },
    missing: (image) => (image.layers.boundaryBand === undefined ? 'No boundary bands for this image' : null),
    overlay: boundaryOverlay,
    legend: () => [
      { swatch: BAND_COLORS.agree, text: 'both outlines agree' },
      { swatch: BAND_COLORS.labelOnly, text: 'outline in the label only' },
      { swatch: BAND_COLORS.predictionOnly, text: 'outline in the prediction only' },
      { swatch: BAND_COLORS.otherClass, text: 'both outlines, different classes' },
    ],
  },
  entropy: {
    label: 'Entropy (uncertainty)',
    defaults: { visible: false, opacity: 0.8 },
    missing: (image) => (image.layers.entropy === undefined ? NEEDS_SOFT : null),
    overlay: entropyOverlay,
    legend: (image) => [
      {
        bar: SEQUENTIAL_STOPS,
        low: '0 nats: sure',
        high: `${formatNats(maxEntropy(image))} nats (ln ${image.numClasses}): all classes alike`,
        text: 'Entropy of the class probabilities, in nats',
      },
    ],
  },
  margin: {
    label: 'Margin (top-1 − top-2)',
    defaults: { visible: false, opacity: 0.8 },
    missing: (image) => (image.layers.margin === undefined ? NEEDS_SOFT : null),
    overlay: marginOverlay,
    legend: () => [
      {
        bar: SEQUENTIAL_STOPS,
        low: '0: top two tie',
        high: '1: one class only',
        text: 'Probability of the top class minus the runner-up',
      },
    ],
  },
  labelIssues: {
    label: 'Label issues',
    defaults: { visible: true, opacity: 0.9 },
    missing: (image) => (image.layers.labelIssues === undefined ? NEEDS_SOFT : null),
    overlay: labelIssueOverlay,
    legend: (image) => {
      const threshold = image.labelIssues?.threshold;
      const pixels = countFlagged(image.layers.labelIssues);
      return [
        {
          swatch: LABEL_ISSUE_COLOR,
          text: `the model gives the label's class p < ${threshold === undefined ? '?' : formatThreshold(threshold)} (${formatCount(pixels)} px): check the label`,
        },
      ];
    },
  },
  likelyLabelErrors: {
    label: 'Likely label errors',
    defaults: { visible: true, opacity: 0.9 },
    missing: (image) =>
      image.agreement
        ? null
        : 'Run "Find Likely Label Errors With Other Models…" to compare the label with other models',
    overlay: likelyLabelErrorOverlay,
    legend: (image) => [
      {
        swatch: LIKELY_LABEL_ERROR_COLOR,
        text: `${agreementWords(image)} predict the same class, not the label's (${formatCount(countAgreed(image))} px)`,
      },
    ],
  },
};

function countFlagged(mask: Uint8Array | undefined): number {
  let count = 0;
  if (mask !== undefined) for (const bit of mask) count += bit;
  return count;
}

function countAgreed(image: ImageMessage): number {
  let count = 0;
  const agreed = image.agreement?.agreedClass;
  if (agreed !== undefined) for (const c of agreed) if (c >= 0) count++;
  return count;
}

/** Whether the layer is drawn: the user wants it and the image has something for it. */
export function isShown(layer: LayerName, wanted: PersistedLayerState, image: ImageMessage | null): boolean {
  return wanted.visible && (image === null || LAYERS[layer].missing(image) === null);
}

/** Where the renderer gets an overlay's canvas from. */
export interface OverlaySource {
  get(overlay: OverlayName): HTMLCanvasElement | undefined;
}

/** No image, no overlays. */
export const NO_OVERLAYS: OverlaySource = { get: () => undefined };

/**
 * The overlays as canvases the renderer can drawImage with a global alpha, each coloured the first
 * time it is drawn and kept for the image. Only the layers on screen are built: at 2048×1024 each
 * one costs a full pass over the pixels and an 8 MB upload, so building all of them up front kept
 * the first paint of a large frame waiting on layers nobody had asked to see.
 */
export class OverlayCanvases implements OverlaySource {
  private readonly built = new Map<OverlayName, HTMLCanvasElement>();

  constructor(
    private readonly image: ImageMessage,
    private readonly mergeEffectRange: number,
  ) {}

  get(overlay: OverlayName): HTMLCanvasElement | undefined {
    const ready = this.built.get(overlay);
    if (ready !== undefined) return ready;
    const pixels = LAYERS[overlay].overlay?.(this.image, this.mergeEffectRange);
    if (pixels === undefined) return undefined;
    const canvas = document.createElement('canvas');
    canvas.width = this.image.width;
    canvas.height = this.image.height;
    canvas.getContext('2d')?.putImageData(new ImageData(pixels, this.image.width, this.image.height), 0, 0);
    this.built.set(overlay, canvas);
    return canvas;
  }
}
