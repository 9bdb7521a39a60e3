/**
 * Comparing two prediction folders: the image as either model sees it, and how the panes are laid out.
 * The host sends both models' maps in one message, so flipping or showing both never waits for it.
 */
import type { ImageMessage, Model } from '../../src/shared/protocol/inspector';

/** A | B side by side with one zoom and pan (the default), or one pane that `b` flips between them. */
export type CompareLayout = 'sideBySide' | 'single';

/** The image with `side`'s maps, numbers and hot spots (the label is the same for both models). */
export function sideImage(image: ImageMessage, side: Model): ImageMessage {
  const comparison = image.comparison ?? null;
  if (comparison === null || comparison.shown === side) return image;
  const { label, ...shownLayers } = image.layers;
  return {
    ...image,
    metrics: comparison.other.metrics,
    hotSpots: comparison.other.hotSpots,
    layers: { ...comparison.other.layers, label },
    // The label issues are the shown model's evidence; the other side's are not sent.
    labelIssues: null,
    comparison: {
      ...comparison,
      shown: side,
      other: { layers: shownLayers, metrics: image.metrics, hotSpots: image.hotSpots },
    },
  };
}

/** The prediction maps of A and B, whichever the message shows. */
export function predictionsOf(image: ImageMessage): { a: Int32Array; b: Int32Array } | null {
  const comparison = image.comparison ?? null;
  if (comparison === null) return null;
  const [shown, other] = [image.layers.predicted, comparison.other.layers.predicted];
  return comparison.shown === 'a' ? { a: shown, b: other } : { a: other, b: shown };
}
