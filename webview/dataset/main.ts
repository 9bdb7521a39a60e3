/**
 * Entry point of the dataset panel (bundled to dist/dataset.js): the dataset figures, the pooled
 * confusion matrix with its class names, legend, order and top confusions, the drill-down from a cell
 * to the images holding its pixels, the reliability diagram of soft predictions and the per-class
 * table. Every host message is checked with the shared protocol first.
 */
import {
  CELL_SIZE_RANGE,
  DATASET_FIGURES,
  DEFAULT_DATASET_STATE,
  MATRIX_ORDERS,
  EMBEDDED_DATA_ELEMENT_ID,
  parseDatasetState,
  parseEmbeddedDataset,
  parseHostToDatasetMessage,
  type CellImagesMessage,
  type ConfusionPair,
  type DatasetMessage,
  type DatasetToHostMessage,
  type PersistedDatasetState,
} from '../../src/shared/protocol/dataset';
import { cssColor } from '../common/colormap';
import { button, element } from '../common/element';
import { formatCount, formatPercent } from '../common/format';
import { SHOWN_MARKS } from '../../src/shared/shownMarks';
import { markShownAfterNextFrame } from '../common/shownMark';
import { renderClassTable } from './classTable';
import { cellCount, classTotals, matrixClasses, rowShare, topConfusions, type ClassTotals } from './classes';
import { cellColor, drawMatrix, GRID_MIN_CELL, positionAt, showsValues, type MatrixColors } from './matrix';
import { buildMatrixView, NAMES_MIN_CELL } from './matrixView';
import { reliabilityDiagram, reliabilityTable } from './reliability';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Entries of the top-confusions list. */
const TOP_CONFUSIONS = 20;
/** The automatic cell size: large enough for the names, small enough for a few classes to fit. */
const AUTO_CELL = { min: 12, max: 36 } as const;
/** Widths in dataset.css: the top-confusions list with its gap, the row names' limit, the body's padding and the y-axis title. */
const TOP_CONFUSIONS_WIDTH = 320 + 24;
const ROW_NAMES_MAX_WIDTH = 180;
const PAGE_SIDE_MARGINS = 32 + 24 + 16;

const api = acquireVsCodeApi();
const post = (message: DatasetToHostMessage): void => api.postMessage(message);
let state: PersistedDatasetState = parseDatasetState(api.getState()) ?? DEFAULT_DATASET_STATE;
let data: DatasetMessage | null = null;
let totals: ClassTotals | null = null;
/** Class ids along both axes, in the chosen order. */
let classes: number[] = [];
let cellSize: number = AUTO_CELL.min;
/** The matrix colours of the current theme (read from its CSS variables once per data or theme change). */
let colors: MatrixColors | null = null;
/** The class names' font, read once per theme for measuring names on a canvas. */
let nameFont: string | null = null;
/** The keyboard cursor on the matrix (the selection follows Enter or a click). */
let focus: ConfusionPair | null = state.selected;

const root = document.getElementById('dataset') ?? document.body;
const heading = element('h1', 'dataset-title', 'Dataset');
const summary = element('dl', 'dataset-summary');
summary.id = 'dataset-summary';
const status = element('p', 'status');
status.id = 'status';
status.setAttribute('role', 'status');
const view = buildMatrixView();
const cellHeading = element('h3', undefined, 'Images of the selected cell');
cellHeading.id = 'cell-heading';
const cellList = element('ol', 'cell-images');
cellList.id = 'cell-images';
cellList.append(element('li', 'empty', 'Click a cell or a top confusion to list its images.'));
const cellSection = element('section', 'cell-section');
cellSection.setAttribute('aria-labelledby', 'cell-heading');
cellSection.append(cellHeading, cellList);
view.topList.parentElement?.append(cellSection);

const calibrationSection = element('section', 'calibration-section');
calibrationSection.setAttribute('aria-labelledby', 'calibration-heading');
const calibrationHeading = element('h2', undefined, 'Calibration');
calibrationHeading.id = 'calibration-heading';
const calibrationBody = element('div', 'calibration-body');
calibrationBody.id = 'calibration';
calibrationSection.append(calibrationHeading, calibrationBody);

const tableSection = element('section', 'table-section');
tableSection.setAttribute('aria-labelledby', 'table-heading');
const tableHeading = element('h2', undefined, 'Per class (pooled over the images)');
tableHeading.id = 'table-heading';
const tableHidden = element('p', 'hidden-classes');
const tableHiddenNote = element('span');
tableHiddenNote.id = 'table-hidden';
const tableHiddenToggle = button('link-button', 'show');
tableHiddenToggle.id = 'table-hidden-toggle';
tableHidden.append(tableHiddenNote, tableHiddenToggle);
const table = element('table', 'class-table');
table.id = 'class-table';
tableSection.append(tableHeading, tableHidden, table);

function themeColor(name: string, fallback: [number, number, number]): [number, number, number] {
  const probe = element('span');
  probe.style.color = `var(${name}, rgb(${fallback.join(', ')}))`;
  document.body.append(probe);
  const match = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color);
  probe.remove();
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : fallback;
}

function matrixColors(): MatrixColors {
  const background = themeColor('--vscode-editor-background', [30, 30, 30]);
  const full = themeColor('--vscode-charts-blue', [55, 148, 255]);
  return { background, full };
}

function saveState(next: PersistedDatasetState): void {
  state = next;
  api.setState(state);
}

function className(id: number): string {
  return data?.classNames[id] ?? `class ${id}`;
}

function describeCell(pair: ConfusionPair): string {
  if (data === null || totals === null) return '';
  const share = rowShare(data, totals.labels, pair);
  return `${className(pair.label)} → ${className(pair.predicted)}: ${formatCount(cellCount(data, pair))} px (${formatPercent(share)} of ${className(pair.label)})`;
}

// ----------------------------------------------------------------------------------- the matrix

/** Widest class name in px at the names' font, measured on a canvas (no page layout forced). */
function widestName(): number {
  const context = document.createElement('canvas').getContext('2d');
  if (context === null) return ROW_NAMES_MAX_WIDTH;
  context.font = nameFont ?? `11px ${getComputedStyle(document.body).fontFamily}`;
  return Math.max(0, ...classes.map((c) => context.measureText(className(c)).width));
}

/**
 * The cell size that fits the matrix beside the top-confusions list and a few rows on one screen,
 * at least `minimum`. From the window's size and the names' widths, without asking the page for a
 * layout (which would lay out every name twice).
 */
function fittedCellSize(minimum: number): number {
  // The height left under the summary, the toolbar, the legend and the column names.
  const height = window.innerHeight - 320;
  const count = Math.max(1, classes.length);
  // Many classes: the height alone gives the minimum, whatever the names' width (measuring 171 names
  // on a canvas costs about 30 ms before the first frame).
  if (Math.floor(height / count) <= minimum) return minimum;
  const width =
    window.innerWidth - PAGE_SIDE_MARGINS - TOP_CONFUSIONS_WIDTH - Math.min(ROW_NAMES_MAX_WIDTH, widestName() + 8);
  // The height left under the summary, the toolbar, the legend and the column names.
  return Math.max(minimum, Math.min(AUTO_CELL.max, Math.floor(Math.min(width, height) / count)));
}

function showLabels(): void {
  const make = (c: number, kind: string): HTMLElement => {
    const label = element('div', kind, className(c));
    label.title = className(c);
    label.dataset.classId = String(c);
    return label;
  };
  view.rowLabels.replaceChildren(...classes.map((c) => make(c, 'row-label')));
  view.columnLabels.replaceChildren(...classes.map((c) => make(c, 'column-label')));
}

function redraw(): void {
  if (data === null || totals === null) return;
  view.figure.style.setProperty('--cell', `${cellSize}px`);
  view.figure.style.setProperty('--label-font', `${Math.min(11, cellSize - 1)}px`);
  const namesHidden = cellSize < NAMES_MIN_CELL;
  view.figure.classList.toggle('names-hidden', namesHidden);
  view.namesNote.hidden = !namesHidden;
  view.cellSizeText.textContent = `${cellSize} px`;
  view.legendValues.textContent = showsValues({ classes, cellSize })
    ? 'Numbers in the cells: that share in % (<1: under 0.5%; empty: no pixel).'
    : 'Cells too small for numbers: hover a cell or zoom in (+).';
  colors ??= matrixColors();
  view.figure.classList.toggle('grid-lines', cellSize >= GRID_MIN_CELL);
  drawMatrix(
    { cells: view.canvas, values: view.values, focusBox: view.focusBox },
    data,
    totals.labels,
    { classes, cellSize },
    colors,
    focus,
  );
}

function layoutMatrix(): void {
  if (data === null || totals === null) return;
  classes = matrixClasses(totals, data.classFigures.perClassIoU ?? [], state.order, state.showEmptyClasses);
  showLabels();
  cellSize = state.cellSize ?? fittedCellSize(AUTO_CELL.min);
  showHiddenCounts();
  redraw();
  if (view.tableDetails.open) showMatrixTable();
}

function showHiddenCounts(): void {
  if (data === null || totals === null) return;
  const empty = data.numClasses - matrixClasses(totals, [], 'id', false).length;
  const words = `${empty} ${empty === 1 ? 'class' : 'classes'} with no pixels`;
  for (const [note, toggle] of [
    [view.hiddenNote, view.hiddenToggle],
    [tableHiddenNote, tableHiddenToggle],
  ] as const) {
    note.parentElement?.toggleAttribute('hidden', empty === 0);
    note.textContent = state.showEmptyClasses ? `${words} shown — ` : `${words} hidden — `;
    toggle.textContent = state.showEmptyClasses ? 'hide' : 'show';
  }
}

function showLegend(): void {
  colors = matrixColors();
  view.legendEmpty.style.backgroundColor = cssColor(cellColor(0, colors));
  view.legendGradient.style.background = `linear-gradient(to right, ${cssColor(cellColor(1e-9, colors))}, ${cssColor(cellColor(1, colors))})`;
}

const topConfusionKey = (cell: ConfusionPair): string => `${cell.label}:${cell.predicted}`;

/** A top-confusions entry: its item is keyed by its cell, so an update can keep it (see showTopConfusions). */
function topConfusionItem(cell: ConfusionPair): HTMLLIElement {
  const item = element('li');
  item.dataset.key = topConfusionKey(cell);
  const entry = button('top-confusion', '');
  entry.dataset.label = String(cell.label);
  entry.dataset.predicted = String(cell.predicted);
  entry.append(element('span', 'names'), element('span', 'count'), element('span', 'share'));
  entry.addEventListener('click', () => select({ label: cell.label, predicted: cell.predicted }));
  item.append(entry);
  return item;
}

/**
 * The list is updated in place while a run sends new counts every half second: an entry keeps its
 * button while its cell stays in the top, so a click in progress lands, keyboard focus stays and the
 * selected cell stays pressed; entries move only when the order changes.
 */
function showTopConfusions(message: DatasetMessage): void {
  const labels = totals?.labels ?? new Float64Array(0);
  const top = topConfusions(message, TOP_CONFUSIONS);
  const shown = new Map<string, HTMLLIElement>();
  for (const item of view.topList.querySelectorAll<HTMLLIElement>(':scope > li')) {
    if (item.dataset.key !== undefined) shown.set(item.dataset.key, item);
  }
  const items = top.map((cell) => {
    const item = shown.get(topConfusionKey(cell)) ?? topConfusionItem(cell);
    const entry = item.querySelector<HTMLElement>('.top-confusion')!;
    const [names, count, share] = entry.children;
    names!.textContent = `${className(cell.label)} → ${className(cell.predicted)}`;
    count!.textContent = `${formatCount(cell.count)} px`;
    share!.textContent = formatPercent(rowShare(message, labels, cell));
    entry.title = `${describeCell(cell)}. Click to list its images.`;
    const selected = state.selected !== null && topConfusionKey(state.selected) === topConfusionKey(cell);
    entry.setAttribute('aria-pressed', String(selected));
    return item;
  });
  const current = [...view.topList.children];
  const unchanged = items.length === current.length && items.every((item, i) => current[i] === item);
  if (unchanged) return;
  const focused = document.activeElement;
  view.topList.replaceChildren(...items);
  if (focused instanceof HTMLElement && focused !== document.body && view.topList.contains(focused)) focused.focus();
  if (top.length === 0)
    view.topList.append(element('li', 'empty', 'No confusion: every pixel is predicted as its label.'));
}

function showMatrixTable(): void {
  if (data === null) return;
  const head = element('tr');
  head.append(element('td', undefined, 'label ↓ / prediction →'));
  for (const c of classes) head.append(Object.assign(element('th', undefined, className(c)), { scope: 'col' }));
  const rows = classes.map((label) => {
    const row = element('tr');
    row.append(Object.assign(element('th', undefined, className(label)), { scope: 'row' }));
    for (const predicted of classes)
      row.append(element('td', 'numeric', formatCount(cellCount(data!, { label, predicted }))));
    return row;
  });
  const thead = element('thead');
  thead.append(head);
  const tbody = element('tbody');
  tbody.append(...rows);
  view.table.replaceChildren(thead, tbody);
}

function select(pair: ConfusionPair): void {
  focus = pair;
  saveState({ ...state, selected: pair });
  cellHeading.textContent = `Images with ${className(pair.label)} predicted as ${className(pair.predicted)}`;
  cellList.replaceChildren(element('li', 'loading', 'Loading…'));
  for (const entry of view.topList.querySelectorAll<HTMLElement>('.top-confusion'))
    entry.setAttribute(
      'aria-pressed',
      String(entry.dataset.label === String(pair.label) && entry.dataset.predicted === String(pair.predicted)),
    );
  post({ type: 'selectCell', pair });
  redraw();
}

function zoom(factor: number): void {
  const next = Math.max(CELL_SIZE_RANGE.min, Math.min(CELL_SIZE_RANGE.max, Math.round(cellSize * factor)));
  saveState({ ...state, cellSize: next === cellSize ? next + Math.sign(factor - 1) : next });
  cellSize = Math.max(CELL_SIZE_RANGE.min, Math.min(CELL_SIZE_RANGE.max, state.cellSize ?? cellSize));
  redraw();
}

function fitWidth(): void {
  saveState({ ...state, cellSize: Math.max(CELL_SIZE_RANGE.min, fittedCellSize(CELL_SIZE_RANGE.min)) });
  cellSize = state.cellSize ?? cellSize;
  redraw();
}

// ----------------------------------------------------------------------------------- the rest

function showSummary(message: DatasetMessage): void {
  heading.textContent = `Dataset: ${message.title}`;
  const entries: [string, string, string, string][] = [
    ['images', formatCount(message.images), 'images', 'evaluated image pairs'],
  ];
  for (const { key, title, description } of DATASET_FIGURES) {
    const value = message.figures[key];
    if (value !== undefined) entries.push([title, formatPercent(value), key, description]);
  }
  summary.replaceChildren();
  for (const [title, value, key, description] of entries) {
    const term = element('dt', undefined, title);
    term.title = description;
    const detail = element('dd', undefined, value);
    detail.dataset.metric = key;
    summary.append(term, detail);
  }
}

function showCalibration(message: DatasetMessage): void {
  if (message.reliability === null) {
    const reason = element(
      'p',
      'hint',
      'No reliability diagram: it needs soft predictions (.npy class scores); these predictions are class maps.',
    );
    reason.id = 'calibration-reason';
    calibrationBody.replaceChildren(reason);
    return;
  }
  const ece = message.figures.ece ?? null;
  const pixels = message.reliability.reduce((sum, bin) => sum + bin.count, 0);
  const figure = element(
    'p',
    'ece',
    `ECE ${formatPercent(ece)}: the pixels’ mean gap between confidence and accuracy, over ${message.reliability.length} confidence bins and ${formatCount(pixels)} pixels.`,
  );
  figure.id = 'ece';
  const legend = element(
    'p',
    'hint',
    'Bars: the share of a bin’s pixels whose most likely class is their label (accuracy). Red: the gap to the bin’s mean confidence. Dashed: perfect calibration. Strip: pixels per bin.',
  );
  const details = element('details');
  details.append(element('summary', undefined, 'The bins as a table'), reliabilityTable(message.reliability));
  const plot = element('div', 'reliability-plot');
  plot.append(reliabilityDiagram(message.reliability, ece));
  calibrationBody.replaceChildren(figure, plot, legend, details);
}

function showTable(): void {
  if (data === null || totals === null) return;
  renderClassTable(table, data, totals, {
    sort: state.tableSort,
    showEmpty: state.showEmptyClasses,
    onSort: (sort) => {
      saveState({ ...state, tableSort: sort });
      showTable();
      table.querySelector<HTMLButtonElement>(`button[data-sort-key="${sort.key}"]`)?.focus();
    },
  });
}

function showCellImages(message: CellImagesMessage): void {
  if (
    state.selected === null ||
    message.pair.label !== state.selected.label ||
    message.pair.predicted !== state.selected.predicted
  )
    return; // an answer for a cell no longer selected
  cellList.replaceChildren();
  if (message.images.length === 0) {
    cellList.append(element('li', 'empty', 'No image has pixels in this cell.'));
    return;
  }
  for (const image of message.images) {
    const item = element('li');
    const entry = button('cell-image', `${image.name} — ${formatCount(image.count)} px`);
    entry.dataset.imageName = image.name;
    entry.addEventListener('click', () => post({ type: 'openCellImage', pair: message.pair, imageName: image.name }));
    item.append(entry);
    cellList.append(item);
  }
  if (message.total > message.images.length)
    cellList.append(element('li', 'more', `… and ${formatCount(message.total - message.images.length)} more images`));
}

/** Whether the calibration section and the class table wait for the next frame. */
let belowTheMatrixPending = false;

/**
 * The calibration section and the class table, built after the first frame that shows the matrix:
 * they sit below it, out of view when the panel opens, and at 171 classes the table alone is a few
 * thousand elements. The page is `aria-busy` until they are there.
 */
function showBelowTheMatrix(): void {
  root.setAttribute('aria-busy', 'true');
  if (belowTheMatrixPending) return;
  belowTheMatrixPending = true;
  requestAnimationFrame(() =>
    setTimeout(() => {
      belowTheMatrixPending = false;
      if (data !== null) {
        showCalibration(data);
        showTable();
      }
      root.setAttribute('aria-busy', 'false');
    }),
  );
}

function showDataset(message: DatasetMessage): void {
  const first = data === null;
  data = message;
  totals = classTotals(message);
  const inRange = (pair: ConfusionPair | null): boolean =>
    pair !== null && pair.label < message.numClasses && pair.predicted < message.numClasses;
  if (!inRange(focus)) focus = null;
  // Read at start-up and again by the theme observer below; a read here, after the page changed,
  // would force a style pass over the whole page.
  if (colors === null) showLegend();
  nameFont ??= `11px ${getComputedStyle(document.body).fontFamily}`;
  showSummary(message);
  layoutMatrix();
  if (first) markShownAfterNextFrame(SHOWN_MARKS.datasetMatrix);
  showTopConfusions(message);
  showBelowTheMatrix();
  // Restored or still selected: ask again for the cell's images (they change while a run goes on).
  if (state.selected !== null && inRange(state.selected)) {
    if (first) select(state.selected);
    else post({ type: 'selectCell', pair: state.selected });
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostToDatasetMessage(event.data);
  if (!parsed.ok) {
    status.textContent = `SegLens ignored a malformed message from the extension: ${parsed.error}`;
    return;
  }
  status.textContent = '';
  const message = parsed.value;
  if (message.type === 'cellImages') showCellImages(message);
  else showDataset(message);
});

// ----------------------------------------------------------------------------------- input

function pointerPosition(event: MouseEvent): ConfusionPair | null {
  const box = view.canvas.getBoundingClientRect();
  const at = positionAt(event.clientX - box.left, event.clientY - box.top, cellSize, classes.length);
  const label = at === null ? undefined : classes[at.row];
  const predicted = at === null ? undefined : classes[at.column];
  return label === undefined || predicted === undefined ? null : { label, predicted };
}

function highlightLabels(pair: ConfusionPair | null): void {
  for (const [labels, id] of [
    [view.rowLabels, pair?.label],
    [view.columnLabels, pair?.predicted],
  ] as const)
    for (const label of labels.children)
      label.classList.toggle('hot', id !== undefined && (label as HTMLElement).dataset.classId === String(id));
}

view.canvas.addEventListener('mousemove', (event) => {
  const pair = pointerPosition(event);
  view.canvas.title = pair === null ? '' : describeCell(pair);
  highlightLabels(pair);
  if (pair !== null) view.readout.textContent = describeCell(pair);
});
view.canvas.addEventListener('mouseleave', () => highlightLabels(focus));
view.canvas.addEventListener('click', (event) => {
  const pair = pointerPosition(event);
  if (pair !== null) select(pair);
});
view.canvas.addEventListener('keydown', (event) => {
  if (data === null || classes.length === 0) return;
  const moves: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };
  const move = moves[event.key];
  const row = Math.max(0, focus === null ? 0 : classes.indexOf(focus.label));
  const column = Math.max(0, focus === null ? 0 : classes.indexOf(focus.predicted));
  const last = classes.length - 1;
  if (move !== undefined) {
    const at = [row + move[0], column + move[1]];
    focus = {
      label: classes[Math.max(0, Math.min(last, at[0] ?? 0))]!,
      predicted: classes[Math.max(0, Math.min(last, at[1] ?? 0))]!,
    };
    view.readout.textContent = describeCell(focus);
    highlightLabels(focus);
    redraw();
  } else if (event.key === 'Enter' || event.key === ' ') {
    select(focus ?? { label: classes[0]!, predicted: classes[0]! });
  } else if (event.key === '+' || event.key === '=') {
    zoom(1.5);
  } else if (event.key === '-') {
    zoom(1 / 1.5);
  } else if (event.key === '0') {
    fitWidth();
  } else {
    return;
  }
  event.preventDefault();
});
view.zoomIn.addEventListener('click', () => zoom(1.5));
view.zoomOut.addEventListener('click', () => zoom(1 / 1.5));
view.fit.addEventListener('click', fitWidth);
view.order.value = state.order;
view.order.addEventListener('change', () => {
  const order = MATRIX_ORDERS.find((key) => key === view.order.value) ?? 'id';
  saveState({ ...state, order });
  layoutMatrix();
});
const toggleEmpty = (): void => {
  saveState({ ...state, showEmptyClasses: !state.showEmptyClasses });
  layoutMatrix();
  showTable();
};
view.hiddenToggle.addEventListener('click', toggleEmpty);
tableHiddenToggle.addEventListener('click', toggleEmpty);
view.tableDetails.addEventListener('toggle', () => {
  if (view.tableDetails.open) showMatrixTable();
});
// VS Code switches themes by changing <body>'s class and <html>'s variables, without reloading the page.
new MutationObserver(() => {
  // Read again even before any data has come: the matrix drawn later must use the new theme's colours.
  nameFont = `11px ${getComputedStyle(document.body).fontFamily}`;
  showLegend();
  redraw();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.addEventListener('resize', () => {
  if (state.cellSize !== null || data === null) return;
  const next = fittedCellSize(AUTO_CELL.min);
  if (next !== cellSize) {
    cellSize = next;
    redraw();
  }
});

// The theme's colours and font, read before the panel's elements join the page: the read forces a
// style pass, over the body alone here (later, after the data has added a few thousand elements, over
// all of them before the first frame).
showLegend();
nameFont = `11px ${getComputedStyle(document.body).fontFamily}`;
root.append(heading, summary, status, view.section, calibrationSection, tableSection);
// The host writes the dataset it has into the page: drawn now, without a round trip first.
const embedded = document.getElementById(EMBEDDED_DATA_ELEMENT_ID)?.textContent;
if (embedded !== undefined && embedded !== null) {
  const parsed = parseEmbeddedDataset(embedded);
  if (parsed.ok) showDataset(parsed.value);
  else status.textContent = `SegLens ignored malformed data from the extension: ${parsed.error}`;
}
post({ type: 'datasetReady' });
