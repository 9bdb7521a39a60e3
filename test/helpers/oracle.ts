/**
 * A second, deliberately naive implementation of docs/spec/loss.md, written from the text alone:
 * full probability vectors per pixel, windows enumerated explicitly, merged distributions averaged as
 * vectors. Slow and obvious, so it can be trusted as an oracle for the engine on random inputs.
 */
export interface OracleInput {
  width: number;
  height: number;
  numClasses: number;
  ignore: number;
  scales: number[];
  weights?: number[];
  label: number[];
  /** Either a hard class map or per-pixel logits (HWC). */
  hard?: number[];
  hardEps?: number;
  logits?: number[];
  /** loss.md v2; defaults are v1's. */
  pooling?: 'uniform' | 'gaussian';
  poolingSigma?: number;
  minkowski?: number;
}

export interface OracleOutput {
  ce: number;
  perScale: number[];
  adaptive: number;
  merge: number[];
  mergeMean: number;
  iou: (number | null)[];
  miou: number | null;
  accuracy: number | null;
  predicted: number[];
}

const DELTA = 1e-12;
const negLog = (x: number): number => -Math.log(Math.max(x, DELTA));

function distribution(input: OracleInput, p: number): number[] {
  const C = input.numClasses;
  if (input.hard) {
    const predictedId = input.hard[p]!;
    if (predictedId < 0 || predictedId >= C) return new Array<number>(C).fill(1 / C);
    const eps = input.hardEps ?? 1e-3;
    return Array.from({ length: C }, (_, c) => (c === predictedId ? 1 - eps : eps / (C - 1)));
  }
  const logits = input.logits!.slice(p * C, p * C + C);
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

export function oracle(input: OracleInput): OracleOutput {
  const { width, height, numClasses: C, ignore } = input;
  const isValid = (p: number): boolean => input.label[p] !== ignore && input.label[p]! < C;
  const P = Array.from({ length: width * height }, (_, p) => distribution(input, p));
  const valid = [...Array(width * height).keys()].filter(isValid);
  const cost = (p: number): number => negLog(P[p]![input.label[p]!]!);
  const ce = valid.reduce((s, p) => s + cost(p), 0) / valid.length;

  const merge = new Array<number>(width * height).fill(0);
  const perScale = input.scales.map((k) => {
    let weighted = 0;
    let count = 0;
    const m = input.minkowski ?? 1;
    const sigma = input.poolingSigma ?? 0.5;
    for (let wy = 0; wy < height; wy += k) {
      for (let wx = 0; wx < width; wx += k) {
        const members: number[] = [];
        const weightOf = new Map<number, number>();
        const h = Math.min(height, wy + k) - wy;
        const w = Math.min(width, wx + k) - wx;
        for (let y = wy; y < wy + h; y++)
          for (let x = wx; x < wx + w; x++) {
            members.push(y * width + x);
            // Chessboard distance to the clipped window's centre, straight from the spec's formula.
            const d = Math.max(Math.abs(y - wy - (h - 1) / 2), Math.abs(x - wx - (w - 1) / 2));
            weightOf.set(y * width + x, input.pooling === 'gaussian' ? Math.exp(-(d * d) / (2 * (sigma * k) ** 2)) : 1);
          }
        for (let c = 0; c < C; c++) {
          const group = members.filter((p) => isValid(p) && input.label[p] === c);
          if (group.length === 0) continue;
          const merged = new Array<number>(C).fill(0);
          const totalWeight = group.reduce((s, p) => s + weightOf.get(p)!, 0);
          for (const p of group)
            P[p]!.forEach((v, j) => (merged[j] = merged[j]! + (weightOf.get(p)! * v) / totalWeight));
          const groupCost = negLog(merged[c]!);
          weighted += group.length * groupCost ** m;
          count += group.length;
          for (const p of group) merge[p] = merge[p]! + (cost(p) - groupCost) / input.scales.length;
        }
      }
    }
    return (weighted / count) ** (1 / m);
  });
  const weights = input.weights ?? input.scales.map(() => 1 / input.scales.length);
  const adaptive = perScale.reduce((s, l, i) => s + weights[i]! * l, 0);

  const predicted = P.map((row, p) => (input.hard ? input.hard[p]! : row.indexOf(Math.max(...row))));
  const iou: (number | null)[] = [];
  for (let c = 0; c < C; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const p of valid) {
      const y = input.label[p];
      const q = predicted[p];
      if (y === c && q === c) tp++;
      else if (y === c) fn++;
      else if (q === c) fp++;
    }
    iou.push(tp + fp + fn === 0 ? null : tp / (tp + fp + fn));
  }
  const defined = iou.filter((v): v is number => v !== null);
  const correct = valid.filter((p) => predicted[p] === input.label[p]).length;
  return {
    ce,
    perScale,
    adaptive,
    merge,
    mergeMean: valid.reduce((s, p) => s + merge[p]!, 0) / valid.length,
    iou,
    miou: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    accuracy: valid.length ? correct / valid.length : null,
    predicted,
  };
}

export interface OracleBoundary {
  distance: number;
  intersection: number[];
  union: number[];
  iou: (number | null)[];
  miou: number | null;
}

/**
 * Boundary IoU read straight from the spec: for every class, the band of a mask is each pixel of the
 * mask that has, within chessboard distance d, a pixel outside the image or outside the mask; bands are
 * then restricted to valid pixels. Every pixel's whole (2d+1)² square is checked, class by class.
 */
export function oracleBoundary(input: OracleInput, predicted: number[], ratio: number): OracleBoundary {
  const { width, height, numClasses: C, ignore } = input;
  // Python's round, as the reference code (boundary-iou-api) takes it: ties go to the even neighbour.
  const exact = ratio * Math.sqrt(width * width + height * height);
  const nearest = Math.abs(exact - Math.trunc(exact)) === 0.5 ? 2 * Math.round(exact / 2) : Math.round(exact);
  const distance = Math.max(1, nearest);
  const isValid = (p: number): boolean => input.label[p] !== ignore && input.label[p]! < C;
  const inBand = (ids: number[], c: number, x: number, y: number): boolean => {
    if (ids[y * width + x] !== c) return false;
    for (let dy = -distance; dy <= distance; dy++)
      for (let dx = -distance; dx <= distance; dx++) {
        const qx = x + dx;
        const qy = y + dy;
        if (qx < 0 || qy < 0 || qx >= width || qy >= height) return true;
        if (ids[qy * width + qx] !== c) return true;
      }
    return false;
  };
  const intersection: number[] = [];
  const union: number[] = [];
  for (let c = 0; c < C; c++) {
    let both = 0;
    let either = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        if (!isValid(y * width + x)) continue;
        const g = inBand(input.label, c, x, y);
        const q = inBand(predicted, c, x, y);
        if (g && q) both++;
        if (g || q) either++;
      }
    intersection.push(both);
    union.push(either);
  }
  const iou = union.map((u, c) => (u === 0 ? null : intersection[c]! / u));
  const defined = iou.filter((v): v is number => v !== null);
  return {
    distance,
    intersection,
    union,
    iou,
    miou: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
  };
}

/**
 * Ids >= numClasses in a map other than `allowed` (a label's ignore index), pixel by pixel; for a
 * prediction, only where its label (`scoredWhere`) is valid: a prediction on a void pixel is never
 * scored, so never a miss.
 */
export function naiveOutOfRange(
  ids: ArrayLike<number>,
  numClasses: number,
  allowed: number,
  scoredWhere?: { readonly ids: ArrayLike<number>; readonly ignoreIndex: number },
): { count: number; largest: number } {
  const outside = Array.from(ids).filter((id, p) => {
    const label = scoredWhere?.ids[p];
    const scored = label === undefined || (label < numClasses && label !== scoredWhere!.ignoreIndex);
    return id >= numClasses && id !== allowed && scored;
  });
  return { count: outside.length, largest: Math.max(0, ...outside) };
}
