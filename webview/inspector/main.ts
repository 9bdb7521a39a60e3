/**
 * Entry point of the Inspector webview (bundled to dist/inspector.js). Wires the host channel, the
 * persisted state, the page and the canvas together; each of those lives in its own module.
 */
import {
  LAYER_NAMES,
  parseHostMessage,
  type HostToWebviewMessage,
  type ImageMessage,
  type NavigateDirection,
} from '../../src/shared/protocol/inspector';
import { buildInspectorDom } from '../common/dom';
import { attachKeyboard, attachViewInteraction } from './interaction';
import { buildOverlayCanvases, mergeEffectScale, type OverlayName } from './layers';
import { showColorBar, showHeader, showHotSpots, showLegend, showStatus } from './panels';
import { loadPhoto } from './photo';
import { describePixel, showReadout } from './readout';
import { CanvasRenderer } from './renderer';
import { restoreState, withColorScale, withImage, withLayer, withView, type InspectorState } from './state';
import { connectToHost } from '../common/vscodeApi';
import { boxView, type ViewTransform } from './view';

interface LoadedImage {
  readonly image: ImageMessage;
  overlays: Map<OverlayName, HTMLCanvasElement>;
  photo: HTMLImageElement | null;
  /** Index into image.hotSpots, or null. */
  selectedHotSpot: number | null;
}

const host = connectToHost();
let state: InspectorState = restoreState(host.loadState());
let current: LoadedImage | null = null;

const dom = buildInspectorDom(document.getElementById('inspector') ?? document.body);
const renderer = new CanvasRenderer(dom.canvas);

function redraw(): void {
  renderer.draw(
    current === null
      ? null
      : {
          image: current.image,
          photo: current.photo,
          overlays: current.overlays,
          layers: state.layers,
          view: state.view,
          hotSpots: current.image.hotSpots,
          selectedHotSpot: current.selectedHotSpot,
        },
  );
}

/** Reflect the state in the controls (needed after a restore; harmless after a user change). */
function syncControls(): void {
  for (const layer of LAYER_NAMES) {
    const control = dom.layerControls.get(layer);
    const setting = state.layers[layer];
    if (control !== undefined) {
      control.toggle.checked = setting.visible;
      control.opacity.value = String(Math.round(setting.opacity * 100));
      control.opacity.disabled = !setting.visible;
    }
  }
}

function update(next: InspectorState): void {
  state = next;
  host.saveState(state);
  syncControls();
  redraw();
}

function navigate(direction: NavigateDirection): void {
  host.post({ type: 'navigate', direction });
}

function resetView(): void {
  update(withView(state, null));
}

/** (Re)colours the merge-effect layer with the scale the state asks for, and says so on the bar. */
function applyColorScale(loaded: LoadedImage): Map<OverlayName, HTMLCanvasElement> {
  const scale = mergeEffectScale(loaded.image, state.colorScale ?? 'robust');
  showColorBar(dom, scale);
  return buildOverlayCanvases(loaded.image, scale.halfRange);
}

function toggleColorScale(): void {
  state = withColorScale(state, (state.colorScale ?? 'robust') === 'robust' ? 'full' : 'robust');
  if (current !== null) {
    current.overlays = applyColorScale(current);
  }
  update(state);
}

function selectHotSpot(index: number): void {
  if (current === null) {
    return;
  }
  const spot = current.image.hotSpots[index];
  if (spot === undefined) {
    return;
  }
  current.selectedHotSpot = index;
  showHotSpots(dom, current.image, index, selectHotSpot);
  const size = renderer.cssSize;
  // Hot spots are drawn on the merge-effect layer, so selecting one shows it.
  const withLayerOn = state.layers.mergeEffect.visible ? state : withLayer(state, 'mergeEffect', { visible: true });
  update(withView(withLayerOn, boxView(spot.box, size.width, size.height)));
}

function stepHotSpot(step: 1 | -1): void {
  const count = current?.image.hotSpots.length ?? 0;
  if (current === null || count === 0) {
    return;
  }
  const from = current.selectedHotSpot;
  selectHotSpot(from === null ? (step === 1 ? 0 : count - 1) : (from + step + count) % count);
}

function showImage(image: ImageMessage): void {
  const loaded: LoadedImage = { image, overlays: new Map(), photo: null, selectedHotSpot: null };
  loaded.overlays = applyColorScale(loaded);
  current = loaded;
  showHeader(dom, image);
  showLegend(dom, image);
  showHotSpots(dom, image, null, selectHotSpot);
  showStatus(dom, null);
  showReadout(dom.readout, null);
  const single = image.position.total <= 1;
  dom.previous.disabled = single;
  dom.next.disabled = single;
  dom.switchModel.hidden = !image.comparison;
  if (image.comparison) dom.switchModel.textContent = image.comparison.shown === 'a' ? 'Show B' : 'Show A';
  const opened = withImage(state, image.name);
  // Opened from a confusion-matrix cell: that cell's pixels are what the user came to see.
  update(image.confusionPair ? withLayer(opened, 'confusion', { visible: true }) : opened);
  if (image.imageUri !== null) {
    void loadPhoto(image.imageUri).then((photo) => {
      // A newer image may have arrived while this photo was loading.
      if (current !== loaded) {
        return;
      }
      if (photo === null) {
        showStatus(dom, `The photo for ${image.name} could not be loaded; overlays are drawn on grey.`);
      }
      loaded.photo = photo;
      redraw();
    });
  }
}

function handleHostMessage(message: HostToWebviewMessage): void {
  switch (message.type) {
    case 'image':
      showImage(message);
      return;
    case 'loading':
      showStatus(dom, `Computing ${message.name}…`);
      return;
    case 'error':
      showStatus(dom, message.message, 'error');
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (parsed.ok) {
    handleHostMessage(parsed.value);
  } else {
    showStatus(dom, `SegLens ignored a malformed message from the extension: ${parsed.error}`, 'error');
  }
});

for (const [layer, control] of dom.layerControls) {
  control.toggle.addEventListener('change', () => update(withLayer(state, layer, { visible: control.toggle.checked })));
  control.opacity.addEventListener('input', () =>
    update(withLayer(state, layer, { opacity: Number(control.opacity.value) / 100 })),
  );
}
dom.previous.addEventListener('click', () => navigate('previous'));
dom.next.addEventListener('click', () => navigate('next'));
dom.resetView.addEventListener('click', resetView);
dom.colorScaleToggle.addEventListener('click', toggleColorScale);

function switchModel(): void {
  const comparison = current?.image.comparison ?? null;
  if (comparison !== null) host.post({ type: 'switchModel', model: comparison.shown === 'a' ? 'b' : 'a' });
}
dom.switchModel.addEventListener('click', switchModel);

attachKeyboard(document, { navigate, resetView, stepHotSpot, toggleColorScale, switchModel });
attachViewInteraction(dom.canvas, {
  currentView: (): ViewTransform | null =>
    current === null ? null : renderer.effectiveView(current.image, state.view),
  changeView: (view) => update(withView(state, view)),
  resetView,
  hover: (point) =>
    showReadout(
      dom.readout,
      current === null || point === null ? null : describePixel(current.image, point.x, point.y),
    ),
});

new ResizeObserver(() => {
  if (renderer.resizeTo(dom.stage.clientWidth, dom.stage.clientHeight)) {
    redraw();
  }
}).observe(dom.stage);
renderer.resizeTo(dom.stage.clientWidth, dom.stage.clientHeight);

syncControls();
redraw();
host.post({ type: 'ready', restoredImageName: state.imageName });
