/**
 * The k-th smallest value (0-based) of `values`, which it reorders: Hoare's selection, linear on
 * average. The inspector's robust colour scale reads one percentile of a megapixel map; sorting the
 * whole map for it took longer than drawing the frame.
 */
export function kthSmallest(values: Float32Array, k: number): number {
  if (values.length === 0) return Number.NaN;
  let low = 0;
  let high = values.length - 1;
  const target = Math.max(0, Math.min(high, Math.floor(k)));
  while (low < high) {
    // Median of three as the pivot: sorted or constant maps stay linear.
    const middle = (low + high) >>> 1;
    const a = values[low]!;
    const b = values[middle]!;
    const c = values[high]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target]!;
  }
  return values[target]!;
}
