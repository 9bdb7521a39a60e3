/**
 * Builds the Inspector's page structure once at load and hands back the elements the rest of the
 * code updates. Only DOM APIs (no innerHTML), so class names and image names from the user's data
 * can never become markup.
 */
import { LAYER_NAMES, type LayerName } from '../../src/shared/protocol';
import { createButton, createCheckbox, type ButtonElement, type CheckboxElement } from './elements';
import { READOUT_FIELDS } from '../inspector/readout';
import { LAYERS } from '../inspector/layerTable';

/** One image pane: a caption (which model, while comparing) over a canvas filling the rest. */
export interface Pane {
  readonly pane: HTMLElement;
  readonly caption: HTMLElement;
  readonly host: HTMLElement;
  readonly canvas: HTMLCanvasElement;
}

export interface LayerControl {
  readonly row: HTMLElement;
  readonly toggle: CheckboxElement;
  readonly opacity: HTMLInputElement;
  /** What the layer's colours mean (filled per image, shown while the layer is on). */
  readonly legend: HTMLElement;
}

export interface InspectorDom {
  readonly imageName: HTMLElement;
  readonly position: HTMLElement;
  readonly metrics: HTMLElement;
  readonly status: HTMLElement;
  readonly previous: ButtonElement;
  readonly next: ButtonElement;
  readonly resetView: ButtonElement;
  /** The A|B switch, hidden unless two prediction folders are compared. */
  readonly switchModel: ButtonElement;
  readonly stage: HTMLElement;
  /** Model A's pane (the only one unless comparing side by side) and model B's. */
  readonly canvas: HTMLCanvasElement;
  readonly canvasB: HTMLCanvasElement;
  readonly panes: { readonly a: Pane; readonly b: Pane };
  /** Side by side or one pane, shown only while comparing. */
  readonly compareLayout: ButtonElement;
  readonly layerControls: ReadonlyMap<LayerName, LayerControl>;
  readonly colorBar: HTMLCanvasElement;
  readonly colorBarMin: HTMLElement;
  readonly colorBarMax: HTMLElement;
  readonly colorBarClampLow: HTMLElement;
  readonly colorBarClampHigh: HTMLElement;
  /** Says which colour scale is in effect (robust, full or fixed). */
  readonly colorScale: HTMLElement;
  readonly colorScaleToggle: ButtonElement;
  readonly hotSpots: HTMLOListElement;
  readonly hotSpotsEmpty: HTMLElement;
  /** "Show all n" / "Show the top 5": how many hot spots are drawn and listed. */
  readonly hotSpotsShowAll: ButtonElement;
  /** The colour-bar section: shown only while the merge-effect layer is on. */
  readonly colorBarSection: HTMLElement;
  readonly legend: HTMLElement;
  readonly readout: HTMLElement;
  /** Greys out pixels whose top-1 probability is below it (soft predictions only). */
  readonly confidence: ConfidenceControl;
  /** The label-issue and likely-label-error regions, listed; a click zooms to one. */
  readonly issues: IssueListDom;
}

export interface ConfidenceControl {
  readonly row: HTMLElement;
  readonly slider: HTMLInputElement;
  /** The threshold and how many pixels it greys out, as text. */
  readonly value: HTMLOutputElement;
  /** Why the slider is disabled, when it is. */
  readonly hint: HTMLElement;
}

export interface IssueListDom {
  readonly section: HTMLElement;
  readonly list: HTMLOListElement;
  readonly empty: HTMLElement;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== undefined) {
    created.className = className;
  }
  if (text !== undefined) {
    created.textContent = text;
  }
  return created;
}

function buildHeader(): Pick<
  InspectorDom,
  'imageName' | 'position' | 'metrics' | 'previous' | 'next' | 'resetView' | 'switchModel' | 'compareLayout'
> & {
  header: HTMLElement;
} {
  const header = element('header', 'inspector-header');
  const title = element('div', 'title');
  const imageName = element('h1', 'image-name', 'No image yet');
  imageName.id = 'image-name';
  const position = element('span', 'position');
  position.id = 'position';
  title.append(imageName, position);
  const metrics = element('dl', 'metrics');
  metrics.id = 'metrics';
  const navigation = element('div', 'navigation');
  const previous = createButton('Previous', { secondary: true, title: 'Previous hard example (p or ←)' });
  previous.id = 'previous';
  const next = createButton('Next', { title: 'Next hard example (n or →)' });
  next.id = 'next';
  const resetView = createButton('Reset view', {
    secondary: true,
    title: 'Fit the image to the panel (r or double-click)',
  });
  resetView.id = 'reset-view';
  const switchModel = createButton('Flip A/B', {
    secondary: true,
    title: 'One pane, flipping between model A and model B (b)',
  });
  switchModel.id = 'switch-model';
  switchModel.hidden = true;
  const compareLayout = createButton('Side by side', {
    secondary: true,
    title: 'A and B side by side with one zoom and pan, or one pane (v)',
  });
  compareLayout.id = 'compare-layout';
  compareLayout.hidden = true;
  navigation.append(previous, next, resetView, compareLayout, switchModel);
  header.append(title, metrics, navigation);
  return { header, imageName, position, metrics, previous, next, resetView, switchModel, compareLayout };
}

function buildLayerControls(): { section: HTMLElement; controls: Map<LayerName, LayerControl> } {
  const section = element('section', 'layers');
  section.append(element('h2', undefined, 'Layers'));
  const controls = new Map<LayerName, LayerControl>();
  for (const layer of LAYER_NAMES) {
    const row = element('div', 'layer-row');
    row.dataset.layer = layer;
    const label = LAYERS[layer].label;
    const toggle = createCheckbox(label, false);
    toggle.dataset.layer = layer;
    const opacity = element('input', 'opacity');
    opacity.type = 'range';
    opacity.min = '0';
    opacity.max = '100';
    opacity.step = '1';
    opacity.dataset.layer = layer;
    opacity.setAttribute('aria-label', `${label} opacity`);
    const legend = element('ul', 'layer-legend');
    legend.dataset.layer = legend.dataset.legend = layer;
    legend.setAttribute('aria-label', `${label} legend`);
    row.append(toggle, opacity, legend);
    section.append(row);
    controls.set(layer, { row, toggle, opacity, legend });
  }
  return { section, controls };
}

/** The confidence threshold: a labelled native range (arrow keys step it by 0.01, Page keys by 0.1). */
function buildConfidenceControl(): ConfidenceControl {
  const row = element('div', 'confidence-row');
  const label = element('label', 'confidence-label', 'Grey out pixels with top-1 probability below');
  label.htmlFor = 'confidence-threshold';
  const slider = element('input', 'confidence-slider');
  slider.id = 'confidence-threshold';
  slider.type = 'range';
  slider.min = '0';
  slider.max = '100';
  slider.step = '1';
  slider.value = '0';
  const value = element('output', 'confidence-value');
  value.id = 'confidence-value';
  value.htmlFor.add('confidence-threshold');
  const hint = element('p', 'hint confidence-hint');
  hint.id = 'confidence-hint';
  hint.hidden = true;
  slider.setAttribute('aria-describedby', 'confidence-value confidence-hint');
  row.append(label, slider, value, hint);
  return { row, slider, value, hint };
}

function buildIssueList(): IssueListDom {
  const section = element('section', 'issues-section');
  section.append(element('h2', undefined, 'Label issues'));
  section.append(
    element(
      'p',
      'hint',
      'Regions whose label the evidence doubts: label class → the class the model (or the other models) see. Click to zoom.',
    ),
  );
  const list = element('ol', 'issue-regions');
  list.id = 'issue-regions';
  const empty = element('p', 'hint', 'No label issues in this image.');
  empty.id = 'issue-regions-empty';
  section.append(list, empty);
  return { section, list, empty };
}

function buildColorBar(): Pick<
  InspectorDom,
  | 'colorBar'
  | 'colorBarMin'
  | 'colorBarMax'
  | 'colorBarClampLow'
  | 'colorBarClampHigh'
  | 'colorScale'
  | 'colorScaleToggle'
> & { section: HTMLElement } {
  const section = element('section', 'color-bar');
  section.append(element('h2', undefined, 'Merge effect'));
  const colorBar = element('canvas');
  colorBar.id = 'color-bar';
  colorBar.width = 256;
  colorBar.height = 12;
  colorBar.setAttribute('aria-hidden', 'true');
  const ticks = element('div', 'ticks');
  const colorBarMin = element('span', 'min');
  const zero = element('span', 'zero', '0');
  const colorBarMax = element('span', 'max');
  const colorBarClampLow = element('span', 'clamp low', '◀');
  colorBarClampLow.title = 'Values below this end are clamped to it';
  const colorBarClampHigh = element('span', 'clamp high', '▶');
  colorBarClampHigh.title = 'Values above this end are clamped to it';
  colorBarClampLow.hidden = true;
  colorBarClampHigh.hidden = true;
  const low = element('span', 'end');
  low.append(colorBarClampLow, colorBarMin);
  const high = element('span', 'end');
  high.append(colorBarMax, colorBarClampHigh);
  ticks.append(low, zero, high);
  const colorScale = element('p', 'color-scale');
  colorScale.id = 'color-scale';
  const colorScaleToggle = createButton('Show full range', {
    secondary: true,
    title: 'Switch the merge-effect colours between a robust range and the full range (s)',
  });
  colorScaleToggle.id = 'color-scale-toggle';
  const explanation = element(
    'p',
    'hint',
    'Red: wrong where its same-class neighbours are right, so merging the region lowers the loss. Blue: right while its neighbours are wrong, so merging raises it.',
  );
  section.append(colorBar, ticks, colorScale, colorScaleToggle, explanation);
  return {
    section,
    colorBar,
    colorBarMin,
    colorBarMax,
    colorBarClampLow,
    colorBarClampHigh,
    colorScale,
    colorScaleToggle,
  };
}

function buildHotSpots(): {
  section: HTMLElement;
  hotSpots: HTMLOListElement;
  hotSpotsEmpty: HTMLElement;
  hotSpotsShowAll: ButtonElement;
} {
  const section = element('section', 'hot-spots-section');
  section.append(element('h2', undefined, 'Hot spots'));
  section.append(
    element(
      'p',
      'hint',
      'Where the model is wrong in small patches its neighbours get right (numbered on the merge-effect layer). Click to zoom; h / H step through them.',
    ),
  );
  const hotSpots = element('ol', 'hot-spots');
  hotSpots.id = 'hot-spots';
  const hotSpotsEmpty = element('p', 'hint', 'Merging changes nothing in this image.');
  hotSpotsEmpty.hidden = true;
  const hotSpotsShowAll = createButton('Show all', {
    secondary: true,
    title: 'Draw and list every hot spot, or only the largest',
  });
  hotSpotsShowAll.id = 'hot-spots-show-all';
  hotSpotsShowAll.hidden = true;
  section.append(hotSpots, hotSpotsEmpty, hotSpotsShowAll);
  return { section, hotSpots, hotSpotsEmpty, hotSpotsShowAll };
}

function buildPane(model: 'a' | 'b'): Pane {
  const pane = element('div', 'pane');
  pane.dataset.model = model;
  const caption = element('p', 'pane-caption');
  caption.id = `pane-caption-${model}`;
  caption.hidden = true;
  const host = element('div', 'pane-canvas');
  const canvas = element('canvas');
  canvas.id = model === 'a' ? 'canvas' : 'canvas-b';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    model === 'a'
      ? 'Image with overlays; drag to pan, wheel to zoom'
      : 'Model B: the same image with overlays, zoomed and panned with model A',
  );
  host.append(canvas);
  pane.append(caption, host);
  return { pane, caption, host, canvas };
}

function buildReadout(): HTMLElement {
  const readout = element('dl', 'readout empty');
  readout.id = 'readout';
  readout.setAttribute('aria-live', 'polite');
  const position = element('dd', 'readout-position');
  position.dataset.field = 'position';
  position.textContent = 'Hover over the image';
  readout.append(position);
  for (const [field, title] of READOUT_FIELDS) {
    const cell = element('dd');
    cell.dataset.field = field;
    const term = element('dt', undefined, title);
    term.dataset.term = field;
    readout.append(term, cell);
  }
  return readout;
}

export function buildInspectorDom(root: HTMLElement): InspectorDom {
  const header = buildHeader();
  const status = element('div', 'status');
  status.id = 'status';
  status.setAttribute('role', 'status');
  status.hidden = true;

  const stage = element('div', 'stage');
  stage.id = 'stage';
  const panes = { a: buildPane('a'), b: buildPane('b') };
  panes.b.pane.hidden = true;
  stage.append(panes.a.pane, panes.b.pane);

  const sidebar = element('aside', 'sidebar');
  const layers = buildLayerControls();
  const colorBar = buildColorBar();
  const legendSection = element('section', 'legend-section');
  legendSection.append(element('h2', undefined, 'Classes (IoU in this image)'));
  const legend = element('div', 'legend');
  legend.id = 'legend';
  legendSection.append(legend);
  const hotSpots = buildHotSpots();
  const confidence = buildConfidenceControl();
  layers.section.append(confidence.row);
  const issues = buildIssueList();
  sidebar.append(layers.section, colorBar.section, hotSpots.section, issues.section, legendSection);

  const body = element('div', 'body');
  body.append(stage, sidebar);
  const readout = buildReadout();
  root.append(header.header, status, body, readout);

  return {
    imageName: header.imageName,
    position: header.position,
    metrics: header.metrics,
    previous: header.previous,
    next: header.next,
    resetView: header.resetView,
    switchModel: header.switchModel,
    compareLayout: header.compareLayout,
    status,
    stage,
    canvas: panes.a.canvas,
    canvasB: panes.b.canvas,
    panes,
    layerControls: layers.controls,
    colorBar: colorBar.colorBar,
    colorBarMin: colorBar.colorBarMin,
    colorBarMax: colorBar.colorBarMax,
    colorBarClampLow: colorBar.colorBarClampLow,
    colorBarClampHigh: colorBar.colorBarClampHigh,
    colorScale: colorBar.colorScale,
    colorScaleToggle: colorBar.colorScaleToggle,
    hotSpots: hotSpots.hotSpots,
    hotSpotsEmpty: hotSpots.hotSpotsEmpty,
    hotSpotsShowAll: hotSpots.hotSpotsShowAll,
    colorBarSection: colorBar.section,
    legend,
    readout,
    confidence,
    issues,
  };
}
