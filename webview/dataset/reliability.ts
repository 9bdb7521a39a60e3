/**
 * The reliability diagram of soft predictions (Guo et al. 2017, figure 1): one bar per confidence
 * bin at the share of its pixels predicted right, the gap to the bin's mean confidence shaded, the
 * diagonal of perfect calibration, both axes named, the pixels per bin as a strip below, and the
 * ECE. SVG built with DOM calls, so its text is real text; a table lists the same bins.
 */
import type { ReliabilityBin } from '../../src/shared/protocol/dataset';
import { element } from '../common/element';
import { formatCount, formatPercent } from '../common/format';

const SVG = 'http://www.w3.org/2000/svg';
const PLOT = { left: 52, top: 12, size: 300, strip: 40, gap: 10, bottom: 44 } as const;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const x = (value: number): number => PLOT.left + value * PLOT.size;
const y = (value: number): number => PLOT.top + (1 - value) * PLOT.size;

function axes(root: SVGSVGElement): void {
  const stripBottom = PLOT.top + PLOT.size + PLOT.gap + PLOT.strip;
  for (const tick of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    const label = tick.toFixed(1);
    root.append(
      svg('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(tick), y2: y(tick) }),
      svg(
        'text',
        { class: 'tick', x: x(0) - 6, y: y(tick), 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        label,
      ),
      svg('text', { class: 'tick', x: x(tick), y: stripBottom + 14, 'text-anchor': 'middle' }, label),
    );
  }
  root.append(
    svg('rect', { class: 'frame', x: x(0), y: y(1), width: PLOT.size, height: PLOT.size }),
    svg('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }),
    svg('text', { class: 'axis-name', x: x(0.5), y: stripBottom + 34, 'text-anchor': 'middle' }, 'confidence'),
    svg(
      'text',
      {
        class: 'axis-name',
        x: 14,
        y: y(0.5),
        'text-anchor': 'middle',
        transform: `rotate(-90 14 ${y(0.5)})`,
      },
      'accuracy',
    ),
    svg(
      'text',
      {
        class: 'tick',
        x: x(0) - 6,
        y: PLOT.top + PLOT.size + PLOT.gap + PLOT.strip / 2,
        'text-anchor': 'end',
        'dominant-baseline': 'middle',
      },
      'pixels',
    ),
  );
}

function describeBin(bin: ReliabilityBin): string {
  return `confidence ${bin.lo.toFixed(2)}–${bin.hi.toFixed(2)}: ${formatCount(bin.count)} px, mean confidence ${formatPercent(bin.confidence)}, accuracy ${formatPercent(bin.accuracy)}`;
}

/** Draws the diagram into a new SVG element. */
export function reliabilityDiagram(bins: readonly ReliabilityBin[], ece: number | null): SVGSVGElement {
  const width = PLOT.left + PLOT.size + 16;
  const height = PLOT.top + PLOT.size + PLOT.gap + PLOT.strip + PLOT.bottom;
  const root = svg('svg', { class: 'reliability', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  root.setAttribute(
    'aria-label',
    `Reliability diagram: accuracy against confidence in ${bins.length} bins; ECE ${formatPercent(ece)}. The table below lists the bins.`,
  );
  axes(root);
  const most = Math.max(1, ...bins.map((bin) => bin.count));
  const stripTop = PLOT.top + PLOT.size + PLOT.gap;
  for (const bin of bins) {
    const left = x(bin.lo) + 1;
    const width = Math.max(1, x(bin.hi) - x(bin.lo) - 2);
    const group = svg('g', { class: 'bin' });
    group.dataset.lo = String(bin.lo);
    group.append(svg('title', {}, describeBin(bin)));
    if (bin.accuracy !== null && bin.confidence !== null) {
      group.append(
        svg('rect', { class: 'accuracy', x: left, y: y(bin.accuracy), width, height: y(0) - y(bin.accuracy) }),
      );
      const top = Math.max(bin.accuracy, bin.confidence);
      const bottom = Math.min(bin.accuracy, bin.confidence);
      group.append(svg('rect', { class: 'gap', x: left, y: y(top), width, height: y(bottom) - y(top) }));
    }
    const stripHeight = (bin.count / most) * PLOT.strip;
    group.append(
      svg('rect', { class: 'count', x: left, y: stripTop + PLOT.strip - stripHeight, width, height: stripHeight }),
    );
    root.append(group);
  }
  root.append(svg('rect', { class: 'frame', x: x(0), y: stripTop, width: PLOT.size, height: PLOT.strip }));
  return root;
}

/** The same bins as a table: range, pixels, mean confidence, accuracy. */
export function reliabilityTable(bins: readonly ReliabilityBin[]): HTMLTableElement {
  const table = element('table', 'reliability-table');
  table.id = 'reliability-table';
  const head = element('tr');
  for (const title of ['confidence bin', 'pixels', 'mean confidence', 'accuracy'])
    head.append(Object.assign(element('th', undefined, title), { scope: 'col' }));
  const thead = element('thead');
  thead.append(head);
  const tbody = element('tbody');
  for (const bin of bins) {
    const row = element('tr');
    row.append(
      Object.assign(element('th', undefined, `${bin.lo.toFixed(2)}–${bin.hi.toFixed(2)}`), { scope: 'row' }),
      element('td', 'numeric', formatCount(bin.count)),
      element('td', 'numeric', formatPercent(bin.confidence)),
      element('td', 'numeric', formatPercent(bin.accuracy)),
    );
    tbody.append(row);
  }
  table.append(thead, tbody);
  return table;
}
