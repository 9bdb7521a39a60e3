/** Fills the text parts of the page from an image message: header metrics, class legend, colour bar. */
import type { HotSpot, ImageMessage } from '../../src/shared/protocol/inspector';
import { cssColor, divergingColor } from '../common/colormap';
import { formatIoU, formatLoss, formatPercent, formatSigned } from '../common/format';
import type { InspectorDom } from '../common/dom';
import { ROBUST_PERCENTILE, type MergeEffectScale } from './layers';

function metricEntry(list: HTMLElement, title: string, value: string, key: string, tooltip?: string): void {
  const term = document.createElement('dt');
  term.textContent = title;
  const detail = document.createElement('dd');
  detail.textContent = value;
  detail.dataset.metric = key;
  if (tooltip !== undefined) {
    term.title = tooltip;
    detail.title = tooltip;
  }
  list.append(term, detail);
}

export function showHeader(dom: InspectorDom, image: ImageMessage): void {
  dom.imageName.textContent = image.name;
  dom.imageName.title = image.name;
  const { index, total, list } = image.position;
  dom.position.textContent = `${index + 1} of ${total}${list !== undefined ? ` · ${list}` : ''}`;
  dom.position.title = list !== undefined ? `Next and Previous step through ${list}` : '';
  const { metrics } = image;
  const perScale = Object.entries(metrics.perScale)
    .map(([scale, loss]) => `L_${scale} = ${formatLoss(loss)}`)
    .join(', ');
  dom.metrics.replaceChildren();
  metricEntry(dom.metrics, 'CE', formatLoss(metrics.ce), 'ce', 'Pixel-wise cross-entropy');
  metricEntry(
    dom.metrics,
    'Adaptive',
    formatLoss(metrics.adaptive),
    'adaptive',
    perScale === '' ? 'Locally adaptive loss' : `Locally adaptive loss: ${perScale}`,
  );
  metricEntry(
    dom.metrics,
    'Merge effect',
    formatSigned(metrics.mergeEffect),
    'mergeEffect',
    'Mean of M over valid pixels (CE − adaptive loss for the v1 loss)',
  );
  metricEntry(
    dom.metrics,
    'Loss',
    image.lossVariant,
    'lossVariant',
    'Which locally adaptive loss produced these numbers: v1 (uniform pooling, m = 1), paper (Gaussian pooling, m = 5) or the settings spelled out',
  );
  metricEntry(dom.metrics, 'mIoU', formatPercent(metrics.miou), 'miou', 'Mean IoU over classes defined in this image');
  metricEntry(dom.metrics, 'Pixel acc.', formatPercent(metrics.pixelAccuracy), 'pixelAccuracy');
  if (image.comparison) {
    metricEntry(
      dom.metrics,
      'Model',
      `${image.comparison.shown.toUpperCase()} (B − A mIoU ${formatSigned(image.comparison.miouDelta, 3)})`,
      'model',
      'Which prediction folder is shown; the A|B button switches',
    );
  }
  const pair = image.confusionPair ?? null;
  if (pair !== null) {
    const { label, predicted } = image.layers;
    let count = 0;
    for (let p = 0; p < label.length; p++) if (label[p] === pair.label && predicted[p] === pair.predicted) count++;
    const names = `${image.classNames[pair.label] ?? pair.label} → ${image.classNames[pair.predicted] ?? pair.predicted}`;
    metricEntry(dom.metrics, 'Confusion', `${names}: ${count} px`, 'confusion', 'Pixels of this confusion-matrix cell');
  }
  if (image.options !== undefined)
    metricEntry(
      dom.metrics,
      'Options',
      image.options,
      'options',
      'Every option these numbers were computed with (the seglens.* settings, or the dataset where it sets them)',
    );
}

function classesInImage(image: ImageMessage): Set<number> {
  const present = new Set<number>();
  const { label, predicted } = image.layers;
  for (let p = 0; p < label.length; p++) {
    const labelId = label[p] ?? -1;
    const predictedId = predicted[p] ?? -1;
    if (labelId >= 0 && labelId < image.numClasses) {
      present.add(labelId);
    }
    if (predictedId >= 0 && predictedId < image.numClasses) {
      present.add(predictedId);
    }
  }
  return present;
}

function legendRow(image: ImageMessage, classId: number): HTMLElement {
  const row = document.createElement('div');
  row.className = 'legend-row';
  row.dataset.classId = String(classId);
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  // CSSOM, not a style attribute: the strict CSP (no 'unsafe-inline') allows this.
  swatch.style.backgroundColor = cssColor(image.classColors[classId] ?? [0, 0, 0]);
  const name = document.createElement('span');
  name.className = 'class-name';
  name.textContent = `${classId} ${image.classNames[classId] ?? ''}`;
  const iou = document.createElement('span');
  iou.className = 'iou';
  iou.textContent = formatIoU(image.metrics.perClassIoU[classId] ?? null);
  row.append(swatch, name, iou);
  if (image.comparison) {
    const delta = document.createElement('span');
    delta.className = 'iou-delta';
    delta.title = 'IoU of B − IoU of A on this image';
    delta.textContent = `Δ ${formatSigned(image.comparison.perClassIoUDelta[classId] ?? null, 3)}`;
    row.append(delta);
  }
  return row;
}

/** Classes in this image first; the rest folded away so a 150-class dataset stays readable. */
export function showLegend(dom: InspectorDom, image: ImageMessage): void {
  const present = classesInImage(image);
  const shown = document.createDocumentFragment();
  const folded = document.createElement('details');
  const summary = document.createElement('summary');
  folded.append(summary);
  let foldedCount = 0;
  for (let classId = 0; classId < image.numClasses; classId++) {
    if (present.has(classId)) {
      shown.append(legendRow(image, classId));
    } else {
      folded.append(legendRow(image, classId));
      foldedCount++;
    }
  }
  summary.textContent = `${foldedCount} ${foldedCount === 1 ? 'class' : 'classes'} not in this image`;
  dom.legend.replaceChildren(shown);
  if (foldedCount > 0) {
    dom.legend.append(folded);
  }
}

export function showColorBar(dom: InspectorDom, scale: MergeEffectScale): void {
  const { halfRange } = scale;
  const context = dom.colorBar.getContext('2d');
  if (context !== null) {
    const { width, height } = dom.colorBar;
    for (let x = 0; x < width; x++) {
      const value = ((x + 0.5) / width) * 2 * halfRange - halfRange;
      context.fillStyle = cssColor(divergingColor(value, halfRange));
      context.fillRect(x, 0, 1, height);
    }
  }
  dom.colorBarMin.textContent = formatSigned(-halfRange, 3);
  dom.colorBarMax.textContent = formatSigned(halfRange, 3);
  // Clamped values are drawn at the ends: the bar says so with arrows and a note.
  const clamped = scale.clamped > 0;
  dom.colorBarClampLow.hidden = !clamped;
  dom.colorBarClampHigh.hidden = !clamped;
  dom.colorScale.dataset.kind = scale.kind;
  const what =
    scale.kind === 'fixed'
      ? 'Fixed range from the extension'
      : scale.kind === 'robust'
        ? `Robust: ${Math.round(ROBUST_PERCENTILE * 100)}th percentile of |M|`
        : 'Full range: max |M|';
  dom.colorScale.textContent = clamped
    ? `${what}; ${scale.clamped} px beyond it (up to ±${Math.abs(scale.largest).toFixed(3)}) drawn at the ends.`
    : `${what}.`;
  dom.colorScaleToggle.textContent = scale.kind === 'robust' ? 'Show full range' : 'Show robust range';
  dom.colorScaleToggle.disabled = scale.kind === 'fixed';
}

function hotSpotText(image: ImageMessage, spot: HotSpot): string {
  const name = image.classNames[spot.classId] ?? `class ${spot.classId}`;
  const verb = spot.effect > 0 ? 'removes' : 'adds';
  // share = effect / (valid pixels · scales): what this region adds to the image's merge effect M̄.
  return `${name} · k=${spot.scale} · ${spot.pixels} px · merging ${verb} ${Math.abs(spot.effect).toFixed(1)} nats (${formatSigned(spot.share, 4)} of M̄)`;
}

/** The engine's hot spots as a list; a click (or h / H) selects one. */
export function showHotSpots(
  dom: InspectorDom,
  image: ImageMessage,
  selected: number | null,
  select: (index: number) => void,
): void {
  const rows = image.hotSpots.map((spot, index) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `hot-spot ${spot.effect > 0 ? 'removes' : 'adds'}`;
    button.dataset.hotSpot = String(index);
    button.textContent = hotSpotText(image, spot);
    button.title = `Box ${spot.box.width}×${spot.box.height} at (${spot.box.x}, ${spot.box.y}), ${spot.windows} windows`;
    button.setAttribute('aria-pressed', String(index === selected));
    button.addEventListener('click', () => select(index));
    item.append(button);
    return item;
  });
  dom.hotSpots.replaceChildren(...rows);
  dom.hotSpotsEmpty.hidden = rows.length > 0;
}

export function showStatus(dom: InspectorDom, text: string | null, kind: 'info' | 'error' = 'info'): void {
  dom.status.hidden = text === null;
  dom.status.textContent = text ?? '';
  dom.status.classList.toggle('error', kind === 'error');
}
