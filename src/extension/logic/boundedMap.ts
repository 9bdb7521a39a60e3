/**
 * `Promise.all(items.map(work))` with at most `limit` calls in flight, results in the order of the
 * items. A run stats both files of every pair before it starts: 100,000 pairs at once were 200,000
 * pending file-system requests and their closures, hundreds of megabytes in the extension host.
 */
/** File stats in flight at once: enough to keep a disk busy, few enough to cost nothing. */
export const STAT_CONCURRENCY = 64;

export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runner = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!, index);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  return results;
}
