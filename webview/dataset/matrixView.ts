/**
 * The matrix section's page structure: the toolbar (order, cell size, hidden classes), the colour
 * legend, the class names along both axes (DOM text, so they can be read, selected and found), the
 * canvas, the top-confusions list beside it and a table version of the matrix for screen readers.
 * The page scrolls as a whole (no scroll area inside it); the names stay in view as it does (sticky).
 */
import { MATRIX_ORDERS, type MatrixOrder } from '../../src/shared/protocol/dataset';
import { button, element } from '../common/element';

export const ORDER_LABELS: Record<MatrixOrder, string> = {
  id: 'class id',
  iou: 'IoU, worst first',
  confusion: 'most confused first',
};

/** Below this cell size the names would overlap: they are hidden and the hover readout names the cell. */
export const NAMES_MIN_CELL = 8;

export interface MatrixView {
  readonly section: HTMLElement;
  readonly order: HTMLSelectElement;
  readonly zoomOut: HTMLButtonElement;
  readonly zoomIn: HTMLButtonElement;
  readonly fit: HTMLButtonElement;
  readonly cellSizeText: HTMLElement;
  readonly hiddenNote: HTMLElement;
  readonly hiddenToggle: HTMLButtonElement;
  readonly legendLow: HTMLElement;
  readonly legendGradient: HTMLElement;
  readonly legendEmpty: HTMLElement;
  readonly legendValues: HTMLElement;
  readonly figure: HTMLElement;
  readonly columnLabels: HTMLElement;
  readonly rowLabels: HTMLElement;
  readonly namesNote: HTMLElement;
  /** One pixel per cell, scaled up by CSS: the colours. */
  readonly canvas: HTMLCanvasElement;
  /** Over it at full resolution, when the cells are large enough: the shares as numbers. */
  readonly values: HTMLCanvasElement;
  /** Over it: the outline of the focused cell. */
  readonly focusBox: HTMLElement;
  readonly readout: HTMLElement;
  readonly topList: HTMLOListElement;
  readonly tableDetails: HTMLDetailsElement;
  readonly table: HTMLTableElement;
}

function buildToolbar(): Pick<
  MatrixView,
  'order' | 'zoomOut' | 'zoomIn' | 'fit' | 'cellSizeText' | 'hiddenNote' | 'hiddenToggle'
> & { toolbar: HTMLElement } {
  const toolbar = element('div', 'matrix-tools');
  const orderLabel = element('label', 'tool', 'Order classes by ');
  const order = element('select');
  order.id = 'matrix-order';
  for (const key of MATRIX_ORDERS) {
    const option = element('option', undefined, ORDER_LABELS[key]);
    option.value = key;
    order.append(option);
  }
  orderLabel.append(order);
  const zoom = element('span', 'tool zoom-group');
  zoom.setAttribute('role', 'group');
  zoom.setAttribute('aria-label', 'Cell size');
  const zoomOut = button('zoom', '−', 'Smaller cells (-)');
  zoomOut.id = 'zoom-out';
  zoomOut.setAttribute('aria-label', 'Smaller cells');
  const zoomIn = button('zoom', '+', 'Larger cells (+)');
  zoomIn.id = 'zoom-in';
  zoomIn.setAttribute('aria-label', 'Larger cells');
  const fit = button('zoom', 'Fit', 'Cells as large as the panel allows (0)');
  fit.id = 'zoom-fit';
  const cellSizeText = element('span', 'cell-size');
  cellSizeText.id = 'cell-size';
  zoom.append(element('span', undefined, 'Cells '), zoomOut, zoomIn, fit, cellSizeText);
  const hidden = element('span', 'tool hidden-classes');
  const hiddenNote = element('span');
  hiddenNote.id = 'matrix-hidden';
  const hiddenToggle = button('link-button', 'show');
  hiddenToggle.id = 'matrix-hidden-toggle';
  hidden.append(hiddenNote, hiddenToggle);
  toolbar.append(orderLabel, zoom, hidden);
  return { toolbar, order, zoomOut, zoomIn, fit, cellSizeText, hiddenNote, hiddenToggle };
}

function buildLegend(): Pick<MatrixView, 'legendLow' | 'legendGradient' | 'legendEmpty' | 'legendValues'> & {
  legend: HTMLElement;
} {
  const legend = element('div', 'matrix-legend');
  legend.id = 'matrix-legend';
  const title = element(
    'p',
    'legend-title',
    'Colour: the share of the row’s label pixels predicted as the column’s class (row-normalised, 0–100%).',
  );
  const scale = element('div', 'legend-scale');
  const legendEmpty = element('span', 'legend-empty');
  legendEmpty.setAttribute('aria-hidden', 'true');
  const legendLow = element('span', 'legend-tick', '0 px');
  const legendGradient = element('span', 'legend-gradient');
  legendGradient.setAttribute('aria-hidden', 'true');
  scale.append(
    legendEmpty,
    legendLow,
    element('span', 'legend-tick', '>0%'),
    legendGradient,
    element('span', 'legend-tick', '100%'),
  );
  const legendValues = element('p', 'legend-values');
  legendValues.id = 'matrix-values-note';
  legend.append(title, scale, legendValues);
  return { legend, legendLow, legendGradient, legendEmpty, legendValues };
}

function buildFigure(): Pick<
  MatrixView,
  'figure' | 'columnLabels' | 'rowLabels' | 'canvas' | 'values' | 'focusBox' | 'namesNote'
> {
  const figure = element('div', 'matrix-figure');
  figure.id = 'matrix-figure';
  const corner = element('div', 'matrix-corner');
  const xTitle = element('div', 'axis-title axis-x', 'prediction');
  xTitle.id = 'axis-prediction';
  const yTitle = element('div', 'axis-title axis-y', 'label (ground truth)');
  yTitle.id = 'axis-label';
  const columnLabels = element('div', 'column-labels');
  columnLabels.id = 'column-labels';
  columnLabels.setAttribute('aria-hidden', 'true');
  const rowLabels = element('div', 'row-labels');
  rowLabels.id = 'row-labels';
  rowLabels.setAttribute('aria-hidden', 'true');
  const canvas = element('canvas');
  canvas.id = 'matrix';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    'Confusion matrix: rows are label classes, columns predicted classes. Arrow keys move between cells, Enter lists the images of a cell; the table below the matrix holds the same numbers.',
  );
  const namesNote = element('p', 'names-note', 'Names hidden at this cell size: zoom in, or hover a cell.');
  namesNote.hidden = true;
  // The grid lines are a CSS background of their own layer: no bitmap the size of the matrix.
  const gridLines = element('div', 'matrix-grid-lines');
  const values = element('canvas', 'matrix-values');
  values.id = 'matrix-values';
  values.setAttribute('aria-hidden', 'true');
  const focusBox = element('div', 'matrix-focus');
  focusBox.hidden = true;
  const stage = element('div', 'matrix-stage');
  stage.append(canvas, gridLines, values, focusBox);
  figure.append(corner, xTitle, columnLabels, yTitle, rowLabels, stage);
  return { figure, columnLabels, rowLabels, canvas, values, focusBox, namesNote };
}

export function buildMatrixView(): MatrixView {
  const section = element('section', 'matrix-section');
  section.setAttribute('aria-labelledby', 'matrix-heading');
  const heading = element('h2', undefined, 'Confusion matrix');
  heading.id = 'matrix-heading';
  const tools = buildToolbar();
  const legend = buildLegend();
  const figure = buildFigure();
  const readout = element('p', 'matrix-readout', 'Hover a cell, or focus the matrix and move with the arrow keys.');
  readout.id = 'matrix-readout';
  readout.setAttribute('aria-live', 'polite');

  const aside = element('aside', 'top-confusions');
  aside.setAttribute('aria-labelledby', 'top-heading');
  const topHeading = element('h3', undefined, 'Top confusions');
  topHeading.id = 'top-heading';
  const topList = element('ol', 'top-list');
  topList.id = 'top-confusions';
  aside.append(
    topHeading,
    element(
      'p',
      'hint',
      'The largest off-diagonal cells: label → prediction, pixels, share of the label’s pixels. Click one for its images.',
    ),
    topList,
  );

  const tableDetails = element('details', 'matrix-table');
  tableDetails.id = 'matrix-table-details';
  const table = element('table', 'matrix-as-table');
  table.id = 'matrix-table';
  tableDetails.append(element('summary', undefined, 'The matrix as a table (pixel counts)'), table);

  const main = element('div', 'matrix-main');
  main.append(legend.legend, readout, figure.namesNote, figure.figure, tableDetails);
  const body = element('div', 'matrix-body');
  body.append(aside, main);
  section.append(heading, tools.toolbar, body);
  return { section, ...tools, ...legend, ...figure, readout, topList, tableDetails, table };
}
