import { formatCount } from '../../core/report/format';
/**
 * How far a run is: the ONE count the progress notification, the view's message line and the
 * summary row all read (they used to count three different things at three different moments).
 * A pair is done when its result is in the store, from the cache or computed, or when it was
 * skipped as unreadable; unpaired files are not pairs, so they count in neither number.
 */
export interface RunProgress {
  /** Pairs whose outcome (result or skip) is in the store. */
  readonly done: number;
  /** Pairs the run evaluates. */
  readonly total: number;
}

export const NO_PROGRESS: RunProgress = { done: 0, total: 0 };

export function startProgress(total: number): RunProgress {
  return { done: 0, total };
}

/** One more pair has its outcome in the store; never past the total. */
export function advanceProgress(progress: RunProgress): RunProgress {
  return { done: Math.min(progress.total, progress.done + 1), total: progress.total };
}

/** "329 of 3,000 images", the words every place shows. */
export function progressText(progress: RunProgress): string {
  return `${formatCount(progress.done)} of ${formatCount(progress.total)} images`;
}

/** The notification's bar takes increments in percent: the share of the total since the last report. */
export function progressIncrement(previousDone: number, progress: RunProgress): number {
  return progress.total === 0 ? 0 : ((progress.done - previousDone) / progress.total) * 100;
}
