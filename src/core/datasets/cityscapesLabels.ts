/**
 * The official Cityscapes label table (cityscapesscripts/helpers/labels.py): label id, train id
 * (255 = not evaluated) and colour. Label files (`_gtFine_labelIds`) and official submissions are
 * written in label ids; training code and `_gtFine_labelTrainIds` use the 19 train ids.
 */
export const CITYSCAPES_LABELS: readonly (readonly [
  labelId: number,
  trainId: number,
  color: readonly [number, number, number],
])[] = [
  [0, 255, [0, 0, 0]], // unlabeled
  [1, 255, [0, 0, 0]], // ego vehicle
  [2, 255, [0, 0, 0]], // rectification border
  [3, 255, [0, 0, 0]], // out of roi
  [4, 255, [0, 0, 0]], // static
  [5, 255, [111, 74, 0]], // dynamic
  [6, 255, [81, 0, 81]], // ground
  [7, 0, [128, 64, 128]], // road
  [8, 1, [244, 35, 232]], // sidewalk
  [9, 255, [250, 170, 160]], // parking
  [10, 255, [230, 150, 140]], // rail track
  [11, 2, [70, 70, 70]], // building
  [12, 3, [102, 102, 156]], // wall
  [13, 4, [190, 153, 153]], // fence
  [14, 255, [180, 165, 180]], // guard rail
  [15, 255, [150, 100, 100]], // bridge
  [16, 255, [150, 120, 90]], // tunnel
  [17, 5, [153, 153, 153]], // pole
  [18, 255, [153, 153, 153]], // polegroup (pole's colour: decoded as pole)
  [19, 6, [250, 170, 30]], // traffic light
  [20, 7, [220, 220, 0]], // traffic sign
  [21, 8, [107, 142, 35]], // vegetation
  [22, 9, [152, 251, 152]], // terrain
  [23, 10, [70, 130, 180]], // sky
  [24, 11, [220, 20, 60]], // person
  [25, 12, [255, 0, 0]], // rider
  [26, 13, [0, 0, 142]], // car
  [27, 14, [0, 0, 70]], // truck
  [28, 15, [0, 60, 100]], // bus
  [29, 255, [0, 0, 90]], // caravan
  [30, 255, [0, 0, 110]], // trailer
  [31, 16, [0, 80, 100]], // train
  [32, 17, [0, 0, 230]], // motorcycle
  [33, 18, [119, 11, 32]], // bicycle
];

/** labelId → trainId, indexed by label id (34 entries; larger ids are void). */
export const CITYSCAPES_LABEL_TO_TRAIN: readonly number[] = CITYSCAPES_LABELS.map(([, trainId]) => trainId);

/** Colours of the labels that are not evaluated, minus those a train class already uses. */
export function cityscapesVoidColors(): (readonly [number, number, number])[] {
  const trainColors = new Set(
    CITYSCAPES_LABELS.filter(([, t]) => t !== 255).map(([, , [r, g, b]]) => `${r},${g},${b}`),
  );
  const seen = new Set<string>();
  const colors: (readonly [number, number, number])[] = [];
  for (const [, trainId, color] of CITYSCAPES_LABELS) {
    const key = color.join(',');
    if (trainId !== 255 || trainColors.has(key) || seen.has(key)) continue;
    seen.add(key);
    colors.push(color);
  }
  return colors;
}
