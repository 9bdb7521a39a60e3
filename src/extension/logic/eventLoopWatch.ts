import { formatPercent } from '../../core/report/format';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

/** What the extension host's event loop did while it was watched (a run): how long anything else waited for it. */
export interface EventLoopReport {
  /** How late a 10 ms timer fired, in ms, at the 50th and 99th percentile and at most: a command waits about as long. */
  readonly delayP50Ms: number;
  readonly delayP99Ms: number;
  readonly delayMaxMs: number;
  /** The share of the time the loop was running code rather than waiting, 0 to 1. */
  readonly busy: number;
}

/** How often the delay histogram's timer fires, in ms. */
const RESOLUTION_MS = 10;

/**
 * Watches the event loop of the thread that starts it (node:perf_hooks): the delay histogram samples
 * a timer every 10 ms, and the utilization is read at the start and at the end. Cheap enough to run
 * for every evaluation; the runner logs the report, and the scale bench reads it from the log.
 */
export class EventLoopWatch {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly startedAt: EventLoopUtilization = performance.eventLoopUtilization();

  constructor() {
    this.histogram.enable();
  }

  stop(): EventLoopReport {
    this.histogram.disable();
    // The histogram holds the time between the timer's calls: its own 10 ms and the delay.
    const ms = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);
    const { utilization } = performance.eventLoopUtilization(this.startedAt);
    return {
      delayP50Ms: ms(this.histogram.percentile(50)),
      delayP99Ms: ms(this.histogram.percentile(99)),
      delayMaxMs: ms(this.histogram.max),
      busy: utilization,
    };
  }
}

/** "event loop: delay p50 12 ms, p99 85 ms, max 240 ms, busy 63%": the line the scale bench reads. */
export function eventLoopText(report: EventLoopReport): string {
  const ms = (value: number): string => `${Math.round(value)} ms`;
  return `event loop: delay p50 ${ms(report.delayP50Ms)}, p99 ${ms(report.delayP99Ms)}, max ${ms(report.delayMaxMs)}, busy ${formatPercent(report.busy, 0)}`;
}
