import type { JobGate } from '../../core/evaluate/jobGate';
import { SYSTEM_CLOCK, type Clock } from './clock';
import type { IDisposable } from './dispose';

export interface GateTimes {
  /** How long new jobs wait after the user's last action (a command ending, a panel's message). */
  readonly tailMs: number;
  /** A command holds the gate at most this long (a quick pick left open does not stop the run). */
  readonly maxHoldMs: number;
  /** Closed this long without a break, the gate opens for `breakMs` whatever the user does. */
  readonly maxClosedMs: number;
  readonly breakMs: number;
}

/** What a panel needs of the gate: to say that the user acted. */
export type UserActivity = Pick<UserActivityGate, 'touch'>;

export const DEFAULT_GATE_TIMES: GateTimes = { tailMs: 1500, maxHoldMs: 10_000, maxClosedMs: 5000, breakMs: 1000 };

/**
 * Holds back a run's next jobs while the user acts in SegLens (sorts, filters, opens an image or a
 * panel) and for a moment after, so that the editor gets the cores. Why: on 2 cores the engine's
 * worker, this host's event loop taking its results and the workbench's renderer share them, and a
 * response that takes 0.4-0.9 s with nothing running took 1-3 s while a run went on (docs/performance.md,
 * "Responses while a run goes on"); the worker's lower priority does not reach the renderer, which Linux
 * schedules in a session of its own. The run only pauses: the workers finish the jobs they hold, and
 * however busy the user, the gate opens for `breakMs` after `maxClosedMs` closed.
 */
export class UserActivityGate implements JobGate, IDisposable {
  private holds = 0;
  /** No new jobs before this time (the tail of the last action). */
  private quietFrom = Number.NEGATIVE_INFINITY;
  /** When the gate last closed, while it is closed. */
  private closedSince: number | undefined;
  /** A break in a long closed stretch: open until this time whatever happens. */
  private breakUntil = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly times: GateTimes = DEFAULT_GATE_TIMES,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  get isOpen(): boolean {
    const now = this.clock.now();
    if (now < this.breakUntil) return true;
    return this.holds === 0 && now >= this.quietFrom;
  }

  onOpen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The user acted (a message from a panel): new jobs wait `tailMs` from now. */
  touch(): void {
    this.quietFrom = Math.max(this.quietFrom, this.clock.now() + this.times.tailMs);
    this.update();
  }

  /** Holds the gate while `work` runs (at most `maxHoldMs`) and for `tailMs` after it. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.holds--;
      this.touch();
    };
    const cap = this.clock.setTimeout(release, this.times.maxHoldMs);
    this.update();
    try {
      return await work();
    } finally {
      this.clock.clearTimeout(cap);
      release();
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  /** Notes a change of state, tells the listeners when the gate opens, and sets the next check. */
  private update(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    if (this.isOpen) {
      if (this.closedSince !== undefined) {
        this.closedSince = undefined;
        for (const listener of [...this.listeners]) listener();
      }
      // A break ends on its own: the gate may close again then, if a command or a tail still holds it.
      if (now < this.breakUntil) this.check(this.breakUntil - now);
      return;
    }
    this.closedSince ??= now;
    const breakAt = this.closedSince + this.times.maxClosedMs;
    if (now >= breakAt) {
      this.breakUntil = now + this.times.breakMs;
      this.update();
      return;
    }
    // A command's release calls update itself; a tail ends at quietFrom.
    this.check((this.holds > 0 ? breakAt : Math.min(breakAt, this.quietFrom)) - now);
  }

  private check(afterMs: number): void {
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.update();
      },
      Math.max(0, afterMs),
    );
  }
}
