/** The hover readout: what the data says about the one pixel under the pointer. */
import type { ImageMessage } from '../../src/shared/protocol/inspector';
import { formatNats, formatProbability, formatSigned, formatLoss, MISSING } from '../common/format';

export interface PixelReadout {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly predicted: string;
  readonly truthProbability: string;
  readonly pixelCost: string;
  readonly mergeEffect: string;
  /** Soft predictions: top-1 probability, entropy and margin of the pixel ('' for a hard one: not shown). */
  readonly certainty: string;
  /** Soft predictions: "label: X, model: Y (p=…)" on a label-issue pixel. */
  readonly labelIssue: string;
  /** After agreement: "label: X → agreed: Y (k of N models)" on a likely label error. */
  readonly agreement: string;
}

export const READOUT_FIELDS = [
  ['label', 'Label'],
  ['predicted', 'Predicted'],
  ['truthProbability', 'p(true class)'],
  ['pixelCost', 'Pixel cost'],
  ['mergeEffect', 'Merge effect'],
  ['certainty', 'Certainty'],
  ['labelIssue', 'Label issue'],
  ['agreement', 'Other models'],
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
    certainty: certaintyText(image, pixel),
    labelIssue: labelIssueText(image, pixel),
    agreement: agreementText(image, pixel),
  };
}

const bareName = (image: ImageMessage, id: number): string =>
  id >= 0 && id < image.numClasses ? (image.classNames[id] ?? `class ${id}`) : `id ${id}`;

function certaintyText(image: ImageMessage, pixel: number): string {
  const { confidence, entropy, margin } = image.layers;
  if (confidence === undefined || entropy === undefined || margin === undefined) return '';
  return `top-1 p ${formatProbability(confidence[pixel] ?? 0)} · entropy ${formatNats(entropy[pixel] ?? 0)} nats · margin ${formatProbability(margin[pixel] ?? 0)}`;
}

function labelIssueText(image: ImageMessage, pixel: number): string {
  const mask = image.layers.labelIssues;
  if (mask === undefined) return '';
  if (mask[pixel] !== 1) return 'none here';
  const label = image.layers.label[pixel] ?? -1;
  const model = image.layers.predicted[pixel] ?? -1;
  const p = image.layers.confidence?.[pixel];
  const pLabel = image.layers.truthProbability[pixel] ?? 0;
  return `label: ${bareName(image, label)}, model: ${bareName(image, model)}${p === undefined ? '' : ` (p=${formatProbability(p)})`}; p(label)=${formatProbability(pLabel)}`;
}

function agreementText(image: ImageMessage, pixel: number): string {
  const agreement = image.agreement ?? null;
  if (agreement === null) return '';
  const agreed = agreement.agreedClass[pixel] ?? -1;
  if (agreed < 0) return 'no likely label error here';
  const label = image.layers.label[pixel] ?? -1;
  return `label: ${bareName(image, label)} → agreed: ${bareName(image, agreed)} (${agreement.votes[pixel] ?? 0} of ${agreement.models} models)`;
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
    // A field the image has no data for (soft-only, agreement-only) is left out, term and all.
    const absent = readout !== null && readout[field] === '';
    const term = container.querySelector<HTMLElement>(`[data-term="${field}"]`);
    if (term !== null) term.hidden = absent;
    if (cell !== null) cell.hidden = absent;
  }
  container.classList.toggle('empty', readout === null);
}
