import type { ImageRecord } from '../../../src/core';
import { RecordColumns } from '../../../src/extension/logic/recordColumns';

/** The columns the views sort and filter by, of these records in this order. */
export function columnsOf(records: readonly ImageRecord[]): RecordColumns {
  const columns = new RecordColumns();
  for (const record of records) columns.set(record);
  return columns;
}

/** A plausible record for tests of the extension's bookkeeping (values are not from a real image). */
export function fakeRecord(name: string, overrides: Partial<ImageRecord> = {}): ImageRecord {
  return {
    name,
    predictionFile: `/data/predictions/${name}.png`,
    labelFile: `/data/labels/${name}.png`,
    width: 4,
    height: 2,
    validPixels: 8,
    ce: 0.5,
    adaptive: 0.4,
    perScale: { '2': 0.45, '4': 0.35 },
    mergeEffect: 0.1,
    miou: 0.6,
    pixelAccuracy: 0.9,
    perClassIoU: [0.8, null, 0.4],
    largestHotSpot: {
      scale: 2,
      classId: 2,
      effect: 0.3,
      share: 0.01875,
      pixels: 2,
      windows: 1,
      box: { x: 2, y: 0, width: 2, height: 1 },
    },
    boundaryMiou: 0.55,
    perClassBoundaryIoU: [0.6, null, 0.5],
    meanAccuracy: 0.7,
    meanDice: 0.65,
    classesPresent: [0, 2],
    warnings: [],
    confusion: { counts: [5, 0, 1, 0, 0, 0, 1, 0, 1], unknown: [0, 0, 0] },
    boundary: { intersection: [3, 0, 1], union: [5, 0, 2] },
    ...overrides,
  };
}
