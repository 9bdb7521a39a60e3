/**
 * Builds the gallery's page once: heading, the sort and filter menus (native selects with labels,
 * so they are keyboard-reachable and named), the legend, and the scrolling list box whose cells
 * main.ts draws. DOM APIs only (no innerHTML): names from the user's data never become markup.
 */

export interface GalleryDom {
  readonly title: HTMLElement;
  readonly status: HTMLElement;
  readonly barCaption: HTMLElement;
  readonly sort: HTMLSelectElement;
  readonly classFilter: HTMLSelectElement;
  readonly cellFilter: HTMLSelectElement;
  readonly delta: HTMLSelectElement;
  /** The Δ filter and its label, shown only while two prediction folders are compared. */
  readonly deltaGroup: HTMLElement;
  /** The list box: it scrolls, takes the keyboard focus and names the active cell. */
  readonly grid: HTMLElement;
  readonly scroller: HTMLElement;
  /** As tall as every row together; the cells on screen are placed inside it. */
  readonly spacer: HTMLElement;
  readonly empty: HTMLElement;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function labelledSelect(id: string, label: string, hint: string): { group: HTMLElement; select: HTMLSelectElement } {
  const group = element('div', 'control');
  const caption = element('label', undefined, label);
  caption.htmlFor = id;
  const select = element('select');
  select.id = id;
  select.title = hint;
  group.append(caption, select);
  return { group, select };
}

export function fillSelect(
  select: HTMLSelectElement,
  options: readonly { readonly value: string; readonly text: string }[],
  selected: string,
): void {
  const same =
    select.options.length === options.length &&
    options.every((option, i) => select.options[i]?.value === option.value && select.options[i]?.text === option.text);
  if (!same) {
    select.replaceChildren(
      ...options.map((option) => {
        const node = element('option', undefined, option.text);
        node.value = option.value;
        return node;
      }),
    );
  }
  select.value = selected;
}

export function buildGalleryDom(root: HTMLElement): GalleryDom {
  const header = element('header', 'gallery-header');
  const title = element('h1', 'gallery-title', 'Gallery');
  const status = element('p', 'status', 'Waiting for results…');
  status.id = 'gallery-status';
  status.setAttribute('role', 'status');
  header.append(title, status);

  const tools = element('div', 'tools');
  const sort = labelledSelect('sort', 'Sort by', 'Which metric orders the images; the hardest come first');
  const classFilter = labelledSelect('class-filter', 'Class', 'Only images whose label or prediction holds this class');
  const cellFilter = labelledSelect(
    'cell-filter',
    'Confusion',
    'Only images with pixels of this class predicted as that one (largest confusions first)',
  );
  const delta = labelledSelect(
    'delta-filter',
    'B vs A',
    'While comparing: only images where model B is worse or better',
  );
  for (const [value, text] of [
    ['any', 'All images'],
    ['worse', 'B worse (mIoU lower)'],
    ['better', 'B better (mIoU higher)'],
  ] as const) {
    const option = element('option', undefined, text);
    option.value = value;
    delta.select.append(option);
  }
  delta.group.hidden = true;
  tools.append(sort.group, classFilter.group, cellFilter.group, delta.group);

  const legend = element('div', 'legend');
  const swatch = element('span', 'swatch');
  swatch.setAttribute('aria-hidden', 'true');
  const legendText = element(
    'span',
    undefined,
    'Red tint: pixels the prediction gets wrong (on the photo, or on the label colours when there is no photo). Enter or click opens an image in the inspector.',
  );
  const barCaption = element('span', 'bar-caption');
  legend.append(swatch, legendText, barCaption);

  const scroller = element('div', 'grid');
  scroller.id = 'grid';
  scroller.tabIndex = 0;
  scroller.setAttribute('role', 'listbox');
  scroller.setAttribute('aria-label', 'Images');
  const spacer = element('div', 'spacer');
  spacer.setAttribute('role', 'presentation');
  scroller.append(spacer);
  const empty = element('p', 'empty', 'No image matches these filters.');
  empty.hidden = true;

  root.append(header, tools, legend, empty, scroller);
  return {
    title,
    status,
    barCaption,
    sort: sort.select,
    classFilter: classFilter.select,
    cellFilter: cellFilter.select,
    delta: delta.select,
    deltaGroup: delta.group,
    grid: scroller,
    scroller,
    spacer,
    empty,
  };
}
