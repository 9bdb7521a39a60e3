/**
 * The Hard examples list shows the sort metric first, in a fixed width, then the image name
 * ("0.1234 · 2007_000129"): VS Code cuts a tree item from the right, so the number a user sorts by
 * is never the part that disappears, and the numbers line up in a column.
 */

/** Characters the metric column holds ("0.1234", "45.2%", "−0.12", "—"). */
export const METRIC_COLUMN_WIDTH = 6;
/** As wide as a digit in the UI fonts, so padded numbers align. */
const FIGURE_SPACE = '\u2007';

export function metricFirstLabel(metric: string, name: string): string {
  return `${metric.padStart(METRIC_COLUMN_WIDTH, FIGURE_SPACE)} · ${name}`;
}
