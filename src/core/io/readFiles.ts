import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../errors';
import type { MetricOptions, ReadOptions } from '../options';
import type { ClassMap, Prediction } from '../types';
import { mapToTrain, type IdMapping } from '../datasets/idMap';
import type { ColorTable } from './colorTable';
import type { LabelIds } from './fileRoles';
import { readNpy } from './npy';
import { readPngClassMap } from './pngClassMap';
import type { FileBuffers, ReusableBuffer } from './reusableBuffer';
import { classMapFromNpy, predictionFromNpy } from './softScores';

/** Everything the engine needs to turn a pair of files into metrics; plain data, so it crosses to workers. */
export interface EngineOptions {
  readonly metric: MetricOptions;
  readonly read: ReadOptions;
  readonly colorTable?: ColorTable;
  /** The dataset's id encodings; absent: every file holds train ids. */
  readonly ids?: IdMapping;
  /**
   * 'exact' (default): float64 kernels, matching the spec's golden values to 1e-6.
   * 'tensor': soft predictions' per-pixel softmax/argmax as TensorFlow.js ops on the active backend (float32).
   */
  readonly compute?: 'exact' | 'tensor';
  /**
   * Cityscapes: read the `_gtFine_instanceIds` map beside each label for the instance-level iIoU
   * (metrics/cityscapesScores.ts). Off for every other dataset, which reads nothing more.
   */
  readonly cityscapesInstances?: boolean;
}

export const READABLE_EXTENSIONS = ['.png', '.npy'] as const;

const FS_REASONS: Record<string, string> = {
  ENOENT: 'file vanished or does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'symbolic link loop',
  EMFILE: 'too many open files',
};

/**
 * Reads a whole regular file, checking its size before allocating. O_NONBLOCK keeps a FIFO or
 * device that replaced a file after pairing from blocking the read forever; a file that shrinks
 * while being read (a training job rewriting it) is reported instead of returning stale zeros.
 * Synchronous: the engine reads one pair at a time per worker thread, and the four asynchronous
 * round trips through libuv's thread pool per file (open, stat, read, close) left the worker idle
 * for a sixth of its time on VOC-sized pairs.
 */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing was written: a failed close loses nothing
  }
}

function readBytes(file: string, maxBytes: number, into?: ReusableBuffer): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const info = fstatSync(fd);
    if (!info.isFile()) throw new InputError(file, 'unreadable', 'cannot read: not a regular file');
    if (info.size > maxBytes)
      throw new InputError(file, 'too-large', `file is ${info.size} bytes, above the ${maxBytes} byte limit`);
    if (info.size === 0) throw new InputError(file, 'truncated', 'file is empty');
    // Every byte is read into, or the read fails below.
    const buffer = into ? into.take(info.size) : Buffer.allocUnsafe(info.size);
    let filled = 0;
    while (filled < buffer.length) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < buffer.length)
      throw new InputError(file, 'truncated', `file shrank while it was read (${filled} of ${buffer.length} bytes)`);
    return buffer;
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof RangeError) throw new InputError(file, 'too-large', 'file is too large to hold in memory');
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InputError(file, 'unreadable', `cannot read: ${FS_REASONS[code] ?? code}`);
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/** Soft scores are 8 bytes per value at most; anything larger than the pixel limit allows is refused unread. */
function maxFileBytes(options: EngineOptions): number {
  return Math.ceil(options.read.maxMegapixels * 1e6 * Math.max(options.metric.numClasses, 4) * 8 + 65536);
}

function maxValues(options: EngineOptions): number {
  return Math.ceil(options.read.maxMegapixels * 1e6 * options.metric.numClasses);
}

function extensionOf(file: string): string {
  const extension = extname(file).toLowerCase();
  if (extension !== '.png' && extension !== '.npy') {
    throw new InputError(
      file,
      'unsupported-format',
      `unsupported file type ${JSON.stringify(extension)} (expected .png or .npy)`,
    );
  }
  return extension;
}

/** A label's or a hard prediction's PNG as class ids, inflated into `into` when given. */
function pngClassMapOf(file: string, buffer: Buffer, options: EngineOptions, into?: FileBuffers): ClassMap {
  const limits = { maxMegapixels: options.read.maxMegapixels, colorTable: options.colorTable };
  return readPngClassMap(file, buffer, limits, into?.pixels);
}

/**
 * `encoding` comes from the label's name (`_gtFine_labelIds`); the dataset's default otherwise. With
 * `into`, the file is read and decoded into those buffers, and the map may view them: it is valid
 * until their next use (see ReusableBuffer).
 */
export function readLabelSync(file: string, options: EngineOptions, encoding?: LabelIds, into?: FileBuffers): ClassMap {
  const extension = extensionOf(file);
  const buffer = readBytes(file, maxFileBytes(options), into?.bytes);
  const map =
    extension === '.png'
      ? pngClassMapOf(file, buffer, options, into)
      : classMapFromNpy(file, readNpy(file, buffer, Math.ceil(options.read.maxMegapixels * 1e6)));
  return mapToTrain(map, encoding ?? options.ids?.labelIds ?? 'train', options.ids);
}

/**
 * With `into`, the file is read and decoded into those buffers, and a soft prediction's scores or a
 * hard one's ids may view them: they are valid until the buffers' next use (see ReusableBuffer).
 */
export function readPredictionSync(file: string, options: EngineOptions, into?: FileBuffers): Prediction {
  const extension = extensionOf(file);
  const buffer = readBytes(file, maxFileBytes(options), into?.bytes);
  if (extension === '.png') {
    const map = pngClassMapOf(file, buffer, options, into);
    return { type: 'hard', map: mapToTrain(map, options.ids?.predictionIds ?? 'train', options.ids) };
  }
  return predictionFromNpy(file, readNpy(file, buffer, maxValues(options)), options.metric.numClasses, options.read);
}

/** Where the instance map of a Cityscapes label is: `X_gtFine_instanceIds.png` beside `X_gtFine_labelIds.png`. */
export function cityscapesInstanceFile(labelFile: string): string | undefined {
  const match = /_gtFine_(?:labelTrainIds|labelIds|color)\.png$/.exec(labelFile);
  return match ? `${labelFile.slice(0, match.index)}_gtFine_instanceIds.png` : undefined;
}

/** An instance map's raw 16-bit ids (label id × 1000 + index), never remapped; undefined when the file does not exist. */
export function readInstanceIdsSync(file: string, options: EngineOptions): ClassMap | undefined {
  if (!existsSync(file)) return undefined;
  const buffer = readBytes(file, maxFileBytes(options));
  return readPngClassMap(file, buffer, { maxMegapixels: options.read.maxMegapixels });
}

/** A synchronous read as a promise: its errors reject instead of throwing. */
const promised = <T>(read: () => T): Promise<T> => new Promise((resolve) => resolve(read()));

export function readLabel(file: string, options: EngineOptions, encoding?: LabelIds): Promise<ClassMap> {
  return promised(() => readLabelSync(file, options, encoding));
}

export function readPrediction(file: string, options: EngineOptions): Promise<Prediction> {
  return promised(() => readPredictionSync(file, options));
}
