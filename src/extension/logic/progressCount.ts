import { formatCount } from '../../core/report/format';

/** How far a run is: pairs with an outcome (a result, from the cache or computed, or a failure) of all pairs. */
export interface RunProgress {
  readonly processed: number;
  readonly total: number;
}

/**
 * The one count of a running evaluation, "1,480 of 3,000": the notification, the view's message and the
 * summary row all show this text of the same store status, so they never disagree.
 */
export function progressCount(progress: RunProgress): string {
  return `${formatCount(progress.processed)} of ${formatCount(progress.total)}`;
}
