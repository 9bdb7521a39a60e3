import { Heap } from './heap';

/**
 * The first `limit` items under `compare` of a stream, in bounded memory: a heap whose root is the last
 * of those kept, so each new item costs O(log limit) and one after all of them is dropped at once. What
 * the text report's "hardest N" needs without holding every image.
 */
export class TopN<T> {
  private readonly heap: Heap<T>;

  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
  ) {
    this.heap = new Heap<T>((a, b) => compare(b, a));
  }

  add(item: T): void {
    if (!this.wouldKeep(item)) return;
    if (this.heap.size === this.limit) this.heap.pop();
    this.heap.push(item);
  }

  /** Whether `add(item)` would keep it (so an item costly to make is made only then). */
  wouldKeep(item: T): boolean {
    return this.limit > 0 && (this.heap.size < this.limit || this.compare(item, this.heap.peek()!) < 0);
  }

  /** The kept items, first first. */
  sorted(): T[] {
    return this.heap.toArray().sort(this.compare);
  }
}
