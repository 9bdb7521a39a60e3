/** A binary heap: `pop` gives the first item under `compare`. For the top-N report and the k-way merge. */
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const first = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return first;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && this.compare(items[left]!, items[least]!) < 0) least = left;
      if (right < items.length && this.compare(items[right]!, items[least]!) < 0) least = right;
      if (least === i) return first;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
  }

  /** Every item, in no particular order. */
  toArray(): T[] {
    return [...this.items];
  }
}
