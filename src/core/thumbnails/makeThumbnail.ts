/**
 * One gallery thumbnail: the photo when there is one (else the label in its class colours), shrunk
 * to fit a square, with the prediction's errors tinted red on top, encoded as a small JPEG. Runs in
 * a thumbnail worker thread (thumbnailWorker.ts); nothing here keeps what it decoded. JPEG, because
 * a photo thumbnail is a sixth of its PNG (about 6 kB against 32 kB at 160 px), which is what keeps
 * 100,000 of them on disk affordable.
 */
import { encode as encodeJpeg } from 'jpeg-js';
import type { Rgb } from '../colors';
import { InputError } from '../errors';
import { readLabelSync, readPredictionSync, type EngineOptions } from '../io/readFiles';
import type { ClassMap, Prediction } from '../types';
import { decodePhoto, type RgbaImage } from './decodePhoto';

export interface ThumbnailRequest {
  readonly labelFile: string;
  readonly predictionFile: string;
  /** The photo of the image, when one was found next to the data. */
  readonly photoFile?: string;
  /** Longest side of the thumbnail in pixels. */
  readonly size: number;
  /** Colour of each class id, for the label when there is no photo. */
  readonly classColors: readonly Rgb[];
}

/** Drawn where the label is void (ignore index or an id ≥ C) and there is no photo. */
export const VOID_GREY: Rgb = [128, 128, 128];
/** The error tint and its strength where every pixel of a thumbnail pixel's block is wrong. */
export const ERROR_RED: Rgb = [255, 0, 0];
export const ERROR_ALPHA = 0.65;
/** Source pixels read per thumbnail pixel and axis for the error share (a block is sampled, not read whole). */
const ERROR_SAMPLES = 4;

/** Thumbnail side lengths: the longest side is `size`, the other keeps the aspect ratio (at least 1). */
export function thumbnailSize(width: number, height: number, size: number): { width: number; height: number } {
  const scale = size / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The class a prediction gives pixel `index` (argmax of soft scores, first maximum kept). */
function predictedAt(prediction: Prediction, index: number): number {
  if (prediction.type === 'hard') return prediction.map.ids[index]!;
  const { scores } = prediction;
  const { channels, values } = scores;
  const plane = scores.width * scores.height;
  let best = 0;
  let bestValue = -Infinity;
  for (let c = 0; c < channels; c++) {
    const value = scores.layout === 'hwc' ? values[index * channels + c]! : values[c * plane + index]!;
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

/** Share of the valid pixels of the source block under thumbnail pixel (tx, ty) that are predicted wrong. */
function errorShare(
  label: ClassMap,
  prediction: Prediction,
  block: { x0: number; y0: number; x1: number; y1: number },
  isVoid: (id: number) => boolean,
): number {
  let valid = 0;
  let wrong = 0;
  const stepX = Math.max(1, (block.x1 - block.x0) / ERROR_SAMPLES);
  const stepY = Math.max(1, (block.y1 - block.y0) / ERROR_SAMPLES);
  for (let y = block.y0 + stepY / 2; y < block.y1; y += stepY) {
    for (let x = block.x0 + stepX / 2; x < block.x1; x += stepX) {
      const index = Math.floor(y) * label.width + Math.floor(x);
      const truth = label.ids[index]!;
      if (isVoid(truth)) continue;
      valid++;
      if (predictedAt(prediction, index) !== truth) wrong++;
    }
  }
  return valid === 0 ? 0 : wrong / valid;
}

/** Mean colour of the photo over the block (a box filter, so a shrunk photo does not shimmer). */
function photoColor(photo: RgbaImage, block: { x0: number; y0: number; x1: number; y1: number }): Rgb {
  const x0 = Math.floor(block.x0);
  const y0 = Math.floor(block.y0);
  const x1 = Math.max(x0 + 1, Math.floor(block.x1));
  const y1 = Math.max(y0 + 1, Math.floor(block.y1));
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * photo.width + x) * 4;
      r += photo.data[i]!;
      g += photo.data[i + 1]!;
      b += photo.data[i + 2]!;
      n++;
    }
  }
  return [r / n, g / n, b / n];
}

/** The thumbnail's RGBA pixels; exported for tests, which check them without a PNG round trip. */
export function thumbnailPixels(
  label: ClassMap,
  prediction: Prediction,
  photo: RgbaImage | undefined,
  request: Pick<ThumbnailRequest, 'size' | 'classColors'>,
  options: Pick<EngineOptions['metric'], 'numClasses' | 'ignoreIndex'>,
): RgbaImage {
  const { width, height } = thumbnailSize(label.width, label.height, request.size);
  const isVoid = (id: number): boolean => id === options.ignoreIndex || id >= options.numClasses;
  const data = new Uint8Array(width * height * 4);
  const sx = label.width / width;
  const sy = label.height / height;
  for (let ty = 0; ty < height; ty++) {
    for (let tx = 0; tx < width; tx++) {
      const block = { x0: tx * sx, y0: ty * sy, x1: (tx + 1) * sx, y1: (ty + 1) * sy };
      const centre = Math.floor((ty + 0.5) * sy) * label.width + Math.floor((tx + 0.5) * sx);
      const truth = label.ids[centre]!;
      const base: Rgb =
        photo !== undefined
          ? photoColor(photo, {
              x0: (block.x0 * photo.width) / label.width,
              y0: (block.y0 * photo.height) / label.height,
              x1: (block.x1 * photo.width) / label.width,
              y1: (block.y1 * photo.height) / label.height,
            })
          : isVoid(truth)
            ? VOID_GREY
            : (request.classColors[truth] ?? VOID_GREY);
      const alpha = ERROR_ALPHA * errorShare(label, prediction, block, isVoid);
      const out = (ty * width + tx) * 4;
      for (let c = 0; c < 3; c++) data[out + c] = Math.round(base[c]! * (1 - alpha) + ERROR_RED[c]! * alpha);
      data[out + 3] = 255;
    }
  }
  return { width, height, data };
}

function checkSameSize(request: ThumbnailRequest, label: ClassMap, prediction: Prediction): void {
  const size = prediction.type === 'hard' ? prediction.map : prediction.scores;
  if (size.width !== label.width || size.height !== label.height)
    throw new InputError(
      request.predictionFile,
      'size-mismatch',
      `prediction is ${size.width}×${size.height}, label ${label.width}×${label.height}`,
    );
}

/** JPEG quality of the thumbnails: no visible blocks at 160 px, a few kB each. */
export const THUMBNAIL_QUALITY = 85;

/**
 * The thumbnail's pixels. A photo that cannot be read is no reason to fail: the label is drawn
 * instead (the gallery still shows where the errors are).
 */
export function thumbnailImage(request: ThumbnailRequest, options: EngineOptions): RgbaImage {
  const label = readLabelSync(request.labelFile, options);
  const prediction = readPredictionSync(request.predictionFile, options);
  checkSameSize(request, label, prediction);
  let photo: RgbaImage | undefined;
  if (request.photoFile !== undefined) {
    try {
      photo = decodePhoto(request.photoFile, options.read.maxMegapixels);
    } catch {
      photo = undefined;
    }
  }
  return thumbnailPixels(label, prediction, photo, request, options.metric);
}

/** The thumbnail as JPEG bytes. */
export function makeThumbnailSync(request: ThumbnailRequest, options: EngineOptions): Uint8Array {
  const pixels = thumbnailImage(request, options);
  return new Uint8Array(encodeJpeg(pixels, THUMBNAIL_QUALITY).data);
}
