import type { ClassMap } from '../types';

/** How a dataset's files are turned into train ids; plain data for the worker threads. */
export interface IdMapping {
  /** label id → train id; ids past its end are void. Absent: files hold train ids already. */
  readonly labelToTrain?: readonly number[];
  readonly ignoreIndex: number;
  /** Encoding of label files whose name does not say it. */
  readonly labelIds: 'train' | 'label';
  /** Encoding of every prediction in the folder (decided once per folder). */
  readonly predictionIds: 'train' | 'label';
}

/** Rewrites label ids as train ids through a lookup table (a new array: the decoded map may be shared). */
export function toTrainIds(map: ClassMap, labelToTrain: readonly number[], ignoreIndex: number): ClassMap {
  const table = new Uint16Array(65536).fill(ignoreIndex);
  labelToTrain.forEach((trainId, labelId) => (table[labelId] = trainId));
  const ids = new Uint16Array(map.ids.length);
  for (let p = 0; p < ids.length; p++) ids[p] = table[map.ids[p]!]!;
  return { width: map.width, height: map.height, ids };
}

/** Applies the mapping when the file is in label ids; colour-decoded maps are already train ids. */
export function mapToTrain(
  map: ClassMap,
  encoding: 'train' | 'label' | 'color',
  mapping: IdMapping | undefined,
): ClassMap {
  if (!mapping?.labelToTrain || map.fromColors === true || encoding !== 'label') return map;
  return toTrainIds(map, mapping.labelToTrain, mapping.ignoreIndex);
}
