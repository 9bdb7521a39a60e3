/**
 * Zoom and pan as one affine map: screen = offset + zoom × image (CSS pixels). Pure functions so
 * the arithmetic is easy to reason about; the canvas code only applies the result.
 */
import type { PersistedViewState } from '../../src/shared/protocol/inspector';

export type ViewTransform = PersistedViewState;

export const ZOOM_LIMITS = { min: 0.02, max: 256 } as const;

/** The largest zoom that shows the whole image, centred: what "reset view" and a new image give. */
export function fitView(
  imageWidth: number,
  imageHeight: number,
  canvasWidth: number,
  canvasHeight: number,
): ViewTransform {
  const zoom = Math.max(ZOOM_LIMITS.min, Math.min(canvasWidth / imageWidth, canvasHeight / imageHeight));
  return { zoom, offsetX: (canvasWidth - imageWidth * zoom) / 2, offsetY: (canvasHeight - imageHeight * zoom) / 2 };
}

export function screenToImage(view: ViewTransform, screenX: number, screenY: number): { x: number; y: number } {
  return { x: (screenX - view.offsetX) / view.zoom, y: (screenY - view.offsetY) / view.zoom };
}

/** Zoom by `factor` keeping the image point under (screenX, screenY) where it is, as maps do. */
export function zoomAt(view: ViewTransform, screenX: number, screenY: number, factor: number): ViewTransform {
  const zoom = Math.max(ZOOM_LIMITS.min, Math.min(ZOOM_LIMITS.max, view.zoom * factor));
  const anchor = screenToImage(view, screenX, screenY);
  return { zoom, offsetX: screenX - anchor.x * zoom, offsetY: screenY - anchor.y * zoom };
}

export function panBy(view: ViewTransform, deltaX: number, deltaY: number): ViewTransform {
  return { zoom: view.zoom, offsetX: view.offsetX + deltaX, offsetY: view.offsetY + deltaY };
}

/** Wheel delta → zoom factor; exponential so zooming in and out by the same amount cancels. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}

/**
 * The view that shows an image box (a hot spot) centred with a margin around it: the box fills at most
 * two thirds of the canvas, and never more zoom than ZOOM_LIMITS allows.
 */
export function boxView(
  box: { x: number; y: number; width: number; height: number },
  canvasWidth: number,
  canvasHeight: number,
): ViewTransform {
  const zoom = Math.max(
    ZOOM_LIMITS.min,
    Math.min(ZOOM_LIMITS.max, (2 / 3) * Math.min(canvasWidth / box.width, canvasHeight / box.height)),
  );
  const centreX = box.x + box.width / 2;
  const centreY = box.y + box.height / 2;
  return { zoom, offsetX: canvasWidth / 2 - centreX * zoom, offsetY: canvasHeight / 2 - centreY * zoom };
}
