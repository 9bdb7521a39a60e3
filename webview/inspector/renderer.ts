/**
 * Composites the scene on the visible canvas: theme background, the image's rectangle (neutral
 * grey, then the photo), then each visible overlay with its opacity as global alpha. Pixels stay
 * square when zoomed in (no smoothing) because a segmentation error is a pixel-level fact.
 */
import type {
  HotSpotRegion,
  ImageMessage,
  LayerName,
  PersistedLayerState,
  Rgb,
} from '../../src/shared/protocol/inspector';
import { cssColor, NEUTRAL_BACKGROUND } from '../common/colormap';
import { numberAnchor, outlinePath } from './hotSpotOutline';
import { isShown, type OverlaySource } from './layerTable';
import { OVERLAY_NAMES } from './layers';
import { fitView, type ViewTransform } from './view';

export interface Scene {
  readonly image: ImageMessage;
  /** The loaded photo, or null when there is none (or it failed to load). */
  readonly photo: CanvasImageSource | null;
  readonly overlays: OverlaySource;
  readonly layers: Readonly<Record<LayerName, PersistedLayerState>>;
  /** null = fit to the canvas */
  readonly view: ViewTransform | null;
  /** Outlined and numbered over the merge-effect layer when it is visible; the selected one stands out. */
  readonly hotSpots: readonly HotSpotRegion[];
  readonly selectedHotSpot: number | null;
  /** Grey over the pixels below the confidence threshold (drawn over every overlay); null for none. */
  readonly greyMask?: HTMLCanvasElement | null;
}

/** Outline colours: where merging removes cost, where it adds cost, and the selected region. */
export const HOT_SPOT_COLORS = {
  removes: [255, 214, 0] as Rgb,
  adds: [0, 229, 255] as Rgb,
  selected: [255, 255, 255] as Rgb,
} as const;

/** Outline width in CSS pixels, whatever the zoom; a dark halo of HALO px on each side keeps it visible on light heat. */
export const HOT_SPOT_LINE = { normal: 2, selected: 3, halo: 1 } as const;

/** The numbers' badges: radius in CSS pixels. */
const BADGE_RADIUS = 9;

export class CanvasRenderer {
  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Size of the canvas in CSS pixels (the unit of the view transform). */
  get cssSize(): { width: number; height: number } {
    const ratio = window.devicePixelRatio || 1;
    return { width: this.canvas.width / ratio, height: this.canvas.height / ratio };
  }

  /** Match the backing store to the element's layout size so drawing stays crisp on HiDPI screens. */
  resizeTo(cssWidth: number, cssHeight: number): boolean {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.floor(cssWidth * ratio));
    const height = Math.max(1, Math.floor(cssHeight * ratio));
    if (width === this.canvas.width && height === this.canvas.height) {
      return false;
    }
    this.canvas.width = width;
    this.canvas.height = height;
    return true;
  }

  effectiveView(image: { width: number; height: number }, view: ViewTransform | null): ViewTransform {
    const size = this.cssSize;
    return view ?? fitView(image.width, image.height, size.width, size.height);
  }

  draw(scene: Scene | null): void {
    const context = this.canvas.getContext('2d');
    if (context === null) {
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.globalAlpha = 1;
    context.fillStyle = themeBackground();
    context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (scene === null) {
      return;
    }
    const { image } = scene;
    const view = this.effectiveView(image, scene.view);
    context.setTransform(ratio * view.zoom, 0, 0, ratio * view.zoom, ratio * view.offsetX, ratio * view.offsetY);
    context.imageSmoothingEnabled = false;
    context.fillStyle = cssColor(NEUTRAL_BACKGROUND);
    context.fillRect(0, 0, image.width, image.height);
    if (scene.photo !== null && isShown('image', scene.layers.image, image)) {
      // The photo is smoothed (it is a photo); overlays are not.
      context.imageSmoothingEnabled = true;
      context.globalAlpha = scene.layers.image.opacity;
      context.drawImage(scene.photo, 0, 0, image.width, image.height);
      context.imageSmoothingEnabled = false;
    }
    for (const overlay of OVERLAY_NAMES) {
      const layer = scene.layers[overlay];
      if (!isShown(overlay, layer, image) || layer.opacity <= 0) continue;
      const canvas = scene.overlays.get(overlay);
      if (canvas !== undefined) {
        context.globalAlpha = layer.opacity;
        context.drawImage(canvas, 0, 0);
      }
    }
    context.globalAlpha = 1;
    if (scene.greyMask) context.drawImage(scene.greyMask, 0, 0);
    if (isShown('mergeEffect', scene.layers.mergeEffect, image)) {
      drawHotSpots(context, scene, view.zoom);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      drawNumbers(context, scene, view);
    }
  }
}

/** Outlines in image coordinates, traced once per hot spot. */
const outlines = new WeakMap<HotSpotRegion, Path2D>();

function outlineOf(spot: HotSpotRegion): Path2D {
  let path = outlines.get(spot);
  if (path === undefined) {
    path = outlinePath(spot);
    outlines.set(spot, path);
  }
  return path;
}

function spotColor(scene: Scene, index: number, spot: HotSpotRegion): Rgb {
  return index === scene.selectedHotSpot
    ? HOT_SPOT_COLORS.selected
    : spot.effect > 0
      ? HOT_SPOT_COLORS.removes
      : HOT_SPOT_COLORS.adds;
}

/** Each hot spot's outline (the border of its windows' union), over a dark halo. */
function drawHotSpots(context: CanvasRenderingContext2D, scene: Scene, zoom: number): void {
  context.lineJoin = 'miter';
  context.lineCap = 'square';
  scene.hotSpots.forEach((spot, index) => {
    const line = index === scene.selectedHotSpot ? HOT_SPOT_LINE.selected : HOT_SPOT_LINE.normal;
    const path = outlineOf(spot);
    context.strokeStyle = 'rgba(0, 0, 0, 0.75)';
    context.lineWidth = (line + 2 * HOT_SPOT_LINE.halo) / zoom;
    context.stroke(path);
    context.strokeStyle = cssColor(spotColor(scene, index, spot));
    context.lineWidth = line / zoom;
    context.stroke(path);
  });
}

/** Each hot spot's number in a badge of its colour at its first window's corner, the same size at any zoom. */
function drawNumbers(context: CanvasRenderingContext2D, scene: Scene, view: ViewTransform): void {
  context.font = `bold ${BADGE_RADIUS + 3}px sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  scene.hotSpots.forEach((spot, index) => {
    const anchor = numberAnchor(spot);
    const x = view.offsetX + anchor.x * view.zoom;
    const y = view.offsetY + anchor.y * view.zoom;
    context.beginPath();
    context.arc(x, y, BADGE_RADIUS, 0, 2 * Math.PI);
    context.fillStyle = cssColor(spotColor(scene, index, spot));
    context.fill();
    context.lineWidth = 1.5;
    context.strokeStyle = 'rgba(0, 0, 0, 0.85)';
    context.stroke();
    context.fillStyle = 'rgb(0, 0, 0)';
    context.fillText(String(index + 1), x, y + 0.5);
  });
}

/** The editor background of the current theme, so the area around the image blends with VS Code. */
function themeBackground(): string {
  const value = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim();
  return value === '' ? '#1e1e1e' : value;
}
