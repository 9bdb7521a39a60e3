import { CITYSCAPES_LABEL_TO_TRAIN } from '../datasets/cityscapesLabels';
import type { ConfusionMatrix } from '../types';

/**
 * The figures the official Cityscapes evaluator prints besides class IoU (cityscapesscripts,
 * evaluation/evalPixelLevelSemanticLabeling.py): category IoU, and the instance-level iIoU of the
 * classes with instances and of their categories, from the `_gtFine_instanceIds` maps.
 *
 * SegLens works in the 19 train ids, where the script builds a confusion matrix over label ids.
 * The two agree: rows of labels that are not evaluated are void here and skipped there, and a
 * prediction of a label that is not evaluated (train id 255 here) is a miss in both. The one
 * difference: the script counts a caravan or trailer prediction (label ids 29, 30; no train id, so
 * 19-class models never make it) on a vehicle instance as right for the vehicle category's iIoU.
 */

/** The categories of labels.py with an evaluated class; `void` has none and is never scored. */
export const CITYSCAPES_CATEGORIES = ['flat', 'construction', 'object', 'nature', 'sky', 'human', 'vehicle'] as const;
export type CityscapesCategory = (typeof CITYSCAPES_CATEGORIES)[number];

/** Category of each train id 0..18 (road … bicycle), from labels.py. */
const CATEGORY_OF_TRAIN_ID: readonly CityscapesCategory[] = [
  'flat', // road
  'flat', // sidewalk
  'construction', // building
  'construction', // wall
  'construction', // fence
  'object', // pole
  'object', // traffic light
  'object', // traffic sign
  'nature', // vegetation
  'nature', // terrain
  'sky', // sky
  'human', // person
  'human', // rider
  'vehicle', // car
  'vehicle', // truck
  'vehicle', // bus
  'vehicle', // train
  'vehicle', // motorcycle
  'vehicle', // bicycle
];

export const CITYSCAPES_TRAIN_CLASSES = CATEGORY_OF_TRAIN_ID.length;

/** Categories whose labels all have instances (labels.py `hasInstances`): the script scores iIoU for these. */
export const CITYSCAPES_INSTANCE_CATEGORIES = ['human', 'vehicle'] as const satisfies readonly CityscapesCategory[];

/**
 * The script's `avgClassSize`: the mean instance size of each evaluated class with instances, in
 * pixels, by train id (person 11 … bicycle 18). An instance's pixels weigh avgClassSize / its size, so
 * a small instance counts as much as a typical one.
 */
const AVERAGE_INSTANCE_SIZE: Readonly<Record<number, number>> = {
  11: 3462.4756337644, // person
  12: 3930.4788056518, // rider
  13: 12794.0202738185, // car
  14: 27855.1264367816, // truck
  15: 35732.1511111111, // bus
  16: 67583.7075812274, // train
  17: 6298.7200839748, // motorcycle
  18: 4672.3249222261, // bicycle
};

/** Train ids of the 8 evaluated classes with instances. */
export const CITYSCAPES_INSTANCE_CLASSES: readonly number[] = Object.keys(AVERAGE_INSTANCE_SIZE).map(Number);

/** One image's instance counts, weighted by instance size: what sums over images. */
export interface CityscapesInstanceCounts {
  /** By train id (19 entries; 0 for classes without instances). */
  readonly tpWeighted: number[];
  readonly fnWeighted: number[];
  /** By CITYSCAPES_INSTANCE_CATEGORIES (human, vehicle). */
  readonly categoryTpWeighted: number[];
  readonly categoryFnWeighted: number[];
}

export function emptyInstanceCounts(): CityscapesInstanceCounts {
  return {
    tpWeighted: new Array<number>(CITYSCAPES_TRAIN_CLASSES).fill(0),
    fnWeighted: new Array<number>(CITYSCAPES_TRAIN_CLASSES).fill(0),
    categoryTpWeighted: CITYSCAPES_INSTANCE_CATEGORIES.map(() => 0),
    categoryFnWeighted: CITYSCAPES_INSTANCE_CATEGORIES.map(() => 0),
  };
}

export function addInstanceCounts(target: CityscapesInstanceCounts, source: CityscapesInstanceCounts): void {
  for (const key of ['tpWeighted', 'fnWeighted', 'categoryTpWeighted', 'categoryFnWeighted'] as const)
    source[key].forEach((value, i) => (target[key][i]! += value));
}

/**
 * The script's instance loop for one image: every instance id > 1000 (label id × 1000 + index) of an
 * evaluated class; its size, its pixels predicted as its class (tp) and as any class of its category.
 * `predicted` holds train ids (anything else is a miss).
 */
export function instanceCounts(instanceIds: ArrayLike<number>, predicted: ArrayLike<number>): CityscapesInstanceCounts {
  // Per instance id: size, tp, category tp.
  const instances = new Map<number, [number, number, number]>();
  for (let p = 0; p < instanceIds.length; p++) {
    const id = instanceIds[p]!;
    if (id <= 1000) continue;
    const trainId = CITYSCAPES_LABEL_TO_TRAIN[Math.floor(id / 1000)];
    if (trainId === undefined || AVERAGE_INSTANCE_SIZE[trainId] === undefined) continue;
    let entry = instances.get(id);
    if (entry === undefined) instances.set(id, (entry = [0, 0, 0]));
    entry[0]++;
    const q = predicted[p]!;
    if (q === trainId) entry[1]++;
    if (q >= 0 && q < CITYSCAPES_TRAIN_CLASSES && CATEGORY_OF_TRAIN_ID[q] === CATEGORY_OF_TRAIN_ID[trainId]) entry[2]++;
  }
  const counts = emptyInstanceCounts();
  // In increasing id order, as the script's np.unique lists them: the float sums come out the same.
  for (const id of [...instances.keys()].sort((a, b) => a - b)) {
    const [size, tp, categoryTp] = instances.get(id)!;
    const trainId = CITYSCAPES_LABEL_TO_TRAIN[Math.floor(id / 1000)]!;
    const weight = AVERAGE_INSTANCE_SIZE[trainId]! / size;
    counts.tpWeighted[trainId]! += tp * weight;
    counts.fnWeighted[trainId]! += (size - tp) * weight;
    const category = CITYSCAPES_INSTANCE_CATEGORIES.indexOf(
      CATEGORY_OF_TRAIN_ID[trainId] as (typeof CITYSCAPES_INSTANCE_CATEGORIES)[number],
    );
    counts.categoryTpWeighted[category]! += categoryTp * weight;
    counts.categoryFnWeighted[category]! += (size - categoryTp) * weight;
  }
  return counts;
}

export interface CityscapesSummary {
  /** Mean of the defined category IoUs (the script's "Score Average" of categories). */
  readonly categoryIoU: number | null;
  readonly perCategoryIoU: Record<CityscapesCategory, number | null>;
  /** By train id; null for classes without instances and where undefined. Null as a whole without instance files. */
  readonly perClassIIoU: (number | null)[] | null;
  /** Mean over the defined iIoUs of the 8 classes with instances. */
  readonly meanIIoU: number | null;
  /** Mean over the defined iIoUs of the human and vehicle categories. */
  readonly categoryIIoU: number | null;
  readonly perCategoryIIoU: Record<(typeof CITYSCAPES_INSTANCE_CATEGORIES)[number], number | null> | null;
  /** Why the iIoU figures are null (instance files missing), when they are. */
  readonly iIoUUnavailable?: string;
}

const idsOf = (category: CityscapesCategory): number[] =>
  CATEGORY_OF_TRAIN_ID.flatMap((c, trainId) => (c === category ? [trainId] : []));

const ratioOrNull = (tp: number, denominator: number): number | null => (denominator === 0 ? null : tp / denominator);

function meanOfDefined(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((s, v) => s + v, 0) / defined.length;
}

/** Category sums from the 19-class matrix: tp inside the category, fn the rest of its rows, fp its columns from other rows. */
function categoryAreas(matrix: ConfusionMatrix, ids: readonly number[]): { tp: number; fn: number; fp: number } {
  const n = matrix.numClasses;
  const inCategory = new Set(ids);
  let tp = 0;
  let rows = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    for (const b of ids) {
      const count = matrix.counts[r * n + b]!;
      if (inCategory.has(r)) tp += count;
      else fp += count;
    }
    if (!inCategory.has(r)) continue;
    rows += matrix.unknown[r]!;
    for (let b = 0; b < n; b++) rows += matrix.counts[r * n + b]!;
  }
  return { tp, fn: rows - tp, fp };
}

/** The Cityscapes figures of a dataset: its pooled 19-class matrix and summed instance counts (or why there are none). */
export function cityscapesSummary(
  matrix: ConfusionMatrix,
  instances: CityscapesInstanceCounts | { readonly unavailable: string },
): CityscapesSummary {
  const perCategoryIoU = {} as Record<CityscapesCategory, number | null>;
  for (const category of CITYSCAPES_CATEGORIES) {
    const { tp, fn, fp } = categoryAreas(matrix, idsOf(category));
    perCategoryIoU[category] = ratioOrNull(tp, tp + fp + fn);
  }
  const categoryIoU = meanOfDefined(Object.values(perCategoryIoU));
  if ('unavailable' in instances) {
    return {
      categoryIoU,
      perCategoryIoU,
      perClassIIoU: null,
      meanIIoU: null,
      categoryIIoU: null,
      perCategoryIIoU: null,
      iIoUUnavailable: instances.unavailable,
    };
  }
  const n = matrix.numClasses;
  const perClassIIoU = Array.from({ length: n }, (_, c): number | null => {
    if (AVERAGE_INSTANCE_SIZE[c] === undefined) return null;
    // False positives: the column of c over the evaluated rows other than c.
    let fp = 0;
    for (let r = 0; r < n; r++) if (r !== c) fp += matrix.counts[r * n + c]!;
    const tp = instances.tpWeighted[c]!;
    return ratioOrNull(tp, tp + fp + instances.fnWeighted[c]!);
  });
  const perCategoryIIoU = {} as Record<(typeof CITYSCAPES_INSTANCE_CATEGORIES)[number], number | null>;
  CITYSCAPES_INSTANCE_CATEGORIES.forEach((category, i) => {
    const { fp } = categoryAreas(matrix, idsOf(category));
    const tp = instances.categoryTpWeighted[i]!;
    perCategoryIIoU[category] = ratioOrNull(tp, tp + fp + instances.categoryFnWeighted[i]!);
  });
  return {
    categoryIoU,
    perCategoryIoU,
    perClassIIoU,
    meanIIoU: meanOfDefined(perClassIIoU),
    categoryIIoU: meanOfDefined(Object.values(perCategoryIIoU)),
    perCategoryIIoU,
  };
}
