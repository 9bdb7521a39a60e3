/**
 * How soon the hard-examples view re-lists its rows. Each refresh sends its rows to the workbench,
 * which lays them out: at 100,000 images and 1,000 rows, done every 150 ms while a run streamed in,
 * that kept the workbench's renderer busy and the extension host's garbage high. So results arriving
 * wait longer the more images there are, while what the user asked for (a sort, a filter) and a run's
 * start and end are shown at once, never behind a streaming refresh.
 */
import { SYSTEM_CLOCK, type Clock } from './clock';

/** The shortest wait between refreshes while results stream in (3,750 images or fewer). */
export const STREAMING_REFRESH_MIN_MS = 150;
/** The longest: the view's count and rows still move every second. */
export const STREAMING_REFRESH_MAX_MS = 1000;
/** One millisecond more per this many images, between the two. */
const IMAGES_PER_MS = 25;

/** The wait before showing newly arrived results, with `images` results in the store. */
export function streamingRefreshMs(images: number): number {
  return Math.min(STREAMING_REFRESH_MAX_MS, Math.max(STREAMING_REFRESH_MIN_MS, Math.round(images / IMAGES_PER_MS)));
}

/**
 * Runs `refresh` once for any number of requests: at the earliest time any pending request asked for.
 * A request due later than the one pending joins it; one due sooner moves it forward.
 */
export class RefreshPacer {
  private handle: unknown;
  private due = Number.POSITIVE_INFINITY;

  constructor(
    private readonly refresh: () => void,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /** Asks for a refresh within `delayMs` (0: on the next turn of the event loop). */
  request(delayMs: number): void {
    const due = this.clock.now() + delayMs;
    if (this.handle !== undefined) {
      if (this.due <= due) return;
      this.clock.clearTimeout(this.handle);
    }
    this.due = due;
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      this.due = Number.POSITIVE_INFINITY;
      this.refresh();
    }, delayMs);
  }

  dispose(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.due = Number.POSITIVE_INFINITY;
  }
}
