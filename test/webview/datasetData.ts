/**
 * Generated dataset-panel messages for the webview tests and screenshots: a confusion matrix with
 * some classes present (most pixels on the diagonal, the rest spread over a few other present classes),
 * and the per-class figures computed from it here, naively, as the test's oracle.
 */
import { ADE20K_CLASS_NAMES } from '../../src/core/datasets/ade20kClasses';
import { VOC_CLASS_NAMES } from '../../src/core';
import { defaultClassColors } from '../../src/shared/protocol/dataset';

/** The message as plain data (the page turns `confusion` and `unknownPredictions` into Float64Arrays). */
export interface PlainDatasetMessage {
  type: 'dataset';
  title: string;
  images: number;
  numClasses: number;
  classNames: string[];
  classColors: [number, number, number][];
  confusion: number[];
  unknownPredictions: number[];
  classFigures: Record<string, (number | null)[]>;
  figures: Record<string, number | null>;
  reliability: { lo: number; hi: number; count: number; confidence: number | null; accuracy: number | null }[] | null;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Realistic names: VOC for up to 21 classes, ADE20K's 150, then "stuff N". */
export function classNamesFor(numClasses: number): string[] {
  const source = numClasses <= 21 ? VOC_CLASS_NAMES : ADE20K_CLASS_NAMES;
  return Array.from({ length: numClasses }, (_, c) => source[c] ?? `stuff ${c - source.length + 1}`);
}

/** IoU per class from a C×C matrix (rows label) and the per-class unknown predictions: TP / (label + predicted − TP). */
export function naiveIoU(confusion: readonly number[], unknown: readonly number[], n: number): (number | null)[] {
  return Array.from({ length: n }, (_, c) => {
    let label = unknown[c] ?? 0;
    let predicted = 0;
    for (let k = 0; k < n; k++) {
      label += confusion[c * n + k]!;
      predicted += confusion[k * n + c]!;
    }
    const tp = confusion[c * n + c]!;
    const union = label + predicted - tp;
    return union > 0 ? tp / union : null;
  });
}

export interface GeneratedOptions {
  readonly numClasses: number;
  /** How many classes have pixels (the others none at all). */
  readonly present: number;
  readonly seed?: number;
  readonly soft?: boolean;
}

export function generatedDataset({
  numClasses: n,
  present,
  seed = 1,
  soft = false,
}: GeneratedOptions): PlainDatasetMessage {
  const next = random(seed);
  const ids = Array.from({ length: n }, (_, c) => c);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const used = ids.slice(0, present).sort((a, b) => a - b);
  const confusion = new Array<number>(n * n).fill(0);
  const unknown = new Array<number>(n).fill(0);
  for (const label of used) {
    const total = Math.round(2000 + next() * 200000);
    const right = Math.round(total * (0.45 + 0.53 * next()));
    confusion[label * n + label] = right;
    let left = total - right;
    const others = 1 + Math.floor(next() * 3);
    for (let k = 0; k < others && left > 0 && used.length > 1; k++) {
      let other = used[Math.floor(next() * used.length)]!;
      if (other === label) other = used[(used.indexOf(label) + 1) % used.length]!;
      const part = k === others - 1 ? left : Math.round(left * next());
      confusion[label * n + other]! += part;
      left -= part;
    }
    if (left > 0) unknown[label]! += left;
  }
  const iou = naiveIoU(confusion, unknown, n);
  const boundary = iou.map((value) => (value === null ? null : value * (0.4 + 0.3 * next())));
  const mean = (values: (number | null)[]): number => {
    const defined = values.filter((value): value is number => value !== null);
    return defined.reduce((sum, value) => sum + value, 0) / defined.length;
  };
  let right = 0;
  for (let c = 0; c < n; c++) right += confusion[c * n + c]!;
  const pixels = confusion.reduce((sum, count) => sum + count, 0) + unknown.reduce((sum, count) => sum + count, 0);
  return {
    type: 'dataset',
    title: `generated-${n}-classes`,
    images: 12 + Math.floor(next() * 500),
    numClasses: n,
    classNames: classNamesFor(n),
    classColors: defaultClassColors(n).map((color) => [...color]),
    confusion,
    unknownPredictions: unknown,
    classFigures: { perClassIoU: iou, perClassBoundaryIoU: boundary },
    figures: { miou: mean(iou), pixelAccuracy: right / pixels, boundaryMiou: mean(boundary) },
    reliability: soft ? reliabilityBins(seed) : null,
  };
}

/** 15 bins of an over-confident model: accuracy below the mean confidence, more pixels at high confidence. */
export function reliabilityBins(seed = 1): NonNullable<PlainDatasetMessage['reliability']> {
  const next = random(seed + 99);
  return Array.from({ length: 15 }, (_, m) => {
    const lo = m / 15;
    const hi = (m + 1) / 15;
    const count = m < 2 ? 0 : Math.round(1000 * (m + 1) ** 2 * (0.5 + next()));
    const confidence = count === 0 ? null : lo + (hi - lo) * (0.3 + 0.4 * next());
    const accuracy = confidence === null ? null : Math.max(0, confidence - 0.05 - 0.1 * next());
    return { lo, hi, count, confidence, accuracy };
  });
}

/** ECE from bins: Σ count·|accuracy − confidence| / Σ count (Guo et al.). */
export function naiveEce(bins: NonNullable<PlainDatasetMessage['reliability']>): number {
  let total = 0;
  let gap = 0;
  for (const bin of bins) {
    total += bin.count;
    if (bin.accuracy !== null && bin.confidence !== null) gap += bin.count * Math.abs(bin.accuracy - bin.confidence);
  }
  return gap / total;
}
