/**
 * The message contract between the extension host and the Inspector webview.
 *
 * Both sides import this file, so every message is a discriminated union the compiler checks at
 * both ends. It has no `vscode` and no DOM imports so node tests (and the webview bundle) can use it.
 *
 * Trust model: the webview runs untrusted-ish content (it renders data from the user's folders), so
 * the host accepts only what `parseWebviewMessage` lets through. Nothing the webview sends names a
 * file path: at most an image *name* that the host must look up among the images it evaluated.
 * The webview in turn checks host messages with `parseHostMessage` before drawing, so a host bug
 * shows up as a clear error rather than a half-drawn canvas.
 */

import {
  type ParseResult,
  fail,
  readPlainObject,
  readRecord,
  readString,
  readInteger,
  readFiniteOrNull,
  readOneOf,
  readArray,
  readArrayUpTo,
  readTypedArray,
  toResult,
} from '../validation';
import { PROTOCOL_LIMITS, readColor, readConfusionPair, readImageName, type ConfusionPair, type Rgb } from './common';
import type { HotSpotRegion } from '../../core/types';
import type { IssueRegion } from '../../core/metrics/issueRegions';
import { cellGrid } from '../../core/metrics/hotSpotCells';

export type { ParseResult } from '../validation';
export type { IssueRegion } from '../../core/metrics/issueRegions';
export * from './common';

// ---------------------------------------------------------------------------------------------
// Shared vocabulary

/** The drawable layers, bottom to top. `image` is the photo; the rest are overlays. */
export const LAYER_NAMES = [
  'image',
  'label',
  'prediction',
  'error',
  'mergeEffect',
  'confusion',
  'difference',
  'boundary',
  'entropy',
  'margin',
  'labelIssues',
  'likelyLabelErrors',
] as const;
export type LayerName = (typeof LAYER_NAMES)[number];
/** Layers added after the first persisted state: a saved state without them gets these defaults. */
const LATER_LAYERS: Readonly<Partial<Record<LayerName, PersistedLayerState>>> = {
  confusion: { visible: true, opacity: 0.9 },
  difference: { visible: true, opacity: 0.85 },
  boundary: { visible: false, opacity: 0.85 },
  entropy: { visible: false, opacity: 0.8 },
  margin: { visible: false, opacity: 0.8 },
  labelIssues: { visible: true, opacity: 0.9 },
  likelyLabelErrors: { visible: true, opacity: 0.9 },
};

/** Which of two compared prediction folders an image message shows. */
export const MODELS = ['a', 'b'] as const;
export type Model = (typeof MODELS)[number];

/** One model's maps of the image (the label is the same for both models). */
export type ModelLayers = Omit<InspectorPixelLayers, 'label'>;

/**
 * Present when two prediction folders are compared: the other model's maps, metrics and hot spots of the
 * same image, so the webview draws A and B side by side (or flips between them) without asking again.
 */
export interface ImageComparison {
  /** The model whose maps `layers`, `metrics` and `hotSpots` hold; `other` holds the other model's. */
  readonly shown: Model;
  readonly other: {
    readonly layers: ModelLayers;
    readonly metrics: InspectorMetrics;
    readonly hotSpots: readonly HotSpotRegion[];
  };
  /** The two prediction folders as the user knows them, for the panes' captions. */
  readonly folders: { readonly a: string; readonly b: string };
  /** Per class, IoU of B − IoU of A on this image; null where either is undefined. */
  readonly perClassIoUDelta: readonly (number | null)[];
  /** mIoU of B − mIoU of A on this image. */
  readonly miouDelta: number | null;
}

export function isLayerName(value: unknown): value is LayerName {
  return typeof value === 'string' && (LAYER_NAMES as readonly string[]).includes(value);
}

/** Where an image was opened from (see src/extension/logic/navigationList.ts). */
export const OPENED_FROM_KINDS = ['hardExamples', 'confusionCell', 'list'] as const;
export type OpenedFromKind = (typeof OPENED_FROM_KINDS)[number];

export const NAVIGATE_DIRECTIONS = ['next', 'previous'] as const;
export type NavigateDirection = (typeof NAVIGATE_DIRECTIONS)[number];

/** What `openSource` may ask the host to open for an image it already knows. */
export const SOURCE_KINDS = ['image', 'label', 'prediction'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Host → webview

/** Image-level numbers; null where the spec leaves a quantity undefined (e.g. no valid pixel). */
export interface InspectorMetrics {
  readonly ce: number | null;
  readonly adaptive: number | null;
  readonly mergeEffect: number | null;
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  /** Adaptive loss per scale, keyed by the scale as text ("2", "4", "8"). */
  readonly perScale: Readonly<Record<string, number | null>>;
  /** Length numClasses; null where the class is absent from both label and prediction. */
  readonly perClassIoU: readonly (number | null)[];
}

/**
 * Per-pixel maps, row-major, width×height each, sent as binary so VS Code's postMessage transfers
 * the buffers instead of serialising millions of numbers to JSON.
 */
export interface InspectorPixelLayers {
  /** Label id, -1 on void pixels. */
  readonly label: Int32Array;
  /** Argmax class id; ids outside 0..numClasses-1 are kept as they are (they count as misses). */
  readonly predicted: Int32Array;
  /** P(p, y_p); 0 on void pixels. */
  readonly truthProbability: Float32Array;
  /** c(p) = -log P(p, y_p); 0 on void pixels. */
  readonly pixelCost: Float32Array;
  /** M(p) from the spec; 0 on void pixels. */
  readonly mergeEffect: Float32Array;
  /** Boundary IoU bands: bit 0 label band, bit 1 prediction band, bit 2 disagreement; 0 on void. Optional. */
  readonly boundaryBand?: Uint8Array;
  /** Soft predictions only (computed by the engine): top-1 probability, every pixel, 0..1. */
  readonly confidence?: Float32Array;
  /** Soft predictions only: entropy of the class probabilities in nats, 0..ln C. */
  readonly entropy?: Float32Array;
  /** Soft predictions only: top-1 minus top-2 probability, 0..1. */
  readonly margin?: Float32Array;
  /** Soft predictions only: 1 where a valid pixel's P(label) is below the label-issue threshold, else 0. */
  readonly labelIssues?: Uint8Array;
}

/** The optional soft maps, in the order they are read. */
export const SOFT_LAYER_NAMES = ['confidence', 'entropy', 'margin', 'labelIssues'] as const;

export const PIXEL_LAYER_NAMES = ['label', 'predicted', 'truthProbability', 'pixelCost', 'mergeEffect'] as const;

export interface ImageMessage {
  readonly type: 'image';
  /** The image's identity: the host looks it up again when the panel is restored. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly classColors: readonly Rgb[];
  readonly ignoreIndex: number;
  /** A webview URI (from `asWebviewUri`) of the photo, or null when there is none. */
  readonly imageUri: string | null;
  readonly metrics: InspectorMetrics;
  /**
   * Where this image sits in the list it was opened from (Next/Previous step through it); index is
   * 0-based, `list` names the list ("hard examples", "cell car → road"); a lone image is 0 of 1, no list.
   */
  readonly position: { readonly index: number; readonly total: number; readonly list?: string };
  /**
   * Half-width of the merge-effect colour scale; null means "use max |M| of this image" so the
   * heatmap always spans its own extremes. A fixed value makes images comparable.
   */
  readonly mergeEffectRange: number | null;
  /** Which loss produced the numbers: `v1`, `paper` or the settings spelled out (loss.md v2). */
  readonly lossVariant: string;
  /** Every option the numbers were computed with, as one line (`classes 21 · … · boundaryRatio 0.02 · …`). */
  readonly options?: string;
  /**
   * The dataset the numbers were computed under (`voc`, `cityscapes`, `ade20k`, a dataset file's name),
   * or `none` when none was given or recognised: the header says which classes the ids mean.
   */
  readonly datasetName?: string;
  /**
   * The labels folder the image was scored against, as the user would recognise it (relative to the
   * workspace when inside it, else the absolute path); shown as text only.
   */
  readonly labelsFolder?: string;
  /**
   * Where merging changes the cost most, largest |effect| first, computed by the engine (the webview
   * only draws and lists them), overlapping ones left out by the host. Boxes are in image pixels and
   * lie inside the image; `cells` are the windows whose union the outline traces.
   */
  readonly hotSpots: readonly HotSpotRegion[];
  /** Which kind of list the image was opened from: the layer it came to see is switched on. */
  readonly openedFrom?: OpenedFromKind;
  readonly layers: InspectorPixelLayers;
  /** The confusion-matrix cell the image was opened from (the confusion layer lights its pixels); null otherwise. */
  readonly confusionPair?: ConfusionPair | null;
  /** Present when comparing two prediction folders; null (or absent) otherwise. */
  readonly comparison?: ImageComparison | null;
  /**
   * Soft predictions only: the label-issue threshold the mask used (a pixel is an issue when its
   * P(label) is below it) and the engine's largest regions of issue pixels (label class → most likely class).
   */
  readonly labelIssues?: { readonly threshold: number; readonly regions: readonly IssueRegion[] } | null;
  /** Present after *Find Likely Label Errors With Other Models…* covered this image; null otherwise. */
  readonly agreement?: AgreementLayer | null;
}

/** The likely label errors of the image from the agreement of several models (engine: metrics/agreement.ts). */
export interface AgreementLayer {
  /** Models that voted on this image. */
  readonly models: number;
  /** k: how many of them had to predict the same other class. */
  readonly minAgree: number;
  /** Per pixel the class at least k models agree on where it differs from the label, −1 elsewhere. */
  readonly agreedClass: Int32Array;
  /** Per pixel how many models predicted that class, 0 elsewhere. */
  readonly votes: Uint8Array;
  /** The largest regions (label class → agreed class). */
  readonly regions: readonly IssueRegion[];
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/** Sent while the host computes an image, so the panel can say so instead of looking frozen. */
export interface LoadingMessage {
  readonly type: 'loading';
  readonly name: string;
}

export type HostToWebviewMessage = ImageMessage | ErrorMessage | LoadingMessage;

export function isImageMessage(message: HostToWebviewMessage): message is ImageMessage {
  return message.type === 'image';
}

// ---------------------------------------------------------------------------------------------
// Webview → host

/**
 * Posted once the script has loaded and listens. `restoredImageName` is the image the panel showed
 * before it was hidden/reloaded (from getState), so the host can re-send that image; null on a
 * fresh panel.
 */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly restoredImageName: string | null;
}

export interface NavigateMessage {
  readonly type: 'navigate';
  readonly direction: NavigateDirection;
}

/** Ask the host to open one of the files behind an image it already sent (never a free path). */
export interface OpenSourceMessage {
  readonly type: 'openSource';
  readonly which: SourceKind;
  readonly imageName: string;
}

/** The A|B switch: show the other model's prediction of the same image (only while comparing). */
export interface SwitchModelMessage {
  readonly type: 'switchModel';
  readonly model: Model;
}

export type WebviewToHostMessage = ReadyMessage | NavigateMessage | OpenSourceMessage | SwitchModelMessage;

// ---------------------------------------------------------------------------------------------
// State the webview persists with setState (the host's WebviewPanelSerializer receives it)

export interface PersistedLayerState {
  readonly visible: boolean;
  /** 0..1 */
  readonly opacity: number;
}

/** Zoom and pan of the canvas; null means "fit the image to the panel". */
export interface PersistedViewState {
  readonly zoom: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/** How the merge-effect colours span M: a high percentile of |M| (clamped beyond), or max |M|. */
export const COLOR_SCALES = ['robust', 'full'] as const;
export type ColorScale = (typeof COLOR_SCALES)[number];

export interface PersistedInspectorState {
  readonly version: 1;
  readonly imageName: string | null;
  readonly layers: Readonly<Record<LayerName, PersistedLayerState>>;
  readonly view: PersistedViewState | null;
  /** Absent in states saved before it existed: robust. */
  readonly colorScale?: ColorScale;
  /** Pixels whose top-1 probability is below this are greyed out (0 = none); absent: 0. */
  readonly confidenceThreshold?: number;
}

// ---------------------------------------------------------------------------------------------
// Validation

function readBand(value: unknown, path: string, pixels: number): Uint8Array {
  const band = readTypedArray(value, path, Uint8Array, pixels);
  if (band.some((bits) => bits > 7)) fail(path, 'band bits 0..7');
  return band;
}

/** At most this many issue regions per image and evidence (the engine keeps ISSUE_REGION_LIMIT). */
export const MAX_ISSUE_REGIONS = 64;

function readIssueRegion(value: unknown, path: string, width: number, height: number, numClasses: number): IssueRegion {
  const record = readRecord(value, path, ['labelClass', 'suggestedClass', 'pixels', 'box', 'score']);
  const box = readRecord(record.box, `${path}.box`, ['x', 'y', 'width', 'height']);
  const x = readInteger(box.x, `${path}.box.x`, 0, width - 1);
  const y = readInteger(box.y, `${path}.box.y`, 0, height - 1);
  const score = readFiniteOrNull(record.score, `${path}.score`);
  if (score === null || score < 0 || score > 1) fail(`${path}.score`, 'a number in 0..1');
  return {
    labelClass: readInteger(record.labelClass, `${path}.labelClass`, 0, numClasses - 1),
    suggestedClass: readInteger(record.suggestedClass, `${path}.suggestedClass`, 0, numClasses - 1),
    pixels: readInteger(record.pixels, `${path}.pixels`, 1, width * height),
    box: {
      x,
      y,
      width: readInteger(box.width, `${path}.box.width`, 1, width - x),
      height: readInteger(box.height, `${path}.box.height`, 1, height - y),
    },
    score,
  };
}

function readIssueRegions(value: unknown, path: string, width: number, height: number, numClasses: number) {
  return readArrayUpTo(value, path, MAX_ISSUE_REGIONS).map((region, i) =>
    readIssueRegion(region, `${path}[${i}]`, width, height, numClasses),
  );
}

/** A probability map: every value finite and in 0..1 (rounding may overshoot by a hair). */
function readUnitMap(value: unknown, path: string, pixels: number): Float32Array {
  const map = readTypedArray(value, path, Float32Array, pixels);
  if (map.some((v) => !(v >= -1e-6 && v <= 1 + 1e-6))) fail(path, 'values in 0..1');
  return map;
}

function readSoftLayers(
  layers: Record<string, unknown>,
  path: string,
  pixels: number,
  numClasses: number,
): Partial<Pick<InspectorPixelLayers, (typeof SOFT_LAYER_NAMES)[number]>> {
  const out: { confidence?: Float32Array; entropy?: Float32Array; margin?: Float32Array; labelIssues?: Uint8Array } =
    {};
  if (layers.confidence !== undefined) out.confidence = readUnitMap(layers.confidence, `${path}.confidence`, pixels);
  if (layers.margin !== undefined) out.margin = readUnitMap(layers.margin, `${path}.margin`, pixels);
  if (layers.entropy !== undefined) {
    const entropy = readTypedArray(layers.entropy, `${path}.entropy`, Float32Array, pixels);
    const most = Math.log(numClasses) + 1e-4;
    if (entropy.some((v) => !(v >= -1e-6 && v <= most))) fail(`${path}.entropy`, `values in 0..ln ${numClasses}`);
    out.entropy = entropy;
  }
  if (layers.labelIssues !== undefined) {
    const mask = readTypedArray(layers.labelIssues, `${path}.labelIssues`, Uint8Array, pixels);
    if (mask.some((v) => v > 1)) fail(`${path}.labelIssues`, '0 or 1 per pixel');
    out.labelIssues = mask;
  }
  return out;
}

function readLabelIssues(
  value: unknown,
  path: string,
  size: { width: number; height: number },
  numClasses: number,
): { threshold: number; regions: IssueRegion[] } {
  const record = readRecord(value, path, ['threshold', 'regions']);
  const threshold = readFiniteOrNull(record.threshold, `${path}.threshold`);
  if (threshold === null || threshold < 0 || threshold > 1) fail(`${path}.threshold`, 'a number in 0..1');
  return {
    threshold,
    regions: readIssueRegions(record.regions, `${path}.regions`, size.width, size.height, numClasses),
  };
}

function readAgreement(
  value: unknown,
  path: string,
  size: { width: number; height: number },
  numClasses: number,
): AgreementLayer {
  const record = readRecord(value, path, ['models', 'minAgree', 'agreedClass', 'votes', 'regions']);
  const pixels = size.width * size.height;
  const models = readInteger(record.models, `${path}.models`, 0, 255);
  const agreedClass = readTypedArray(record.agreedClass, `${path}.agreedClass`, Int32Array, pixels);
  if (agreedClass.some((c) => c < -1 || c >= numClasses))
    fail(`${path}.agreedClass`, `-1 or a class id 0..${numClasses - 1}`);
  const votes = readTypedArray(record.votes, `${path}.votes`, Uint8Array, pixels);
  if (votes.some((v) => v > models)) fail(`${path}.votes`, `at most ${models} votes`);
  return {
    models,
    minAgree: readInteger(record.minAgree, `${path}.minAgree`, 1, 255),
    agreedClass,
    votes,
    regions: readIssueRegions(record.regions, `${path}.regions`, size.width, size.height, numClasses),
  };
}

function readModelLayers(value: unknown, path: string, pixels: number): ModelLayers {
  const layers = readRecord(
    value,
    path,
    PIXEL_LAYER_NAMES.filter((name) => name !== 'label'),
    ['boundaryBand'],
  );
  return {
    predicted: readTypedArray(layers.predicted, `${path}.predicted`, Int32Array, pixels),
    truthProbability: readTypedArray(layers.truthProbability, `${path}.truthProbability`, Float32Array, pixels),
    pixelCost: readTypedArray(layers.pixelCost, `${path}.pixelCost`, Float32Array, pixels),
    mergeEffect: readTypedArray(layers.mergeEffect, `${path}.mergeEffect`, Float32Array, pixels),
    ...(layers.boundaryBand === undefined
      ? {}
      : { boundaryBand: readBand(layers.boundaryBand, `${path}.boundaryBand`, pixels) }),
  };
}

function readComparison(
  value: unknown,
  path: string,
  numClasses: number,
  size: { width: number; height: number },
): ImageComparison {
  const pixels = size.width * size.height;
  const record = readRecord(value, path, ['shown', 'other', 'folders', 'perClassIoUDelta', 'miouDelta']);
  const other = readRecord(record.other, `${path}.other`, ['layers', 'metrics', 'hotSpots']);
  const folders = readRecord(record.folders, `${path}.folders`, ['a', 'b']);
  const delta = (entry: unknown, where: string): number | null => {
    const parsed = readFiniteOrNull(entry, where);
    if (parsed !== null && (parsed < -1 || parsed > 1)) fail(where, 'a number in -1..1 or null');
    return parsed;
  };
  return {
    shown: readOneOf(record.shown, `${path}.shown`, MODELS),
    other: {
      layers: readModelLayers(other.layers, `${path}.other.layers`, pixels),
      metrics: readMetrics(other.metrics, `${path}.other.metrics`, numClasses),
      hotSpots: readArrayUpTo(other.hotSpots, `${path}.other.hotSpots`, PROTOCOL_LIMITS.maxHotSpots).map((spot, i) =>
        readHotSpot(spot, `${path}.other.hotSpots[${i}]`, size.width, size.height, numClasses),
      ),
    },
    folders: {
      a: readString(folders.a, `${path}.folders.a`, PROTOCOL_LIMITS.maxTextLength),
      b: readString(folders.b, `${path}.folders.b`, PROTOCOL_LIMITS.maxTextLength),
    },
    perClassIoUDelta: readArray(record.perClassIoUDelta, `${path}.perClassIoUDelta`, numClasses).map((entry, c) =>
      delta(entry, `${path}.perClassIoUDelta[${c}]`),
    ),
    miouDelta: delta(record.miouDelta, `${path}.miouDelta`),
  };
}

function readMetrics(value: unknown, path: string, numClasses: number): InspectorMetrics {
  const record = readRecord(value, path, [
    'ce',
    'adaptive',
    'mergeEffect',
    'miou',
    'pixelAccuracy',
    'perScale',
    'perClassIoU',
  ]);
  const perScaleRecord = readPlainObject(record.perScale, `${path}.perScale`);
  const perScale: Record<string, number | null> = {};
  for (const [scale, loss] of Object.entries(perScaleRecord)) {
    readString(scale, `${path}.perScale key`, 32);
    perScale[scale] = readFiniteOrNull(loss, `${path}.perScale.${scale}`);
  }
  const perClassIoU = readArray(record.perClassIoU, `${path}.perClassIoU`, numClasses).map((iou, c) => {
    const parsed = readFiniteOrNull(iou, `${path}.perClassIoU[${c}]`);
    if (parsed !== null && (parsed < 0 || parsed > 1)) {
      fail(`${path}.perClassIoU[${c}]`, 'a number in 0..1 or null');
    }
    return parsed;
  });
  return {
    ce: readFiniteOrNull(record.ce, `${path}.ce`),
    adaptive: readFiniteOrNull(record.adaptive, `${path}.adaptive`),
    mergeEffect: readFiniteOrNull(record.mergeEffect, `${path}.mergeEffect`),
    miou: readFiniteOrNull(record.miou, `${path}.miou`),
    pixelAccuracy: readFiniteOrNull(record.pixelAccuracy, `${path}.pixelAccuracy`),
    perScale,
    perClassIoU,
  };
}

function readHotSpot(value: unknown, path: string, width: number, height: number, numClasses: number): HotSpotRegion {
  const record = readRecord(value, path, ['scale', 'classId', 'effect', 'share', 'pixels', 'windows', 'box', 'cells']);
  const box = readRecord(record.box, `${path}.box`, ['x', 'y', 'width', 'height']);
  const x = readInteger(box.x, `${path}.box.x`, 0, width - 1);
  const y = readInteger(box.y, `${path}.box.y`, 0, height - 1);
  const effect = readFiniteOrNull(record.effect, `${path}.effect`);
  const share = readFiniteOrNull(record.share, `${path}.share`);
  if (effect === null || share === null) fail(path, 'a finite effect and share');
  const scale = readInteger(record.scale, `${path}.scale`, 1, PROTOCOL_LIMITS.maxSide);
  const spotBox = {
    x,
    y,
    width: readInteger(box.width, `${path}.box.width`, 1, width - x),
    height: readInteger(box.height, `${path}.box.height`, 1, height - y),
  };
  const grid = cellGrid({ scale, box: spotBox });
  return {
    scale,
    classId: readInteger(record.classId, `${path}.classId`, 0, numClasses - 1),
    effect,
    share,
    pixels: readInteger(record.pixels, `${path}.pixels`, 1, width * height),
    windows: readInteger(record.windows, `${path}.windows`, 1, width * height),
    box: spotBox,
    // One bit per window of the box: the length follows from the box, so a huge mask cannot slip through.
    cells: readTypedArray(record.cells, `${path}.cells`, Uint8Array, Math.ceil((grid.columns * grid.rows) / 8)),
  };
}

function readImageMessage(record: Record<string, unknown>): ImageMessage {
  const path = 'image';
  readRecord(
    record,
    path,
    [
      'type',
      'name',
      'width',
      'height',
      'numClasses',
      'classNames',
      'classColors',
      'ignoreIndex',
      'imageUri',
      'metrics',
      'position',
      'mergeEffectRange',
      'lossVariant',
      'hotSpots',
      'layers',
    ],
    ['confusionPair', 'comparison', 'datasetName', 'labelsFolder', 'options', 'openedFrom', 'labelIssues', 'agreement'],
  );
  const width = readInteger(record.width, `${path}.width`, 1, PROTOCOL_LIMITS.maxSide);
  const height = readInteger(record.height, `${path}.height`, 1, PROTOCOL_LIMITS.maxSide);
  if (width * height > PROTOCOL_LIMITS.maxPixels) {
    fail(path, `at most ${PROTOCOL_LIMITS.maxPixels} pixels`);
  }
  const numClasses = readInteger(record.numClasses, `${path}.numClasses`, 1, PROTOCOL_LIMITS.maxClasses);
  const classNames = readArray(record.classNames, `${path}.classNames`, numClasses).map((name, c) =>
    readString(name, `${path}.classNames[${c}]`, PROTOCOL_LIMITS.maxClassNameLength),
  );
  const classColors = readArray(record.classColors, `${path}.classColors`, numClasses).map((color, c) =>
    readColor(color, `${path}.classColors[${c}]`),
  );
  const position = readRecord(record.position, `${path}.position`, ['index', 'total'], ['list']);
  const total = readInteger(position.total, `${path}.position.total`, 1, Number.MAX_SAFE_INTEGER);
  const index = readInteger(position.index, `${path}.position.index`, 0, total - 1);
  const list =
    position.list === undefined
      ? undefined
      : readString(position.list, `${path}.position.list`, PROTOCOL_LIMITS.maxTextLength);
  const range = readFiniteOrNull(record.mergeEffectRange, `${path}.mergeEffectRange`);
  if (range !== null && range <= 0) {
    fail(`${path}.mergeEffectRange`, 'a positive number or null');
  }
  const pixels = width * height;
  const layers = readRecord(record.layers, `${path}.layers`, PIXEL_LAYER_NAMES, ['boundaryBand', ...SOFT_LAYER_NAMES]);
  return {
    type: 'image',
    name: readImageName(record.name, `${path}.name`),
    width,
    height,
    numClasses,
    classNames,
    classColors,
    ignoreIndex: readInteger(record.ignoreIndex, `${path}.ignoreIndex`, 0, 65535),
    imageUri:
      record.imageUri === null ? null : readString(record.imageUri, `${path}.imageUri`, PROTOCOL_LIMITS.maxUriLength),
    metrics: readMetrics(record.metrics, `${path}.metrics`, numClasses),
    position: { index, total, ...(list !== undefined ? { list } : {}) },
    mergeEffectRange: range,
    lossVariant: readString(record.lossVariant, `${path}.lossVariant`, PROTOCOL_LIMITS.maxLossVariantLength),
    ...(record.datasetName === undefined
      ? {}
      : { datasetName: readString(record.datasetName, `${path}.datasetName`, PROTOCOL_LIMITS.maxDatasetNameLength) }),
    ...(record.labelsFolder === undefined
      ? {}
      : { labelsFolder: readString(record.labelsFolder, `${path}.labelsFolder`, PROTOCOL_LIMITS.maxUriLength) }),
    ...(record.options !== undefined
      ? { options: readString(record.options, `${path}.options`, PROTOCOL_LIMITS.maxOptionsLength) }
      : {}),
    hotSpots: readArrayUpTo(record.hotSpots, `${path}.hotSpots`, PROTOCOL_LIMITS.maxHotSpots).map((spot, i) =>
      readHotSpot(spot, `${path}.hotSpots[${i}]`, width, height, numClasses),
    ),
    ...(record.openedFrom === undefined
      ? {}
      : { openedFrom: readOneOf(record.openedFrom, `${path}.openedFrom`, OPENED_FROM_KINDS) }),
    confusionPair:
      record.confusionPair === undefined || record.confusionPair === null
        ? null
        : readConfusionPair(record.confusionPair, `${path}.confusionPair`, numClasses),
    comparison:
      record.comparison === undefined || record.comparison === null
        ? null
        : readComparison(record.comparison, `${path}.comparison`, numClasses, { width, height }),
    labelIssues:
      record.labelIssues === undefined || record.labelIssues === null
        ? null
        : readLabelIssues(record.labelIssues, `${path}.labelIssues`, { width, height }, numClasses),
    agreement:
      record.agreement === undefined || record.agreement === null
        ? null
        : readAgreement(record.agreement, `${path}.agreement`, { width, height }, numClasses),
    layers: {
      label: readTypedArray(layers.label, `${path}.layers.label`, Int32Array, pixels),
      predicted: readTypedArray(layers.predicted, `${path}.layers.predicted`, Int32Array, pixels),
      truthProbability: readTypedArray(
        layers.truthProbability,
        `${path}.layers.truthProbability`,
        Float32Array,
        pixels,
      ),
      pixelCost: readTypedArray(layers.pixelCost, `${path}.layers.pixelCost`, Float32Array, pixels),
      mergeEffect: readTypedArray(layers.mergeEffect, `${path}.layers.mergeEffect`, Float32Array, pixels),
      ...(layers.boundaryBand === undefined
        ? {}
        : { boundaryBand: readBand(layers.boundaryBand, `${path}.layers.boundaryBand`, pixels) }),
      ...readSoftLayers(layers, `${path}.layers`, pixels, numClasses),
    },
  };
}

function readHostMessage(value: unknown): HostToWebviewMessage {
  const record = readPlainObject(value, 'message');
  switch (readOneOf(record.type, 'message.type', ['image', 'error', 'loading'] as const)) {
    case 'image':
      return readImageMessage(record);
    case 'error':
      readRecord(record, 'error', ['type', 'message']);
      return { type: 'error', message: readString(record.message, 'error.message', PROTOCOL_LIMITS.maxTextLength) };
    case 'loading':
      readRecord(record, 'loading', ['type', 'name']);
      return { type: 'loading', name: readImageName(record.name, 'loading.name') };
  }
}

function readWebviewMessage(value: unknown): WebviewToHostMessage {
  const record = readPlainObject(value, 'message');
  switch (readOneOf(record.type, 'message.type', ['ready', 'navigate', 'openSource', 'switchModel'] as const)) {
    case 'ready':
      readRecord(record, 'ready', ['type', 'restoredImageName']);
      return {
        type: 'ready',
        restoredImageName:
          record.restoredImageName === null ? null : readImageName(record.restoredImageName, 'ready.restoredImageName'),
      };
    case 'navigate':
      readRecord(record, 'navigate', ['type', 'direction']);
      return { type: 'navigate', direction: readOneOf(record.direction, 'navigate.direction', NAVIGATE_DIRECTIONS) };
    case 'openSource':
      readRecord(record, 'openSource', ['type', 'which', 'imageName']);
      return {
        type: 'openSource',
        which: readOneOf(record.which, 'openSource.which', SOURCE_KINDS),
        imageName: readImageName(record.imageName, 'openSource.imageName'),
      };
    case 'switchModel':
      readRecord(record, 'switchModel', ['type', 'model']);
      return { type: 'switchModel', model: readOneOf(record.model, 'switchModel.model', MODELS) };
  }
}

/** Host side: the message, or why it was refused (for the log). */
export function checkWebviewMessage(value: unknown): ParseResult<WebviewToHostMessage> {
  return toResult(() => readWebviewMessage(value));
}

/** Host side: a well-formed webview message, or undefined; anything unexpected is refused. */
export function parseWebviewMessage(value: unknown): WebviewToHostMessage | undefined {
  const result = checkWebviewMessage(value);
  return result.ok ? result.value : undefined;
}

/** Webview side: a well-formed host message, or why not (shown to the user as an error). */
export function parseHostMessage(value: unknown): ParseResult<HostToWebviewMessage> {
  return toResult(() => readHostMessage(value));
}

function readUnitInterval(value: unknown, path: string): number {
  const number = readFiniteOrNull(value, path);
  if (number === null || number < 0 || number > 1) fail(path, 'a number in 0..1');
  return number;
}

function readLayerState(value: unknown, path: string): PersistedLayerState {
  const record = readRecord(value, path, ['visible', 'opacity']);
  if (typeof record.visible !== 'boolean') {
    fail(`${path}.visible`, 'a boolean');
  }
  const opacity = readFiniteOrNull(record.opacity, `${path}.opacity`);
  if (opacity === null || opacity < 0 || opacity > 1) {
    fail(`${path}.opacity`, 'a number in 0..1');
  }
  return { visible: record.visible, opacity };
}

function readPersistedState(value: unknown): PersistedInspectorState {
  const record = readRecord(
    value,
    'state',
    ['version', 'imageName', 'layers', 'view'],
    ['colorScale', 'confidenceThreshold'],
  );
  readInteger(record.version, 'state.version', 1, 1);
  const later = Object.keys(LATER_LAYERS);
  const layersRecord = readRecord(
    record.layers,
    'state.layers',
    LAYER_NAMES.filter((layer) => !later.includes(layer)),
    later,
  );
  const layers = Object.fromEntries(
    LAYER_NAMES.map((layer) => [
      layer,
      layersRecord[layer] === undefined && LATER_LAYERS[layer] !== undefined
        ? LATER_LAYERS[layer]
        : readLayerState(layersRecord[layer], `state.layers.${layer}`),
    ]),
  ) as Record<LayerName, PersistedLayerState>;
  let view: PersistedViewState | null = null;
  if (record.view !== null) {
    const viewRecord = readRecord(record.view, 'state.view', ['zoom', 'offsetX', 'offsetY']);
    const zoom = readFiniteOrNull(viewRecord.zoom, 'state.view.zoom');
    const offsetX = readFiniteOrNull(viewRecord.offsetX, 'state.view.offsetX');
    const offsetY = readFiniteOrNull(viewRecord.offsetY, 'state.view.offsetY');
    if (zoom === null || zoom <= 0 || offsetX === null || offsetY === null) {
      fail('state.view', 'a positive zoom and finite offsets');
    }
    view = { zoom, offsetX, offsetY };
  }
  return {
    version: 1,
    imageName: record.imageName === null ? null : readImageName(record.imageName, 'state.imageName'),
    layers,
    view,
    ...(record.colorScale !== undefined
      ? { colorScale: readOneOf(record.colorScale, 'state.colorScale', COLOR_SCALES) }
      : {}),
    ...(record.confidenceThreshold !== undefined
      ? { confidenceThreshold: readUnitInterval(record.confidenceThreshold, 'state.confidenceThreshold') }
      : {}),
  };
}

/** Either side: the persisted state if it is well formed (an older or corrupt state gives undefined). */
export function parsePersistedState(value: unknown): PersistedInspectorState | undefined {
  const result = toResult(() => readPersistedState(value));
  return result.ok ? result.value : undefined;
}

/** Host side (WebviewPanelSerializer): which image the restored panel was showing, if any. */
export function imageNameFromPersistedState(value: unknown): string | undefined {
  return parsePersistedState(value)?.imageName ?? undefined;
}
