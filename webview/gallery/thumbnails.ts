/**
 * The thumbnails the page holds: at most `capacity` data URIs, the least recently drawn dropped
 * first, so scrolling through 100,000 images never keeps them all. Names asked for and not yet
 * answered are remembered, so a cell is asked for once while it stays on screen.
 */

export type Thumbnail = { readonly dataUri: string } | { readonly error: string };

export class ThumbnailStore {
  private readonly held = new Map<string, Thumbnail>();
  private readonly asked = new Set<string>();

  constructor(private readonly capacity = 1500) {}

  /** The thumbnail of `name` if held; marks it recently used. */
  get(name: string): Thumbnail | undefined {
    const thumbnail = this.held.get(name);
    if (thumbnail !== undefined) {
      this.held.delete(name);
      this.held.set(name, thumbnail);
    }
    return thumbnail;
  }

  put(name: string, thumbnail: Thumbnail): void {
    this.asked.delete(name);
    this.held.delete(name);
    this.held.set(name, thumbnail);
    while (this.held.size > this.capacity) {
      const oldest = this.held.keys().next().value;
      if (oldest === undefined) break;
      this.held.delete(oldest);
    }
  }

  /**
   * Of the names on screen, those to ask the host for; undefined when nothing new is missing. The
   * request carries every missing name on screen, since the host drops queued work for the others.
   */
  missing(onScreen: readonly string[]): string[] | undefined {
    const missing = onScreen.filter((name) => !this.held.has(name));
    const fresh = missing.some((name) => !this.asked.has(name));
    this.asked.clear();
    for (const name of missing) this.asked.add(name);
    return fresh ? missing : undefined;
  }

  get size(): number {
    return this.held.size;
  }
}
