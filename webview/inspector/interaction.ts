/**
 * Pointer and keyboard input: wheel zooms about the pointer, drag pans, hovering reports the image
 * pixel under the pointer, and n/p (or →/←) step through the hard examples.
 */
import type { NavigateDirection } from '../../src/shared/protocol/inspector';
import { panBy, screenToImage, wheelZoomFactor, zoomAt, type ViewTransform } from './view';

export interface ViewCallbacks {
  /** The view in effect now (the fitted one when none is stored), or null without an image. */
  currentView(): ViewTransform | null;
  changeView(view: ViewTransform): void;
  resetView(): void;
  /** Image coordinates under the pointer, or null when it left the canvas. */
  hover(point: { x: number; y: number } | null): void;
}

export function attachViewInteraction(canvas: HTMLCanvasElement, callbacks: ViewCallbacks): void {
  let dragFrom: { x: number; y: number } | null = null;

  canvas.addEventListener(
    'wheel',
    (event) => {
      const view = callbacks.currentView();
      if (view === null) {
        return;
      }
      event.preventDefault();
      callbacks.changeView(zoomAt(view, event.offsetX, event.offsetY, wheelZoomFactor(event.deltaY)));
    },
    // Not passive: we must preventDefault so the page does not scroll while zooming.
    { passive: false },
  );

  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) {
      return;
    }
    dragFrom = { x: event.clientX, y: event.clientY };
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add('dragging');
  });

  canvas.addEventListener('pointermove', (event) => {
    const view = callbacks.currentView();
    if (view === null) {
      return;
    }
    if (dragFrom !== null) {
      const moved = panBy(view, event.clientX - dragFrom.x, event.clientY - dragFrom.y);
      dragFrom = { x: event.clientX, y: event.clientY };
      callbacks.changeView(moved);
      return;
    }
    callbacks.hover(screenToImage(view, event.offsetX, event.offsetY));
  });

  const endDrag = (event: PointerEvent): void => {
    if (dragFrom !== null) {
      dragFrom = null;
      canvas.releasePointerCapture(event.pointerId);
      canvas.classList.remove('dragging');
    }
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => callbacks.hover(null));
  canvas.addEventListener('dblclick', () => callbacks.resetView());
}

/** Typing in a form control (e.g. arrow keys on an opacity slider) must not change the image. */
function isEditingControl(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

export const NAVIGATION_KEYS: Readonly<Record<string, NavigateDirection>> = {
  n: 'next',
  ArrowRight: 'next',
  p: 'previous',
  ArrowLeft: 'previous',
};

export function attachKeyboard(
  target: Document,
  handlers: {
    navigate(direction: NavigateDirection): void;
    resetView(): void;
    /** h: the next hot spot, H: the previous one. */
    stepHotSpot(step: 1 | -1): void;
    /** s: robust / full colour range. */
    toggleColorScale(): void;
    /** b: one pane flipping between model A and model B when comparing. */
    switchModel?(): void;
    /** v: A and B side by side, or one pane. */
    toggleLayout?(): void;
  },
): void {
  target.addEventListener('keydown', (event) => {
    // Leave chords to VS Code (its keybindings reach the webview first only without modifiers).
    if (event.ctrlKey || event.metaKey || event.altKey || isEditingControl(event.target)) {
      return;
    }
    const direction = NAVIGATION_KEYS[event.key];
    if (direction !== undefined) {
      event.preventDefault();
      handlers.navigate(direction);
    } else if (event.key === 'r') {
      event.preventDefault();
      handlers.resetView();
    } else if (event.key === 'h' || event.key === 'H') {
      event.preventDefault();
      handlers.stepHotSpot(event.key === 'h' ? 1 : -1);
    } else if (event.key === 's') {
      event.preventDefault();
      handlers.toggleColorScale();
    } else if (event.key === 'b' && handlers.switchModel !== undefined) {
      event.preventDefault();
      handlers.switchModel();
    } else if (event.key === 'v' && handlers.toggleLayout !== undefined) {
      event.preventDefault();
      handlers.toggleLayout();
    }
  });
}
