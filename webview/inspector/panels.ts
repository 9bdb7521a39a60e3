/** Fills the text parts of the page from an image message: header metrics, class legend, colour bar. */
import {
  LAYER_NAMES,
  type HotSpotRegion,
  type ImageMessage,
  type IssueRegion,
  type LayerName,
  type PersistedLayerState,
} from '../../src/shared/protocol/inspector';
import { cssColor, divergingColor, LABEL_ISSUE_COLOR, LIKELY_LABEL_ERROR_COLOR } from '../common/colormap';
import {
  formatCount,
  formatIoU,
  formatLoss,
  formatPercent,
  formatProbability,
  formatSigned,
  formatThreshold,
} from '../common/format';
import type { InspectorDom } from '../common/dom';
import { isShown, LAYERS, type LegendItem } from './layerTable';
import { countBelow, ROBUST_PERCENTILE, type MergeEffectScale } from './layers';

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

export function showHeader(dom: InspectorDom, image: ImageMessage, sideBySide = false): void {
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
  if (image.datasetName !== undefined)
    metricEntry(dom.metrics, 'Dataset', image.datasetName, 'dataset', 'The dataset these classes and ids come from');
  if (image.labelsFolder !== undefined)
    metricEntry(dom.metrics, 'Labels', image.labelsFolder, 'labelsFolder', 'The folder of the ground-truth labels');
  metricEntry(dom.metrics, 'mIoU', formatPercent(metrics.miou), 'miou', 'Mean IoU over classes defined in this image');
  metricEntry(dom.metrics, 'Pixel acc.', formatPercent(metrics.pixelAccuracy), 'pixelAccuracy');
  if (image.comparison) {
    metricEntry(
      dom.metrics,
      'Model',
      `${sideBySide ? 'A | B' : image.comparison.shown.toUpperCase()} (B − A mIoU ${formatSigned(image.comparison.miouDelta, 3)})`,
      'model',
      'Which prediction folder is shown: side by side, or one pane flipped with b',
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
  if (image.options !== undefined) {
    // A line of its own (a dt/dd group in a div, as HTML allows in a dl): the long value wraps under
    // its own term instead of leaving "Options:" alone at the end of the figures' line.
    const line = document.createElement('div');
    line.className = 'metrics-line';
    dom.metrics.append(line);
    metricEntry(
      line,
      'Options',
      image.options,
      'options',
      'Every option these numbers were computed with (the seglens.* settings, or the dataset where it sets them)',
    );
  }
}

function classesInImage(image: ImageMessage): Set<number> {
  // Flags per class rather than a Set per pixel: a 2048×1024 frame is 4 million look-ups.
  const seen = new Uint8Array(image.numClasses);
  const { label, predicted } = image.layers;
  for (let p = 0; p < label.length; p++) {
    const labelId = label[p] ?? -1;
    const predictedId = predicted[p] ?? -1;
    if (labelId >= 0 && labelId < image.numClasses) seen[labelId] = 1;
    if (predictedId >= 0 && predictedId < image.numClasses) seen[predictedId] = 1;
  }
  const present = new Set<number>();
  for (let c = 0; c < seen.length; c++) if (seen[c] === 1) present.add(c);
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
    const change = image.comparison.perClassIoUDelta[classId] ?? null;
    delta.className = `iou-delta${change === null || Math.abs(change) < 0.0005 ? '' : change < 0 ? ' worse' : ' better'}`;
    delta.title = 'IoU of B − IoU of A on this image (red: B worse, green: B better)';
    delta.textContent = `Δ ${formatSigned(change, 3)}`;
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

/** How many hot spots are drawn and listed until "Show all" is pressed. */
export const HOT_SPOTS_SHOWN = 5;

/** The hot spots drawn and listed: the first HOT_SPOTS_SHOWN, or all of them. */
export function shownHotSpots(image: ImageMessage, showAll: boolean): readonly HotSpotRegion[] {
  return showAll ? image.hotSpots : image.hotSpots.slice(0, HOT_SPOTS_SHOWN);
}

/**
 * A hot spot in plain words, e.g. "sky, 4,364 px at 8×8: merging lowers the loss here by 2.4% of this
 * image's merge effect", and the same in the spec's terms for the tooltip.
 */
export function hotSpotWords(image: ImageMessage, spot: HotSpotRegion): { text: string; tooltip: string } {
  const name = image.classNames[spot.classId] ?? `class ${spot.classId}`;
  const verb = spot.effect > 0 ? 'lowers' : 'raises';
  const mean = image.metrics.mergeEffect;
  // share = effect / (valid pixels · scales): the region's part of the image's mean merge effect M̄.
  const part =
    mean !== null && mean > 0 ? ` by ${formatPercent(Math.abs(spot.share) / mean)} of this image's merge effect` : '';
  const k = `${spot.scale}×${spot.scale}`;
  return {
    text: `${name}, ${formatCount(spot.pixels)} px at ${k}: merging ${verb} the loss here${part}`,
    tooltip: [
      `Σ e_k over the region: ${formatSigned(spot.effect, 1)} nats (k = ${spot.scale}, ${spot.windows} windows)`,
      `share of M̄: ${formatSigned(spot.share, 4)} (M̄ = ${formatSigned(mean)})`,
      `box ${spot.box.width}×${spot.box.height} at (${spot.box.x}, ${spot.box.y})`,
    ].join('\n'),
  };
}

/** The engine's hot spots as a numbered list (the numbers drawn on the image); a click (or h / H) selects one. */
export function showHotSpots(
  dom: InspectorDom,
  image: ImageMessage,
  selected: number | null,
  select: (index: number) => void,
  showAll: boolean,
): void {
  const rows = shownHotSpots(image, showAll).map((spot, index) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `hot-spot ${spot.effect > 0 ? 'removes' : 'adds'}`;
    button.dataset.hotSpot = String(index);
    const number = document.createElement('span');
    number.className = 'hot-spot-number';
    number.textContent = String(index + 1);
    number.setAttribute('aria-hidden', 'true');
    const words = hotSpotWords(image, spot);
    const text = document.createElement('span');
    text.className = 'hot-spot-text';
    text.textContent = words.text;
    button.append(number, text);
    button.title = words.tooltip;
    button.setAttribute('aria-label', `Hot spot ${index + 1}: ${words.text}`);
    button.setAttribute('aria-pressed', String(index === selected));
    button.addEventListener('click', () => select(index));
    item.append(button);
    return item;
  });
  dom.hotSpots.replaceChildren(...rows);
  dom.hotSpotsEmpty.hidden = rows.length > 0;
  const hidden = image.hotSpots.length - HOT_SPOTS_SHOWN;
  dom.hotSpotsShowAll.hidden = hidden <= 0;
  dom.hotSpotsShowAll.textContent = showAll ? `Show the top ${HOT_SPOTS_SHOWN}` : `Show all ${image.hotSpots.length}`;
}

/** A colour bar with its two ends named under it (value, unit, meaning). */
function legendBar(item: Extract<LegendItem, { bar: readonly unknown[] }>): HTMLElement {
  const entry = document.createElement('li');
  entry.className = 'legend-bar';
  const text = document.createElement('span');
  text.className = 'legend-bar-title';
  text.textContent = item.text;
  const bar = document.createElement('span');
  bar.className = 'legend-gradient';
  bar.setAttribute('aria-hidden', 'true');
  // CSSOM, not a style attribute: the strict CSP allows this.
  bar.style.backgroundImage = `linear-gradient(to right, ${item.bar.map(cssColor).join(', ')})`;
  const ends = document.createElement('span');
  ends.className = 'legend-ends';
  const low = document.createElement('span');
  low.className = 'legend-low';
  low.textContent = item.low;
  const high = document.createElement('span');
  high.className = 'legend-high';
  high.textContent = item.high;
  ends.append(low, high);
  entry.append(text, bar, ends);
  return entry;
}

function legendEntry(item: LegendItem): HTMLElement {
  if ('bar' in item) return legendBar(item);
  const entry = document.createElement('li');
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  if (item.swatch === 'hatch') swatch.classList.add('hatch');
  else if (item.swatch === 'classes') swatch.classList.add('classes');
  else swatch.style.backgroundColor = cssColor(item.swatch);
  swatch.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
  text.textContent = item.text;
  entry.append(swatch, text);
  return entry;
}

/**
 * The layer toggles as the image allows: a layer without data is disabled and unchecked, and says why;
 * each layer's legend is shown while it is drawn; the colour bar only with the merge-effect layer.
 */
export function showLayerControls(
  dom: InspectorDom,
  image: ImageMessage | null,
  layers: Readonly<Record<LayerName, PersistedLayerState>>,
): void {
  for (const layer of LAYER_NAMES) {
    const control = dom.layerControls.get(layer);
    if (control === undefined) continue;
    const missing = image === null ? null : LAYERS[layer].missing(image);
    const shown = isShown(layer, layers[layer], image);
    control.toggle.checked = shown;
    control.toggle.disabled = missing !== null;
    // Said on the element too: a disabled control is exempt from the contrast rule, and axe reads this.
    control.toggle.setAttribute('aria-disabled', String(missing !== null));
    control.toggle.title = missing ?? '';
    control.row.classList.toggle('unavailable', missing !== null);
    control.opacity.value = String(Math.round(layers[layer].opacity * 100));
    control.opacity.disabled = !shown;
    const items = image === null ? [] : LAYERS[layer].legend(image);
    control.legend.replaceChildren(...items.map(legendEntry));
    control.legend.hidden = !shown || items.length === 0;
  }
  dom.colorBarSection.hidden = !isShown('mergeEffect', layers.mergeEffect, image);
}

/** The confidence slider as the image allows: disabled without a top-1 probability map, saying why. */
export function showConfidenceControl(dom: InspectorDom, image: ImageMessage | null, threshold: number): void {
  const { slider, value, hint, row } = dom.confidence;
  const available = image?.layers.confidence !== undefined;
  slider.disabled = !available;
  slider.setAttribute('aria-disabled', String(!available));
  slider.value = String(Math.round(threshold * 100));
  // The range runs 0–100 in steps of 0.01; a screen reader reads the probability, as the figure beside it.
  slider.setAttribute('aria-valuetext', formatThreshold(threshold));
  row.classList.toggle('unavailable', !available);
  hint.hidden = available;
  hint.textContent = available
    ? ''
    : 'Needs soft predictions (.npy probabilities or logits); this image has class ids only';
  const below = image === null || !available ? 0 : countBelow(image, threshold);
  const share = image === null || !available ? 0 : below / (image.width * image.height);
  // Without a probability map the slider greys nothing; the hint says why, a figure would only puzzle.
  value.textContent = !available
    ? ''
    : threshold > 0
      ? `${formatThreshold(threshold)}: ${formatCount(below)} px (${formatPercent(share)}) greyed`
      : `${formatThreshold(threshold)}: nothing greyed`;
}

/** One listed region: which evidence, label class → suggested class, its size. */
export interface ListedIssue {
  readonly evidence: 'soft' | 'agreement';
  readonly region: IssueRegion;
}

/** The label-issue regions (soft) and the likely-label-error regions (agreement), largest first within each. */
export function listedIssues(image: ImageMessage): ListedIssue[] {
  return [
    ...(image.labelIssues?.regions ?? []).map((region) => ({ evidence: 'soft' as const, region })),
    ...(image.agreement?.regions ?? []).map((region) => ({ evidence: 'agreement' as const, region })),
  ];
}

/** A region in plain words, e.g. "cat → dog, 1,234 px (model p(label) 0.0312)". */
export function issueWords(image: ImageMessage, issue: ListedIssue): string {
  const name = (id: number): string => image.classNames[id] ?? `class ${id}`;
  const { region } = issue;
  const head = `${name(region.labelClass)} → ${name(region.suggestedClass)}, ${formatCount(region.pixels)} px`;
  if (issue.evidence === 'soft') return `${head}: the model gives the label p = ${formatProbability(region.score)}`;
  const models = image.agreement?.models ?? 0;
  return `${head}: ${formatPercent(region.score, 0)} of ${models} models agree`;
}

export function showIssues(dom: InspectorDom, image: ImageMessage, select: (index: number) => void): void {
  const issues = listedIssues(image);
  const rows = issues.map((issue, index) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `issue-region ${issue.evidence}`;
    button.dataset.issue = String(index);
    button.dataset.evidence = issue.evidence;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.backgroundColor = cssColor(issue.evidence === 'soft' ? LABEL_ISSUE_COLOR : LIKELY_LABEL_ERROR_COLOR);
    swatch.setAttribute('aria-hidden', 'true');
    const text = document.createElement('span');
    text.textContent = issueWords(image, issue);
    button.append(swatch, text);
    const { box } = issue.region;
    button.title = `${issue.evidence === 'soft' ? 'Label issue (soft prediction)' : 'Likely label error (other models)'}; box ${box.width}×${box.height} at (${box.x}, ${box.y})`;
    button.addEventListener('click', () => select(index));
    item.append(button);
    return item;
  });
  dom.issues.list.replaceChildren(...rows);
  const hasData = image.labelIssues != null || image.agreement != null;
  dom.issues.section.hidden = !hasData;
  dom.issues.empty.hidden = rows.length > 0;
}

/** The panes' captions while comparing: which model, its folder and its mIoU on this image. */
export function showPaneCaptions(dom: InspectorDom, a: ImageMessage | null, b: ImageMessage | null): void {
  for (const [pane, image] of [
    [dom.panes.a, a],
    [dom.panes.b, b],
  ] as const) {
    const comparison = image?.comparison ?? null;
    pane.caption.hidden = comparison === null;
    if (image === null || comparison === null) continue;
    const model = comparison.shown.toUpperCase();
    const folder = comparison.shown === 'a' ? comparison.folders.a : comparison.folders.b;
    pane.caption.textContent = `${model} · ${folder} · mIoU ${formatPercent(image.metrics.miou)}`;
    pane.caption.title = folder;
  }
}

export function showStatus(dom: InspectorDom, text: string | null, kind: 'info' | 'error' = 'info'): void {
  dom.status.hidden = text === null;
  dom.status.textContent = text ?? '';
  dom.status.classList.toggle('error', kind === 'error');
}
