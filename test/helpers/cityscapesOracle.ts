/**
 * The official Cityscapes pixel-level evaluator, retyped from its published source as a test oracle
 * (mcordts/cityscapesScripts: cityscapesscripts/evaluation/evalPixelLevelSemanticLabeling.py with
 * evalInstLevelScore on, and the label table of cityscapesscripts/helpers/labels.py). It works as the
 * script does, in label ids (a 34 × 34 confusion matrix), and imports nothing from the engine.
 */

interface Label {
  name: string;
  id: number;
  category: string;
  hasInstances: boolean;
  ignoreInEval: boolean;
}

/** labels.py (name, id, category, hasInstances, ignoreInEval); the license plate (id -1) is never evaluated. */
const LABELS: Label[] = (
  [
    ['unlabeled', 0, 'void', false, true],
    ['ego vehicle', 1, 'void', false, true],
    ['rectification border', 2, 'void', false, true],
    ['out of roi', 3, 'void', false, true],
    ['static', 4, 'void', false, true],
    ['dynamic', 5, 'void', false, true],
    ['ground', 6, 'void', false, true],
    ['road', 7, 'flat', false, false],
    ['sidewalk', 8, 'flat', false, false],
    ['parking', 9, 'flat', false, true],
    ['rail track', 10, 'flat', false, true],
    ['building', 11, 'construction', false, false],
    ['wall', 12, 'construction', false, false],
    ['fence', 13, 'construction', false, false],
    ['guard rail', 14, 'construction', false, true],
    ['bridge', 15, 'construction', false, true],
    ['tunnel', 16, 'construction', false, true],
    ['pole', 17, 'object', false, false],
    ['polegroup', 18, 'object', false, true],
    ['traffic light', 19, 'object', false, false],
    ['traffic sign', 20, 'object', false, false],
    ['vegetation', 21, 'nature', false, false],
    ['terrain', 22, 'nature', false, false],
    ['sky', 23, 'sky', false, false],
    ['person', 24, 'human', true, false],
    ['rider', 25, 'human', true, false],
    ['car', 26, 'vehicle', true, false],
    ['truck', 27, 'vehicle', true, false],
    ['bus', 28, 'vehicle', true, false],
    ['caravan', 29, 'vehicle', true, true],
    ['trailer', 30, 'vehicle', true, true],
    ['train', 31, 'vehicle', true, false],
    ['motorcycle', 32, 'vehicle', true, false],
    ['bicycle', 33, 'vehicle', true, false],
  ] as const
).map(([name, id, category, hasInstances, ignoreInEval]) => ({ name, id, category, hasInstances, ignoreInEval }));

const id2label = new Map(LABELS.map((label) => [label.id, label]));
const CATEGORIES = [...new Set(LABELS.map((label) => label.category))];
/** category2labels (the license plate, id -1, is skipped wherever the script reads it). */
const category2labels = (category: string): Label[] => LABELS.filter((label) => label.category === category);

const AVG_CLASS_SIZE: Record<string, number> = {
  bicycle: 4672.3249222261,
  caravan: 36771.8241758242,
  motorcycle: 6298.7200839748,
  rider: 3930.4788056518,
  bus: 35732.1511111111,
  train: 67583.7075812274,
  car: 12794.0202738185,
  person: 3462.4756337644,
  truck: 27855.1264367816,
  trailer: 16926.9763313609,
};

interface Stats {
  tp: number;
  tpWeighted: number;
  fn: number;
  fnWeighted: number;
}
interface CategoryStats extends Stats {
  labelIds: number[];
}

export interface CityscapesImage {
  /** Ground truth and prediction in label ids, instance ids as in `_gtFine_instanceIds`. */
  groundTruth: readonly number[];
  prediction: readonly number[];
  instances: readonly number[];
}

export interface CityscapesResult {
  classScores: Record<string, number>;
  classInstScores: Record<string, number>;
  categoryScores: Record<string, number>;
  categoryInstScores: Record<string, number>;
  averageScoreClasses: number;
  averageScoreInstClasses: number;
  averageScoreCategories: number;
  averageScoreInstCategories: number;
}

const evalLabels = LABELS.map((label) => label.id);
const SIZE = Math.max(...evalLabels) + 1;

function generateInstanceStats(): { classes: Map<string, Stats>; categories: Map<string, CategoryStats> } {
  const classes = new Map<string, Stats>();
  for (const label of LABELS)
    if (label.hasInstances && !label.ignoreInEval)
      classes.set(label.name, { tp: 0, tpWeighted: 0, fn: 0, fnWeighted: 0 });
  const categories = new Map<string, CategoryStats>();
  for (const category of CATEGORIES) {
    const labels = category2labels(category);
    if (!labels.every((label) => label.hasInstances)) continue;
    categories.set(category, {
      tp: 0,
      tpWeighted: 0,
      fn: 0,
      fnWeighted: 0,
      labelIds: labels.map((l) => l.id),
    });
  }
  return { classes, categories };
}

export function evaluateCityscapes(images: readonly CityscapesImage[]): CityscapesResult {
  const conf = Array.from({ length: SIZE }, () => new Array<number>(SIZE).fill(0));
  const instStats = generateInstanceStats();
  for (const image of images) {
    image.groundTruth.forEach((gt, p) => {
      if (!evalLabels.includes(gt)) throw new Error(`Unknown label with id ${gt}`);
      conf[gt]![image.prediction[p]!]!++;
    });
    // The instance loop of evaluatePair.
    const categoryMask = (category: string, p: number): boolean =>
      instStats.categories.get(category)!.labelIds.includes(image.prediction[p]!);
    const instList = [...new Set(image.instances.filter((id) => id > 1000))].sort((a, b) => a - b);
    for (const instId of instList) {
      const labelId = Math.trunc(instId / 1000);
      const label = id2label.get(labelId)!;
      if (label.ignoreInEval) continue;
      const mask = image.instances.flatMap((id, p) => (id === instId ? [p] : []));
      const instSize = mask.length;
      const tp = mask.filter((p) => image.prediction[p] === labelId).length;
      const fn = instSize - tp;
      const weight = AVG_CLASS_SIZE[label.name]! / instSize;
      const stats = instStats.classes.get(label.name)!;
      stats.tp += tp;
      stats.fn += fn;
      stats.tpWeighted += tp * weight;
      stats.fnWeighted += fn * weight;
      const category = instStats.categories.get(label.category);
      if (category) {
        const catTp = mask.filter((p) => categoryMask(label.category, p)).length;
        const catFn = instSize - catTp;
        category.tp += catTp;
        category.fn += catFn;
        category.tpWeighted += catTp * weight;
        category.fnWeighted += catFn * weight;
      }
    }
  }
  const sum = (rows: readonly number[], columns: readonly number[]): number =>
    rows.reduce((s, r) => s + columns.reduce((t, c) => t + conf[r]![c]!, 0), 0);
  const all = [...Array(SIZE).keys()];

  const getIouScoreForLabel = (label: number): number => {
    if (id2label.get(label)!.ignoreInEval) return NaN;
    const tp = conf[label]![label]!;
    const fn = sum([label], all) - tp;
    const notIgnored = evalLabels.filter((l) => !id2label.get(l)!.ignoreInEval && l !== label);
    const fp = sum(notIgnored, [label]);
    const denom = tp + fp + fn;
    return denom === 0 ? NaN : tp / denom;
  };
  const getInstanceIouScoreForLabel = (label: number): number => {
    if (id2label.get(label)!.ignoreInEval) return NaN;
    const stats = instStats.classes.get(id2label.get(label)!.name);
    if (!stats) return NaN;
    const notIgnored = evalLabels.filter((l) => !id2label.get(l)!.ignoreInEval && l !== label);
    const fp = sum(notIgnored, [label]);
    const denom = stats.tpWeighted + fp + stats.fnWeighted;
    return denom === 0 ? NaN : stats.tpWeighted / denom;
  };
  const notIgnoredAndNotIn = (category: string): number[] =>
    evalLabels.filter((l) => !id2label.get(l)!.ignoreInEval && id2label.get(l)!.category !== category);
  const getIouScoreForCategory = (category: string): number => {
    const labelIds = category2labels(category)
      .filter((l) => !l.ignoreInEval && evalLabels.includes(l.id))
      .map((l) => l.id);
    if (labelIds.length === 0) return NaN;
    const tp = sum(labelIds, labelIds);
    const fn = sum(labelIds, all) - tp;
    const fp = sum(notIgnoredAndNotIn(category), labelIds);
    const denom = tp + fp + fn;
    return denom === 0 ? NaN : tp / denom;
  };
  const getInstanceIouScoreForCategory = (category: string): number => {
    const stats = instStats.categories.get(category);
    if (!stats) return NaN;
    const fp = sum(notIgnoredAndNotIn(category), stats.labelIds);
    const denom = stats.tpWeighted + fp + stats.fnWeighted;
    return denom === 0 ? NaN : stats.tpWeighted / denom;
  };
  const getScoreAverage = (scores: Record<string, number>): number => {
    const valid = Object.values(scores).filter((s) => !Number.isNaN(s));
    return valid.length === 0 ? NaN : valid.reduce((s, v) => s + v, 0) / valid.length;
  };

  const byName = <T>(keys: readonly T[], name: (key: T) => string, score: (key: T) => number) =>
    Object.fromEntries(keys.map((key) => [name(key), score(key)]));
  const labelName = (id: number): string => id2label.get(id)!.name;
  const classScores = byName(evalLabels, labelName, getIouScoreForLabel);
  const classInstScores = byName(evalLabels, labelName, getInstanceIouScoreForLabel);
  const categoryScores = byName(CATEGORIES, (c) => c, getIouScoreForCategory);
  const categoryInstScores = byName(CATEGORIES, (c) => c, getInstanceIouScoreForCategory);
  return {
    classScores,
    classInstScores,
    categoryScores,
    categoryInstScores,
    averageScoreClasses: getScoreAverage(classScores),
    averageScoreInstClasses: getScoreAverage(classInstScores),
    averageScoreCategories: getScoreAverage(categoryScores),
    averageScoreInstCategories: getScoreAverage(categoryInstScores),
  };
}
