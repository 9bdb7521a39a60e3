import type { ColorTable, ImageMaps, ImageRecord } from '../../core';
import { ISSUE_REGION_LIMIT } from '../../core/metrics/issueRegions';
import { perClassIoUDelta } from './comparison';
import { distinctHotSpots } from './distinctHotSpots';
import {
  defaultClassColors,
  PROTOCOL_LIMITS,
  type ConfusionPair,
  type AgreementLayer,
  type ImageComparison,
  type InspectorPixelLayers,
  type ImageMessage,
  type InspectorMetrics,
  type Model,
  type OpenedFromKind,
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
  /** The labels folder scored against, for the header (relative to the workspace when inside it). */
  readonly labelsFolder?: string;
  /** The run's options as one line (optionsText). */
  readonly options?: string;
  /** The confusion-matrix cell the image was opened from, if any. */
  readonly confusionPair?: ConfusionPair | null;
  /** When comparing two prediction folders. */
  readonly comparison?: ImageComparison | null;
  /** The kind of list the image was opened from, if any. */
  readonly openedFrom?: OpenedFromKind;
  /** The label-issue threshold of the run (effectiveLabelIssueThreshold): said in the legend. */
  readonly labelIssueThreshold?: number;
  /** The likely label errors of this image, after *Find Likely Label Errors With Other Models…*. */
  readonly agreement?: AgreementLayer | null;
}

/** The engine's soft maps of the image, when its prediction is soft; none for a hard prediction. */
export function softLayers(maps: ImageMaps): Partial<InspectorPixelLayers> {
  const { confidence, entropy, margin, labelIssues } = maps;
  return {
    ...(confidence !== undefined ? { confidence } : {}),
    ...(entropy !== undefined ? { entropy } : {}),
    ...(margin !== undefined ? { margin } : {}),
    ...(labelIssues !== undefined ? { labelIssues } : {}),
  };
}

/** The image-level numbers the inspector shows, from a record. */
export function inspectorMetrics(record: ImageRecord): InspectorMetrics {
  return {
    ce: record.ce,
    adaptive: record.adaptive,
    mergeEffect: record.mergeEffect,
    miou: record.miou,
    pixelAccuracy: record.pixelAccuracy,
    perScale: record.perScale,
    perClassIoU: record.perClassIoU,
  };
}

/**
 * What the webview needs of the other model while comparing: its maps, numbers and hot spots of the
 * same image, and the B − A deltas. `shown` is the model of the message's own maps, `shownRecord` its record.
 */
export function comparisonMessage(
  shown: Model,
  shownRecord: ImageRecord,
  other: { readonly record: ImageRecord; readonly maps: ImageMaps },
  folders: { readonly a: string; readonly b: string },
): ImageComparison {
  const [a, b] = shown === 'a' ? [shownRecord, other.record] : [other.record, shownRecord];
  const { maps } = other;
  return {
    shown,
    other: {
      layers: {
        predicted: maps.predicted,
        truthProbability: maps.truthProbability,
        pixelCost: maps.pixelCost,
        mergeEffect: maps.mergeEffect,
        boundaryBand: maps.boundaryBand,
      },
      metrics: inspectorMetrics(other.record),
      hotSpots: distinctHotSpots(maps.hotSpots).slice(0, PROTOCOL_LIMITS.maxHotSpots),
    },
    folders: {
      a: folders.a.slice(0, PROTOCOL_LIMITS.maxTextLength),
      b: folders.b.slice(0, PROTOCOL_LIMITS.maxTextLength),
    },
    perClassIoUDelta: perClassIoUDelta(a, b),
    miouDelta: a.miou === null || b.miou === null ? null : b.miou - a.miou,
  };
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
    metrics: inspectorMetrics(record),
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
    hotSpots: distinctHotSpots(maps.hotSpots).slice(0, PROTOCOL_LIMITS.maxHotSpots),
    ...(input.openedFrom !== undefined ? { openedFrom: input.openedFrom } : {}),
    confusionPair: input.confusionPair ?? null,
    comparison: input.comparison ?? null,
    labelIssues:
      maps.labelIssues !== undefined && input.labelIssueThreshold !== undefined
        ? {
            threshold: input.labelIssueThreshold,
            regions: (record.labelIssueRegions ?? []).slice(0, ISSUE_REGION_LIMIT),
          }
        : null,
    agreement: input.agreement ?? null,
    layers: {
      label: maps.label,
      predicted: maps.predicted,
      truthProbability: maps.truthProbability,
      pixelCost: maps.pixelCost,
      mergeEffect: maps.mergeEffect,
      boundaryBand: maps.boundaryBand,
      ...softLayers(maps),
    },
  };
}
