/** The hover readout: what the data says about the one pixel under the pointer. */
import type { ImageMessage } from '../../src/shared/protocol/inspector';
import { formatProbability, formatSigned, formatLoss, MISSING } from '../common/format';

export interface PixelReadout {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly predicted: string;
  readonly truthProbability: string;
  readonly pixelCost: string;
  readonly mergeEffect: string;
}

export const READOUT_FIELDS = [
  ['label', 'Label'],
  ['predicted', 'Predicted'],
  ['truthProbability', 'p(true class)'],
  ['pixelCost', 'Pixel cost'],
  ['mergeEffect', 'Merge effect'],
] as const satisfies readonly (readonly [keyof PixelReadout, string])[];

function className(image: ImageMessage, classId: number): string {
  if (classId >= 0 && classId < image.numClasses) {
    return `${image.classNames[classId] ?? 'class'} (${classId})`;
  }
  return `id ${classId} (outside 0..${image.numClasses - 1})`;
}

/** The readout for image pixel (x, y), or null when the point is outside the image. */
export function describePixel(image: ImageMessage, x: number, y: number): PixelReadout | null {
  const column = Math.floor(x);
  const row = Math.floor(y);
  if (column < 0 || row < 0 || column >= image.width || row >= image.height) {
    return null;
  }
  const pixel = row * image.width + column;
  const { label, predicted, truthProbability, pixelCost, mergeEffect } = image.layers;
  const labelId = label[pixel] ?? -1;
  const isVoid = labelId < 0;
  return {
    x: column,
    y: row,
    label: isVoid ? `void (ignore ${image.ignoreIndex})` : className(image, labelId),
    predicted: className(image, predicted[pixel] ?? -1),
    // On void pixels these quantities are excluded by the spec, so say so rather than print 0.
    truthProbability: isVoid ? MISSING : formatProbability(truthProbability[pixel] ?? 0),
    pixelCost: isVoid ? MISSING : formatLoss(pixelCost[pixel] ?? 0),
    mergeEffect: isVoid ? MISSING : formatSigned(mergeEffect[pixel] ?? 0),
  };
}

/** Fills the readout element built by dom.ts (one <dd data-field> per field). */
export function showReadout(container: HTMLElement, readout: PixelReadout | null): void {
  const position = container.querySelector<HTMLElement>('[data-field="position"]');
  if (position !== null) {
    position.textContent = readout === null ? 'Hover over the image' : `x ${readout.x}, y ${readout.y}`;
  }
  for (const [field] of READOUT_FIELDS) {
    const cell = container.querySelector<HTMLElement>(`[data-field="${field}"]`);
    if (cell !== null) {
      cell.textContent = readout === null ? '' : readout[field];
    }
  }
  container.classList.toggle('empty', readout === null);
}
