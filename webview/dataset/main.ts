/**
 * Entry point of the dataset panel (bundled to dist/dataset.js): the pooled confusion matrix,
 * the per-class IoU and Boundary IoU table, both mIoUs, and the drill-down from a matrix cell to
 * the images holding its pixels. Every host message is checked with the shared protocol first.
 */
import {
  CELL_SIZE_RANGE,
  parseDatasetState,
  parseHostToDatasetMessage,
  type CellImagesMessage,
  type ConfusionPair,
  type DatasetMessage,
  type DatasetToHostMessage,
  type PersistedDatasetState,
} from '../../src/shared/protocol/dataset';
import { cssColor } from '../common/colormap';
import { formatIoU, formatPercent } from '../common/format';
import { cellAt, drawMatrix, rowShare, rowTotals, type MatrixColors } from './matrix';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const post = (message: DatasetToHostMessage): void => api.postMessage(message);
let state: PersistedDatasetState = parseDatasetState(api.getState()) ?? { version: 1, selected: null, cellSize: 12 };
let data: DatasetMessage | null = null;
let totals: Float64Array = new Float64Array(0);
/** The keyboard cursor on the matrix (the selection follows Enter or a click). */
let focus: ConfusionPair | null = state.selected;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const root = document.getElementById('dataset') ?? document.body;
const heading = element('h1', 'dataset-title', 'Dataset');
const summary = element('dl', 'dataset-summary');
summary.id = 'dataset-summary';
const status = element('p', 'status');
status.id = 'status';
status.setAttribute('role', 'status');
const zoomOut = element('button', 'zoom', '−');
zoomOut.id = 'zoom-out';
zoomOut.title = 'Smaller cells (-)';
const zoomIn = element('button', 'zoom', '+');
zoomIn.id = 'zoom-in';
zoomIn.title = 'Larger cells (+)';
const readout = element(
  'p',
  'matrix-readout',
  'Hover or move with the arrow keys over a cell; click or Enter lists its images.',
);
readout.id = 'matrix-readout';
readout.setAttribute('aria-live', 'polite');
const canvas = element('canvas');
canvas.id = 'matrix';
canvas.tabIndex = 0;
canvas.setAttribute('role', 'img');
canvas.setAttribute('aria-label', 'Confusion matrix: rows are label classes, columns predicted classes');
const scroller = element('div', 'matrix-scroller');
scroller.append(canvas);
const matrixSection = element('section', 'matrix-section');
const matrixTools = element('div', 'matrix-tools');
matrixTools.append(
  element('h2', undefined, 'Confusion matrix (rows: label, columns: prediction, row-normalised)'),
  zoomOut,
  zoomIn,
);
matrixSection.append(matrixTools, readout, scroller);
const cellHeading = element('h2', undefined, 'Images of the selected cell');
const cellList = element('ol', 'cell-images');
cellList.id = 'cell-images';
const cellSection = element('section', 'cell-section');
cellSection.append(cellHeading, cellList);
const table = element('table', 'class-table');
table.id = 'class-table';
const tableSection = element('section', 'table-section');
tableSection.append(element('h2', undefined, 'Per class (pooled over the images)'), table);
root.append(heading, summary, status, matrixSection, cellSection, tableSection);

function themeColor(name: string, fallback: [number, number, number]): [number, number, number] {
  const probe = element('span');
  probe.style.color = `var(${name}, rgb(${fallback.join(', ')}))`;
  document.body.append(probe);
  const match = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color);
  probe.remove();
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : fallback;
}

function matrixColors(): MatrixColors {
  return {
    background: themeColor('--vscode-editor-background', [30, 30, 30]),
    full: themeColor('--vscode-charts-blue', [55, 148, 255]),
    focus: cssColor(themeColor('--vscode-focusBorder', [255, 200, 0])),
  };
}

function saveState(next: PersistedDatasetState): void {
  state = next;
  api.setState(state);
}

function className(id: number): string {
  return data?.classNames[id] ?? `class ${id}`;
}

function describeCell(pair: ConfusionPair): string {
  if (data === null) return '';
  const count = data.confusion[pair.label * data.numClasses + pair.predicted] ?? 0;
  const share = rowShare(data, totals, pair);
  return `${className(pair.label)} → ${className(pair.predicted)}: ${count} px (${formatPercent(share)} of ${className(pair.label)})`;
}

function redraw(): void {
  if (data === null) return;
  drawMatrix(canvas, data, state.cellSize, matrixColors(), focus);
  canvas.style.width = `${canvas.width}px`;
  canvas.style.height = `${canvas.height}px`;
}

function select(pair: ConfusionPair): void {
  focus = pair;
  saveState({ ...state, selected: pair });
  cellHeading.textContent = `Images with ${className(pair.label)} predicted as ${className(pair.predicted)}`;
  cellList.replaceChildren(element('li', 'loading', 'Loading…'));
  post({ type: 'selectCell', pair });
  redraw();
}

function zoom(factor: number): void {
  const cellSize = Math.max(CELL_SIZE_RANGE.min, Math.min(CELL_SIZE_RANGE.max, Math.round(state.cellSize * factor)));
  saveState({ ...state, cellSize });
  redraw();
}

function showSummary(message: DatasetMessage): void {
  heading.textContent = `Dataset: ${message.title}`;
  summary.replaceChildren();
  const entries: [string, string, string][] = [
    ['images', String(message.images), 'images'],
    ['mIoU (pooled)', formatPercent(message.miou), 'miou'],
    ['mIoU (mean per image)', formatPercent(message.meanImageMiou), 'meanImageMiou'],
    ['Boundary mIoU (pooled)', formatPercent(message.boundaryMiou), 'boundaryMiou'],
  ];
  for (const [title, value, key] of entries) {
    const detail = element('dd', undefined, value);
    detail.dataset.metric = key;
    summary.append(element('dt', undefined, title), detail);
  }
}

function showTable(message: DatasetMessage): void {
  const head = element('tr');
  for (const title of ['Class', 'IoU', 'Boundary IoU', 'Label pixels']) head.append(element('th', undefined, title));
  const rows = message.classNames.map((name, c) => {
    const row = element('tr');
    row.dataset.classId = String(c);
    const swatch = element('span', 'swatch');
    swatch.style.backgroundColor = cssColor(message.classColors[c] ?? [0, 0, 0]);
    const nameCell = element('td');
    nameCell.append(swatch, document.createTextNode(name));
    row.append(
      nameCell,
      element('td', 'iou', formatIoU(message.perClassIoU[c] ?? null)),
      element('td', 'boundary-iou', formatIoU(message.perClassBoundaryIoU[c] ?? null)),
      element('td', 'pixels', String(totals[c] ?? 0)),
    );
    return row;
  });
  table.replaceChildren(element('thead'), element('tbody'));
  table.tHead?.append(head);
  table.tBodies[0]?.append(...rows);
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
    const button = element('button', 'cell-image', `${image.name} — ${image.count} px`);
    button.dataset.imageName = image.name;
    button.addEventListener('click', () => post({ type: 'openCellImage', pair: message.pair, imageName: image.name }));
    item.append(button);
    cellList.append(item);
  }
  if (message.total > message.images.length)
    cellList.append(element('li', 'more', `… and ${message.total - message.images.length} more images`));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostToDatasetMessage(event.data);
  if (!parsed.ok) {
    status.textContent = `SegLens ignored a malformed message from the extension: ${parsed.error}`;
    return;
  }
  status.textContent = '';
  const message = parsed.value;
  if (message.type === 'cellImages') {
    showCellImages(message);
    return;
  }
  data = message;
  totals = rowTotals(message);
  if (focus !== null && (focus.label >= message.numClasses || focus.predicted >= message.numClasses)) focus = null;
  showSummary(message);
  showTable(message);
  redraw();
  if (state.selected !== null && focus !== null) select(state.selected);
});

function pointerCell(event: MouseEvent): ConfusionPair | null {
  if (data === null) return null;
  const box = canvas.getBoundingClientRect();
  return cellAt(event.clientX - box.left, event.clientY - box.top, state.cellSize, data.numClasses);
}

canvas.addEventListener('mousemove', (event) => {
  const pair = pointerCell(event);
  canvas.title = pair === null ? '' : describeCell(pair);
  if (pair !== null) readout.textContent = describeCell(pair);
});
canvas.addEventListener('click', (event) => {
  const pair = pointerCell(event);
  if (pair !== null) select(pair);
});
canvas.addEventListener('keydown', (event) => {
  if (data === null) return;
  const n = data.numClasses;
  const at = focus ?? { label: 0, predicted: 0 };
  const moves: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };
  const move = moves[event.key];
  if (move !== undefined) {
    focus = {
      label: Math.max(0, Math.min(n - 1, at.label + move[0])),
      predicted: Math.max(0, Math.min(n - 1, at.predicted + move[1])),
    };
    readout.textContent = describeCell(focus);
    redraw();
  } else if (event.key === 'Enter' || event.key === ' ') {
    select(at);
  } else if (event.key === '+' || event.key === '=') {
    zoom(1.5);
  } else if (event.key === '-') {
    zoom(1 / 1.5);
  } else {
    return;
  }
  event.preventDefault();
});
zoomIn.addEventListener('click', () => zoom(1.5));
zoomOut.addEventListener('click', () => zoom(1 / 1.5));

post({ type: 'datasetReady' });
