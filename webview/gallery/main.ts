/**
 * Entry point of the gallery (bundled to dist/gallery.js): a grid of thumbnails over the evaluated
 * images, sorted and filtered by the host. Only the rows on screen exist in the DOM; thumbnails are
 * asked for when their cell appears. Every host message is checked with the shared protocol first.
 */
import {
  parseGalleryState,
  parseHostToGalleryMessage,
  type GalleryItemsMessage,
  type GalleryQuery,
  type GalleryToHostMessage,
  type PersistedGalleryState,
  type SortKeyOption,
} from '../../src/shared/protocol/gallery';
import { buildGalleryDom, fillSelect, type GalleryDom } from './dom';
import { formatCount } from '../common/format';
import { describeValue, barShare, type BarScale, barScaleFor } from './values';
import { columnsFor, GRID, isGridKey, moveIndex, rowCount, rowsPerPage, scrollToShow, visibleRange } from './layout';
import { ThumbnailStore } from './thumbnails';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const post = (message: GalleryToHostMessage): void => api.postMessage(message);
const saved = parseGalleryState(api.getState());
const dom: GalleryDom = buildGalleryDom(document.getElementById('gallery') ?? document.body);
const thumbnails = new ThumbnailStore();

let data: GalleryItemsMessage | null = null;
let sortKey: SortKeyOption | undefined;
let scale: BarScale = { kind: 'share', max: 1 };
let active = 0;
let firstVisible = saved?.firstVisible ?? 0;
let frame = 0;
/** Bumped when a new list arrives, so a cell drawn for the old list is never taken as current. */
let listVersion = 0;
let spacerHeight = -1;
let requestTimer: ReturnType<typeof setTimeout> | undefined;
/** Cell elements on screen by item index; reused as the window moves. */
const cells = new Map<number, HTMLElement>();
const spare: HTMLElement[] = [];

function saveState(): void {
  if (data === null) return;
  const state: PersistedGalleryState = { version: 1, query: data.query, firstVisible };
  api.setState(state);
}

function columns(): number {
  return columnsFor(dom.scroller.clientWidth);
}

function setQuery(change: Partial<GalleryQuery>): void {
  if (data === null) return;
  const query: GalleryQuery = { ...data.query, ...change };
  dom.status.textContent = 'Sorting…';
  post({ type: 'setQuery', query });
}

function makeCell(): HTMLElement {
  const cell = document.createElement('div');
  cell.className = 'cell';
  cell.setAttribute('role', 'option');
  const frameBox = document.createElement('div');
  frameBox.className = 'thumb';
  const image = document.createElement('img');
  image.alt = '';
  image.decoding = 'async';
  const placeholder = document.createElement('span');
  placeholder.className = 'placeholder';
  placeholder.setAttribute('aria-hidden', 'true');
  frameBox.append(image, placeholder);
  const name = document.createElement('div');
  name.className = 'name';
  const value = document.createElement('div');
  value.className = 'value';
  // The cell's accessible name is its text: the name, then (for screen readers) the metric's name, then the number.
  const metric = document.createElement('span');
  metric.className = 'visually-hidden';
  const number = document.createElement('span');
  number.className = 'number';
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.setAttribute('aria-hidden', 'true');
  const fill = document.createElement('span');
  fill.className = 'fill';
  bar.append(fill);
  value.append(metric, number, bar);
  cell.append(frameBox, name, value);
  cell.addEventListener('click', () => {
    const index = Number(cell.dataset.index);
    setActive(index, false);
    openActive();
  });
  return cell;
}

function fillCell(cell: HTMLElement, index: number, columnCount: number): void {
  if (data === null || sortKey === undefined) return;
  const name = data.names[index] ?? '';
  const value = data.values[index] ?? Number.NaN;
  const thumbnail = thumbnails.get(name);
  // A cell that already shows this item as it is now is left alone: a scroll step then only fills
  // the row that came into view, and style and layout stay small.
  const shown = `${listVersion}|${index}|${columnCount}|${index === active}|${thumbnail === undefined ? '' : 'dataUri' in thumbnail ? 'image' : 'error'}`;
  if (cell.dataset.shown === shown) return;
  cell.dataset.shown = shown;
  cell.dataset.index = String(index);
  cell.id = `cell-${index}`;
  cell.style.transform = `translate(${(index % columnCount) * GRID.cellWidth}px, ${Math.floor(index / columnCount) * GRID.cellHeight}px)`;
  cell.setAttribute('aria-posinset', String(index + 1));
  cell.setAttribute('aria-setsize', String(data.names.length));
  cell.setAttribute('aria-selected', index === active ? 'true' : 'false');
  cell.classList.toggle('active', index === active);
  const [thumb, nameBox, valueBox] = [cell.children[0], cell.children[1], cell.children[2]] as HTMLElement[];
  const image = thumb!.children[0] as HTMLImageElement;
  const placeholder = thumb!.children[1] as HTMLElement;
  if (thumbnail !== undefined && 'dataUri' in thumbnail) {
    if (image.getAttribute('src') !== thumbnail.dataUri) image.src = thumbnail.dataUri;
    image.hidden = false;
    placeholder.hidden = true;
  } else {
    image.removeAttribute('src');
    image.hidden = true;
    placeholder.hidden = false;
    placeholder.textContent = thumbnail === undefined ? 'loading…' : 'no thumbnail';
    placeholder.title = thumbnail !== undefined && 'error' in thumbnail ? thumbnail.error : '';
  }
  nameBox!.textContent = name;
  nameBox!.title = name;
  const metric = valueBox!.children[0] as HTMLElement;
  const number = valueBox!.children[1] as HTMLElement;
  const fill = valueBox!.children[2]!.children[0] as HTMLElement;
  metric.textContent = `${sortKey.label} `;
  number.textContent = describeValue(value, sortKey.format);
  const share = barShare(value, scale);
  fill.style.width = `${Math.round(share * 100)}%`;
  fill.classList.toggle('negative', sortKey.format === 'signed' && value < 0);
  fill.classList.toggle('positive', sortKey.format === 'signed' && value > 0);
}

/** Draws the rows on screen (and the overscan), reusing cell elements; asks for missing thumbnails. */
function render(): void {
  frame = 0;
  if (data === null) return;
  // Geometry is read once, before anything is written: a read after a write forces a layout.
  const { scrollTop, clientWidth, clientHeight } = dom.scroller;
  const count = data.names.length;
  const columnCount = columnsFor(clientWidth);
  const height = rowCount(count, columnCount) * GRID.cellHeight;
  if (height !== spacerHeight) {
    spacerHeight = height;
    dom.spacer.style.height = `${height}px`;
  }
  const { first, end } = visibleRange(scrollTop, clientHeight, columnCount, count);
  for (const [index, cell] of cells) {
    if (index < first || index >= end) {
      cells.delete(index);
      cell.remove();
      spare.push(cell);
    }
  }
  for (let index = first; index < end; index++) {
    let cell = cells.get(index);
    if (cell === undefined) {
      cell = spare.pop() ?? makeCell();
      cells.set(index, cell);
      dom.spacer.append(cell);
    }
    fillCell(cell, index, columnCount);
  }
  const topIndex = Math.floor(scrollTop / GRID.cellHeight) * columnCount;
  if (topIndex !== firstVisible) {
    firstVisible = topIndex;
    saveState();
  }
  scheduleThumbnailRequest(first, end);
}

function scheduleRender(): void {
  if (frame === 0) frame = requestAnimationFrame(render);
}

function scheduleThumbnailRequest(first: number, end: number): void {
  if (requestTimer !== undefined) clearTimeout(requestTimer);
  // Asked for once the scrolling pauses: a fling through 100,000 images asks for the last screen only.
  requestTimer = setTimeout(() => {
    requestTimer = undefined;
    if (data === null) return;
    const missing = thumbnails.missing(data.names.slice(first, end));
    if (missing !== undefined) post({ type: 'requestThumbnails', names: missing.slice(0, 400) });
  }, 60);
}

function setActive(index: number, scroll: boolean): void {
  if (data === null || data.names.length === 0) return;
  active = Math.max(0, Math.min(data.names.length - 1, index));
  dom.grid.setAttribute('aria-activedescendant', `cell-${active}`);
  if (scroll) {
    const top = scrollToShow(active, columns(), dom.scroller.scrollTop, dom.scroller.clientHeight);
    if (top !== dom.scroller.scrollTop) dom.scroller.scrollTop = top;
  }
  render();
}

function openActive(): void {
  const name = data?.names[active];
  if (name !== undefined) post({ type: 'openImage', name });
}

/** "1 image", "1,234 images": the count and the noun that goes with it. */
function imageCount(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'image' : 'images'}`;
}

function describeList(message: GalleryItemsMessage): string {
  const shown = message.names.length;
  const what = shown === message.total ? imageCount(shown) : `${formatCount(shown)} of ${imageCount(message.total)}`;
  const key = message.sortKeys.find((option) => option.key === message.query.sortKey);
  return key === undefined ? what : `${what}, sorted by ${key.label} (${key.detail})`;
}

function barCaption(option: SortKeyOption | undefined): string {
  if (option === undefined) return '';
  if (option.format === 'percent') return `Bar: ${option.label}, 0 to 100%.`;
  if (option.format === 'signed')
    return `Bar: size of the change relative to the largest in this list; red B worse, green B better.`;
  return `Bar: ${option.label} relative to the largest in this list.`;
}

function showItems(message: GalleryItemsMessage): void {
  const sameQuery = data !== null && JSON.stringify(data.query) === JSON.stringify(message.query);
  const firstData = data === null;
  data = message;
  listVersion++;
  sortKey = message.sortKeys.find((option) => option.key === message.query.sortKey) ?? message.sortKeys[0];
  scale = barScaleFor(message.values, sortKey?.format ?? 'fixed');
  dom.title.textContent = `Gallery — ${message.title}`;
  dom.status.textContent = describeList(message);
  dom.barCaption.textContent = barCaption(sortKey);
  dom.empty.hidden = message.names.length > 0;
  dom.grid.setAttribute('aria-label', `Images, ${describeList(message)}`);
  fillMenus(message);
  if (firstData && saved !== undefined) {
    dom.scroller.scrollTop = Math.floor(saved.firstVisible / columns()) * GRID.cellHeight;
  } else if (!sameQuery) {
    dom.scroller.scrollTop = 0;
    active = 0;
  }
  active = Math.min(active, Math.max(0, message.names.length - 1));
  if (message.names.length > 0) dom.grid.setAttribute('aria-activedescendant', `cell-${active}`);
  else dom.grid.removeAttribute('aria-activedescendant');
  for (const cell of cells.values()) {
    cell.remove();
    spare.push(cell);
  }
  cells.clear();
  saveState();
  render();
}

function fillMenus(message: GalleryItemsMessage): void {
  fillSelect(
    dom.sort,
    message.sortKeys.map((option) => ({ value: option.key, text: `${option.label} — ${option.detail}` })),
    message.query.sortKey,
  );
  fillSelect(
    dom.classFilter,
    [
      { value: '', text: 'All classes' },
      ...message.classes.map((option) => ({
        value: String(option.id),
        text: `${option.name} (${imageCount(option.images)})`,
      })),
    ],
    message.query.classId === null ? '' : String(message.query.classId),
  );
  const name = (id: number): string => message.classNames[id] ?? `class ${id}`;
  fillSelect(
    dom.cellFilter,
    [
      { value: '', text: 'No confusion filter' },
      ...message.cells.map((cell) => ({
        value: `${cell.label}:${cell.predicted}`,
        text: `${name(cell.label)} predicted as ${name(cell.predicted)} (${formatCount(cell.pixels)} px)`,
      })),
    ],
    message.query.cell === null ? '' : `${message.query.cell.label}:${message.query.cell.predicted}`,
  );
  dom.deltaGroup.hidden = !message.comparing;
  dom.delta.value = message.query.delta;
}

dom.sort.addEventListener('change', () => setQuery({ sortKey: dom.sort.value }));
dom.classFilter.addEventListener('change', () =>
  setQuery({ classId: dom.classFilter.value === '' ? null : Number(dom.classFilter.value) }),
);
dom.cellFilter.addEventListener('change', () => {
  const [label, predicted] = dom.cellFilter.value.split(':').map(Number);
  setQuery({ cell: label === undefined || predicted === undefined ? null : { label, predicted } });
});
dom.delta.addEventListener('change', () => {
  const value = dom.delta.value;
  setQuery({ delta: value === 'worse' || value === 'better' ? value : 'any' });
});
dom.scroller.addEventListener('scroll', scheduleRender, { passive: true });
new ResizeObserver(scheduleRender).observe(dom.scroller);
dom.grid.addEventListener('keydown', (event) => {
  if (data === null) return;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    openActive();
    return;
  }
  if (!isGridKey(event.key)) return;
  event.preventDefault();
  setActive(moveIndex(active, event.key, columns(), data.names.length, rowsPerPage(dom.scroller.clientHeight)), true);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostToGalleryMessage(event.data);
  if (!parsed.ok) {
    console.warn(`SegLens gallery: ignored a malformed message (${parsed.error})`);
    return;
  }
  const message = parsed.value;
  if (message.type === 'galleryItems') {
    showItems(message);
    return;
  }
  for (const item of message.items) thumbnails.put(item.name, 'dataUri' in item ? item : { error: item.error });
  scheduleRender();
});

post({ type: 'galleryReady', query: saved?.query ?? null });
