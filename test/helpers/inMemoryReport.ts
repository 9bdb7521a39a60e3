import assert from 'node:assert/strict';
import { formatTable } from '../../src/cli/table';
import { DatasetAccumulator, type DatasetSummary } from '../../src/core/evaluate/datasetSummary';
import type { ImageRecord } from '../../src/core/evaluate/record';
import { DEFAULT_READ_OPTIONS, lossVariantName, optionsRecord } from '../../src/core/options';
import { recordsToCsv } from '../../src/core/report/csv';
import { buildJsonReport, classColumnNames } from '../../src/core/report/jsonReport';
import { loadResultsFile } from '../../src/core/report/resultsFile';
import { exactSumOracle } from './exactSumOracle';

/**
 * The reports of a run computed the old way, with every record in memory: what the CLI's streamed
 * reports (eval, merge) are tested equal to, byte for byte.
 */

/** The text report without its timing line, which differs from run to run. */
export const withoutTiming = (text: string): string => text.replace(/^Compute: .*$/m, 'Compute: …');

/** Equal texts; on a difference, where it starts and the text around it (not megabytes of both). */
export function assertSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  const around = (text: string): string => JSON.stringify(text.slice(Math.max(0, at - 200), at + 200));
  assert.fail(
    `${what}: differs from character ${at} (lengths ${actual.length} and ${expected.length})\n` +
      `streamed:  ${around(actual)}\nin memory: ${around(expected)}`,
  );
}

// ------------------------------------------------------------------------------ the in-memory report

/**
 * The CLI's default order, typed out again: the adaptive loss highest first, images without one last,
 * ties by name in code-point order.
 */
function byAdaptiveLoss(a: ImageRecord, b: ImageRecord): number {
  if (a.adaptive === null || b.adaptive === null) {
    if (a.adaptive !== b.adaptive) return a.adaptive === null ? 1 : -1;
  } else if (a.adaptive !== b.adaptive) {
    return b.adaptive - a.adaptive;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const exactMean = (values: readonly number[]): number | null =>
  values.length > 0 ? exactSumOracle(values) / values.length : null;

/**
 * The dataset figures with every record in memory. What the streamed run keeps as bounded state, the
 * pooled confusion matrix and the means (exact running sums), is computed here independently: plain sums
 * of every record's cells, and each mean from all its values at once by a BigInt exact sum. The figures
 * derived from the pooled counts (IoUs, mmseg's scores, Boundary IoU) use the engine's formulas, from an
 * accumulator fed the records in reverse order.
 */
function inMemoryDataset(records: readonly ImageRecord[], numClasses: number): DatasetSummary {
  const accumulator = new DatasetAccumulator(numClasses);
  for (let i = records.length - 1; i >= 0; i--) accumulator.add(records[i]!);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const unknown = new Array<number>(numClasses).fill(0);
  for (const record of records) {
    record.confusion.counts.forEach((count, i) => (confusion[Math.floor(i / numClasses)]![i % numClasses]! += count));
    record.confusion.unknown.forEach((count, c) => (unknown[c]! += count));
  }
  const withLosses = records.filter((r) => r.ce !== null && r.adaptive !== null && r.mergeEffect !== null);
  return {
    ...accumulator.summary(),
    images: records.length,
    confusion,
    unknownPredictions: unknown,
    meanImageMiou: exactMean(records.flatMap((r) => (r.miou === null ? [] : [r.miou]))),
    meanCe: exactMean(withLosses.map((r) => r.ce!)),
    meanAdaptive: exactMean(withLosses.map((r) => r.adaptive!)),
    meanMergeEffect: exactMean(withLosses.map((r) => r.mergeEffect!)),
  };
}

/**
 * The run's --json, --csv and text report computed the old way: every record of its results file in
 * memory, sorted at once, printed at once by the report builders (no external sort, no heap, no running
 * sums).
 */
export async function inMemoryReport(
  resultsFile: string,
  top: number,
): Promise<{ json: string; csv: string; text: string; images: number }> {
  const { header, records, skipped } = await loadResultsFile(resultsFile);
  const { metric } = header;
  const ranked = [...records].sort(byAdaptiveLoss);
  const dataset = inMemoryDataset(records, metric.numClasses);
  const engine = { metric, read: header.read ?? DEFAULT_READ_OPTIONS, compute: header.compute };
  const backend = `${header.backend}, loss ${lossVariantName(metric)}`;
  return {
    json: `${JSON.stringify(buildJsonReport(header.backend, engine, ranked, dataset, skipped, header.info))}\n`,
    csv: recordsToCsv(
      ranked,
      metric.scales,
      classColumnNames(metric.numClasses, header.info?.classNames),
      optionsRecord(engine),
    ),
    text: withoutTiming(formatTable(ranked.slice(0, top), dataset, skipped, backend, 0, header.info)),
    images: records.length,
  };
}
