/**
 * The panel's persisted state: layer toggles and opacities, zoom/pan, and which image it shows.
 * Saved with setState on every change so a hidden or restored panel looks the same; the host's
 * WebviewPanelSerializer reads `imageName` from it to re-send that image.
 */
import {
  LAYER_NAMES,
  parsePersistedState,
  type ColorScale,
  type LayerName,
  type PersistedInspectorState,
  type PersistedLayerState,
} from '../../src/shared/protocol/inspector';
import { LAYERS } from './layerTable';
import type { ViewTransform } from './view';

export type InspectorState = PersistedInspectorState;

export function defaultState(): InspectorState {
  const layers = Object.fromEntries(LAYER_NAMES.map((layer) => [layer, { ...LAYERS[layer].defaults }]));
  return { version: 1, imageName: null, layers: layers as Record<LayerName, PersistedLayerState>, view: null };
}

/** The saved state if it is one this version understands; otherwise start fresh rather than half-restore. */
export function restoreState(saved: unknown): InspectorState {
  return parsePersistedState(saved) ?? defaultState();
}

export function withLayer(
  state: InspectorState,
  layer: LayerName,
  change: Partial<PersistedLayerState>,
): InspectorState {
  const current = state.layers[layer];
  const opacity = Math.max(0, Math.min(1, change.opacity ?? current.opacity));
  return { ...state, layers: { ...state.layers, [layer]: { visible: change.visible ?? current.visible, opacity } } };
}

export function withColorScale(state: InspectorState, colorScale: ColorScale): InspectorState {
  return { ...state, colorScale };
}

export function withView(state: InspectorState, view: ViewTransform | null): InspectorState {
  return { ...state, view };
}

/** A different image starts fitted; the same image (a restored panel) keeps its zoom and pan. */
export function withImage(state: InspectorState, imageName: string): InspectorState {
  return imageName === state.imageName ? state : { ...state, imageName, view: null };
}

export function withConfidenceThreshold(state: InspectorState, threshold: number): InspectorState {
  return { ...state, confidenceThreshold: Math.max(0, Math.min(1, threshold)) };
}
