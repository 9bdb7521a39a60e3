/**
 * Where a worker pool keeps results between a worker finishing a job and the consumer taking it, and
 * how far ahead of the consumer jobs may start: the pool's only memory that grows with its backlog.
 */
export interface ResultQueue<Result> {
  /** Job `index`'s result. */
  put(index: number, result: Result): void;
  /** The next result the consumer gets, if it is here. */
  take(): Result | undefined;
  /** Whether job `index` may start now (jobs start in index order) without the queue outgrowing its bound. */
  admits(index: number): boolean;
  /** Results held. */
  readonly size: number;
}

/** Results in the order they finish; at most `bound` are held before jobs wait for the consumer. */
export class CompletionOrder<Result> implements ResultQueue<Result> {
  private readonly ready: Result[] = [];

  constructor(private readonly bound: number) {}

  put(_index: number, result: Result): void {
    this.ready.push(result);
  }

  take(): Result | undefined {
    return this.ready.shift();
  }

  admits(): boolean {
    return this.ready.length < this.bound;
  }

  get size(): number {
    return this.ready.length;
  }
}

/**
 * Results in job order: a result that finishes early waits for those before it. Job `index` starts only
 * while `index < next + window`, `next` being the first job not yet taken, so held and running results
 * together never exceed `window`, however long one slow job holds back those after it.
 */
export class JobOrder<Result> implements ResultQueue<Result> {
  /** Job `index`'s result sits at `index % window` until taken. */
  private readonly slots: (Result | undefined)[];
  private readonly present: boolean[];
  private next = 0;
  private held = 0;

  constructor(private readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`a reorder window of ${window} jobs`);
    this.slots = new Array<Result | undefined>(window).fill(undefined);
    this.present = new Array<boolean>(window).fill(false);
  }

  put(index: number, result: Result): void {
    if (index < this.next || index >= this.next + this.window)
      throw new RangeError(`job ${index} finished outside the window ${this.next}..${this.next + this.window - 1}`);
    const slot = index % this.window;
    if (this.present[slot]) throw new RangeError(`job ${index} finished twice`);
    this.slots[slot] = result;
    this.present[slot] = true;
    this.held++;
  }

  take(): Result | undefined {
    const slot = this.next % this.window;
    if (!this.present[slot]) return undefined;
    const result = this.slots[slot];
    this.slots[slot] = undefined;
    this.present[slot] = false;
    this.held--;
    this.next++;
    return result;
  }

  admits(index: number): boolean {
    return index < this.next + this.window;
  }

  get size(): number {
    return this.held;
  }
}
