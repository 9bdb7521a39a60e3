import { createHash } from 'node:crypto';
import type { ColorTable } from './io/colorTable';
import type { EngineOptions } from './io/readFiles';
import { optionsRecord } from './options';

/** JSON with object keys sorted and undefined fields left out, so equal values always hash equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Map) return stableJson([...(value as Map<unknown, unknown>)].sort(byFirst));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function byFirst(a: [unknown, unknown], b: [unknown, unknown]): number {
  const x = String(a[0]);
  const y = String(b[0]);
  return typeof a[0] === 'number' && typeof b[0] === 'number' ? a[0] - b[0] : x < y ? -1 : x > y ? 1 : 0;
}

/** What of a colour table changes a number: which colour is which id (its names only label the classes). */
function colorIdentity(table: ColorTable | undefined): unknown {
  return table === undefined ? null : { classColors: table.classColors, idOfColor: table.idOfColor };
}

/**
 * The one identity of "these results were computed the same way": every option of the option table
 * that changes a number (optionsRecord: its metric, read and engine rows, resolved, so an option left
 * out and the same option given at its default are one identity), and the CONTENTS the dataset decided (the colour table's colours and the id mapping), so a
 * dataset file or colour table edited in place is a new identity although its path did not change.
 * `context` adds what else the caller keys on: the CLI's run hash adds the two folders, the extension's
 * cache the engine version. The CLI's `run` in a results file header and the extension's cache key are
 * both this function.
 */
export function optionsIdentity(options: EngineOptions, context: Readonly<Record<string, unknown>> = {}): string {
  const identity = {
    // The option table's metric, read and engine options, resolved (defaults filled in, weights spelled out).
    options: optionsRecord(options),
    ids: options.ids ?? null,
    colorTable: colorIdentity(options.colorTable),
    context,
  };
  return createHash('sha256').update(stableJson(identity)).digest('hex').slice(0, 16);
}
