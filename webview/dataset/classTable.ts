/**
 * The per-class table: one row per class with pixels (the others hidden unless asked for, and
 * counted), one column per figure the dataset message carries, sortable by any column. The columns
 * come from one table (COLUMNS): a new per-class figure of the protocol is a new column here with no
 * other change.
 */
import {
  DATASET_CLASS_FIGURES,
  type ClassTableKey,
  type DatasetMessage,
  type PersistedDatasetState,
} from '../../src/shared/protocol/dataset';
import { cssColor } from '../common/colormap';
import { button, element } from '../common/element';
import { formatCount, formatShare } from '../common/format';
import { isEmptyClass, type ClassTotals } from './classes';

type Sort = PersistedDatasetState['tableSort'];

interface Column {
  readonly key: ClassTableKey;
  readonly title: string;
  readonly description: string;
  /** The value sorted by: a number (null last whichever the direction) or a name. */
  readonly value: (c: number) => number | string | null;
  readonly cell: (c: number) => Node | string;
  /** Numbers are right-aligned and sort largest first on the first click. */
  readonly numeric: boolean;
}

function columnsFor(message: DatasetMessage, totals: ClassTotals): Column[] {
  const name = (c: number): string => message.classNames[c] ?? `class ${c}`;
  const figureColumns = DATASET_CLASS_FIGURES.flatMap(({ key, title, description }): Column[] => {
    const values = message.classFigures[key];
    if (values === undefined) return [];
    return [
      {
        key,
        title: `${title} (%)`,
        description,
        numeric: true,
        value: (c) => values[c] ?? null,
        cell: (c) => formatShare(values[c] ?? null),
      },
    ];
  });
  return [
    { key: 'id', title: '#', description: 'class id', numeric: true, value: (c) => c, cell: (c) => String(c) },
    {
      key: 'name',
      title: 'Class',
      description: 'class name',
      numeric: false,
      value: name,
      cell: (c) => {
        const swatch = element('span', 'swatch');
        swatch.style.backgroundColor = cssColor(message.classColors[c] ?? [0, 0, 0]);
        const fragment = document.createDocumentFragment();
        fragment.append(swatch, name(c));
        return fragment;
      },
    },
    ...figureColumns,
    {
      key: 'labelPixels',
      title: 'Label pixels',
      description: 'pixels labelled as the class',
      numeric: true,
      value: (c) => totals.labels[c] ?? 0,
      cell: (c) => formatCount(totals.labels[c] ?? 0),
    },
    {
      key: 'predictedPixels',
      title: 'Predicted pixels',
      description: 'valid label pixels predicted as the class',
      numeric: true,
      value: (c) => totals.predicted[c] ?? 0,
      cell: (c) => formatCount(totals.predicted[c] ?? 0),
    },
  ];
}

/** Row order for a sort: numbers or names, undefined values last in both directions, ties by id. */
export function sortedClasses(
  ids: readonly number[],
  value: (c: number) => number | string | null,
  descending: boolean,
): number[] {
  const sign = descending ? -1 : 1;
  return [...ids].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a - b : va === null ? 1 : -1;
    const order = typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb)) : va - vb;
    return sign * order || a - b;
  });
}

export interface ClassTableOptions {
  readonly sort: Sort;
  readonly showEmpty: boolean;
  readonly onSort: (sort: Sort) => void;
}

/** Fills `table` with the classes' rows; returns how many classes with no pixels were left out. */
export function renderClassTable(
  table: HTMLTableElement,
  message: DatasetMessage,
  totals: ClassTotals,
  options: ClassTableOptions,
): number {
  const columns = columnsFor(message, totals);
  const sortColumn = columns.find((column) => column.key === options.sort.key) ?? columns[0]!;
  const all = Array.from({ length: message.numClasses }, (_, c) => c);
  const shown = options.showEmpty ? all : all.filter((c) => !isEmptyClass(totals, c));
  const head = element('tr');
  for (const column of columns) {
    const th = element('th');
    th.scope = 'col';
    if (column.numeric) th.className = 'numeric';
    const active = column.key === sortColumn.key;
    th.setAttribute('aria-sort', active ? (options.sort.descending ? 'descending' : 'ascending') : 'none');
    const arrow = active ? (options.sort.descending ? ' ▼' : ' ▲') : '';
    const sortButton = button('sort-button', `${column.title}${arrow}`, `${column.description}. Click to sort.`);
    sortButton.dataset.sortKey = column.key;
    sortButton.addEventListener('click', () =>
      options.onSort({ key: column.key, descending: active ? !options.sort.descending : column.numeric }),
    );
    th.append(sortButton);
    head.append(th);
  }
  const rows = sortedClasses(shown, sortColumn.value, options.sort.descending).map((c) => {
    const row = element('tr');
    row.dataset.classId = String(c);
    for (const column of columns) {
      const cell = element(column.key === 'name' ? 'th' : 'td', column.numeric ? 'numeric' : undefined);
      if (column.key === 'name') cell.scope = 'row';
      cell.dataset.column = column.key;
      cell.append(column.cell(c));
      row.append(cell);
    }
    return row;
  });
  const thead = element('thead');
  thead.append(head);
  const tbody = element('tbody');
  tbody.append(...rows);
  table.replaceChildren(thead, tbody);
  return all.length - shown.length;
}
