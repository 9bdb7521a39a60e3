import type { ColorTable, ImageMaps, ImageRecord } from '../../core';
import {
  defaultClassColors,
  PROTOCOL_LIMITS,
  type ConfusionPair,
  type ImageComparison,
  type ImageMessage,
  type Rgb,
} from '../../shared/protocol/inspector';

/** Colours for every class id: the colour table's where it has one, else the VOC palette. */
export function classColorsFor(numClasses: number, table: ColorTable | undefined): Rgb[] {
  const fallback = defaultClassColors(numClasses);
  return fallback.map((color, id) => {
    const fromTable = table?.classColors[id];
    return fromTable !== undefined ? [fromTable[0], fromTable[1], fromTable[2]] : color;
  });
}

export interface ImageMessageInput {
  readonly record: ImageRecord;
  readonly maps: ImageMaps;
  readonly numClasses: number;
  readonly ignoreIndex: number;
  readonly classNames: readonly string[];
  readonly colorTable: ColorTable | undefined;
  readonly imageUri: string | null;
  readonly position: { readonly index: number; readonly total: number };
  /** The loss variant's name (lossVariantName of the run's options). */
  readonly lossVariant: string;
  /** The dataset's name (`none` when no dataset applies), for the header. */
  readonly datasetName?: string;
  /** The labels folder scored against, for the header. */
  readonly labelsFolder?: string;
  /** The run's options as one line (optionsText). */
  readonly options?: string;
  /** The confusion-matrix cell the image was opened from, if any. */
  readonly confusionPair?: ConfusionPair | null;
  /** When comparing two prediction folders. */
  readonly comparison?: ImageComparison | null;
}

/**
 * The `image` message for the webview. The maps go as typed arrays, which VS Code transfers as
 * binary instead of turning millions of numbers into JSON.
 */
export function imageMessage(input: ImageMessageInput): ImageMessage {
  const { record, maps } = input;
  return {
    type: 'image',
    name: record.name,
    width: maps.width,
    height: maps.height,
    numClasses: input.numClasses,
    classNames: Array.from({ length: input.numClasses }, (_, id) =>
      (input.classNames[id] ?? `class ${id}`).slice(0, 256),
    ),
    classColors: classColorsFor(input.numClasses, input.colorTable),
    ignoreIndex: input.ignoreIndex,
    imageUri: input.imageUri,
    metrics: {
      ce: record.ce,
      adaptive: record.adaptive,
      mergeEffect: record.mergeEffect,
      miou: record.miou,
      pixelAccuracy: record.pixelAccuracy,
      perScale: record.perScale,
      perClassIoU: record.perClassIoU,
    },
    position: input.position,
    mergeEffectRange: null,
    lossVariant: input.lossVariant.slice(0, PROTOCOL_LIMITS.maxLossVariantLength),
    ...(input.datasetName !== undefined
      ? { datasetName: input.datasetName.slice(0, PROTOCOL_LIMITS.maxDatasetNameLength) }
      : {}),
    ...(input.labelsFolder !== undefined && input.labelsFolder.length <= PROTOCOL_LIMITS.maxUriLength
      ? { labelsFolder: input.labelsFolder }
      : {}),
    ...(input.options !== undefined ? { options: input.options.slice(0, PROTOCOL_LIMITS.maxOptionsLength) } : {}),
    hotSpots: maps.hotSpots.slice(0, PROTOCOL_LIMITS.maxHotSpots),
    confusionPair: input.confusionPair ?? null,
    comparison: input.comparison ?? null,
    layers: {
      label: maps.label,
      predicted: maps.predicted,
      truthProbability: maps.truthProbability,
      pixelCost: maps.pixelCost,
      mergeEffect: maps.mergeEffect,
      boundaryBand: maps.boundaryBand,
    },
  };
}
