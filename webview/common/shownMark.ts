/**
 * Marks the moment an answer the user waits for is on screen: a performance mark made once the next
 * frame has been produced (after the frame's rendering, in a task of its own). The scale bench
 * (bench/extensionScale.mjs) times a response from the user's input to this mark by the page's own
 * clock, since a driver polling from outside sees it up to a round trip late; a devtools performance
 * trace shows the marks too. One mark per name: the latest replaces the one before.
 */
export function markShownAfterNextFrame(name: string, detail?: string): void {
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.clearMarks(name);
      performance.mark(name, detail !== undefined ? { detail } : undefined);
    }),
  );
}
