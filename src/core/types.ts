import type { CalibrationCounts } from './metrics/calibration';
import type { IssueRegion } from './metrics/issueRegions';

/** A class-index map: one id per pixel, row-major. Used for labels and hard predictions. */
export interface ClassMap {
  readonly width: number;
  readonly height: number;
  /** One byte a pixel when the file has 8-bit indices (the reader's own bytes), else 16 bits. */
  readonly ids: Uint8Array | Uint16Array;
  /** True when the ids came from colours through a colour table (already train ids, never remapped). */
  readonly fromColors?: boolean;
}

/** Soft model output: C values per pixel, already in HWC order. */
export interface SoftScores {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly kind: 'logits' | 'probabilities';
  /**
   * The order of `values`, as the file held them: CHW files are read in place (one plane per class),
   * since a transpose to HWC copied every value and cost an eighth of a soft evaluation.
   */
  readonly layout: 'hwc' | 'chw';
  /** Row-major in `layout`; Float64Array when the file held float64, else Float32Array. */
  readonly values: Float32Array | Float64Array;
}

export type Prediction =
  { readonly type: 'hard'; readonly map: ClassMap } | { readonly type: 'soft'; readonly scores: SoftScores };

export function predictionSize(prediction: Prediction): { width: number; height: number } {
  return prediction.type === 'hard' ? prediction.map : prediction.scores;
}

/** Per-pixel quantities the metrics are built from (void pixels hold 0 / -1). */
export interface PixelTerms {
  readonly width: number;
  readonly height: number;
  /** Label id when valid, -1 when void. */
  readonly label: Int32Array;
  /** Predicted class id (argmax); ids outside 0..C-1 are kept as they are. A hard map's own ids, uncopied. */
  readonly predicted: Int32Array | Uint8Array | Uint16Array;
  /** P(p, y_p): probability of the true class, 0 on void pixels. */
  readonly truthProbability: Float64Array;
  /** Soft predictions: the top-1 probability max_c P(p, c) on valid pixels (0 on void), for calibration. */
  readonly confidence?: Float64Array;
  readonly validPixels: number;
}

/**
 * A region where merging changes the cost most: 4-adjacent (window, class) groups of one scale, one
 * class and one sign of effect, joined. `effect` is the sum over its groups of
 * n(w,c)·(mean c(p) − l(w,c)) = the sum of e_k(p) over its pixels: positive where merging removes cost
 * (isolated errors forgiven), negative where it adds cost (right pixels dragged by their group).
 */
export interface HotSpot {
  readonly scale: number;
  readonly classId: number;
  readonly effect: number;
  /** effect / (valid pixels · number of scales): the region's share of the image's merge effect. */
  readonly share: number;
  /** Valid pixels of the class in the region's windows. */
  readonly pixels: number;
  readonly windows: number;
  /** Bounding box of its windows (clipped to the image): left, top, width, height. */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/**
 * A hot spot with the windows it is the union of, for drawing its outline: one bit per k×k window of
 * its box (columns ceil(box.width / k), rows ceil(box.height / k), row-major, bit i of byte i >> 3 is
 * window i, least significant bit first); the box starts on a window corner. At most box pixels / (8k²)
 * bytes. Only the inspector's maps carry them, never the records.
 */
export interface HotSpotRegion extends HotSpot {
  readonly cells: Uint8Array;
}

/** Everything SegLens reports for one image. */
export interface ImageMetrics {
  readonly width: number;
  readonly height: number;
  readonly validPixels: number;
  /** Losses are null when the label has no valid pixel. */
  readonly ce: number | null;
  readonly adaptive: number | null;
  readonly perScale: Readonly<Record<string, number | null>>;
  readonly mergeEffect: number | null;
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  readonly perClassIoU: readonly (number | null)[];
  /** Where merging changes the cost most (the first of the image's hot spots); null when nowhere. */
  readonly largestHotSpot: HotSpot | null;
  /** Boundary IoU (spec "Boundary IoU (v2)"): mean of the defined per-class values, null when none is. */
  readonly boundaryMiou: number | null;
  readonly perClassBoundaryIoU: readonly (number | null)[];
  /** mmseg's mAcc over this image's classes: the mean of TP / label area over classes in the label. */
  readonly meanAccuracy: number | null;
  /** mmseg's mDice over this image's classes: the mean of 2 TP / (predicted + label area), classes in either. */
  readonly meanDice: number | null;
  readonly confusion: ConfusionMatrix;
  /** Per-class band intersections and unions, pooled over images for the dataset figures. */
  readonly boundary: { readonly intersection: Float64Array; readonly union: Float64Array };
  // Soft predictions only; absent for hard ones (see metrics/softQuality.ts).
  /** cleanlab's softmin label-quality score of the valid pixels' self-confidences; low = doubtful labels. */
  readonly labelQuality?: number | null;
  /** Valid pixels whose self-confidence P(p, label) is below the label-issue threshold. */
  readonly labelIssuePixels?: number;
  /** Their largest 4-connected regions, with the most likely class as the suggestion. */
  readonly labelIssueRegions?: readonly IssueRegion[];
  /** Share of valid pixels whose top-1 probability is below 0.5. */
  readonly lowConfidenceShare?: number | null;
  /** Expected calibration error of the image's valid pixels (15 bins). */
  readonly ece?: number | null;
  /** Calibration sums, pooled over images for the dataset's calibration. */
  readonly calibration?: CalibrationCounts;
}

/** Per-pixel maps for the inspector; void pixels are 0 in the float maps. */
export interface ImageMaps {
  readonly width: number;
  readonly height: number;
  readonly label: Int32Array;
  readonly predicted: Int32Array;
  readonly truthProbability: Float32Array;
  readonly pixelCost: Float32Array;
  readonly mergeEffect: Float32Array;
  /** The image's hot spots with their windows, largest |effect| first (at most HOT_SPOT_LIMIT). */
  readonly hotSpots: readonly HotSpotRegion[];
  /** Boundary IoU bands: bit 0 label band, bit 1 prediction band, bit 2 they disagree; 0 on void. */
  readonly boundaryBand: Uint8Array;
  /** Soft predictions only: top-1 probability, entropy (nats) and top-1 − top-2 margin, every pixel. */
  readonly confidence?: Float32Array;
  readonly entropy?: Float32Array;
  readonly margin?: Float32Array;
  /** Soft predictions only: 1 where a valid pixel's self-confidence is below the label-issue threshold. */
  readonly labelIssues?: Uint8Array;
}

/**
 * Counts over valid pixels: rows are labels, columns predictions.
 * `unknown[c]` counts pixels labelled c whose predicted id is outside 0..C-1 (misses, never FP).
 */
export interface ConfusionMatrix {
  readonly numClasses: number;
  readonly counts: Float64Array;
  readonly unknown: Float64Array;
}

/** A file left out of an evaluation, and why (named to the user, never silently dropped). */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}
