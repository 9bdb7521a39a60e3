/**
 * Entry point of the Inspector webview (bundled to dist/webview.js). Wires the host channel, the
 * persisted state, the page and the canvas together; each of those lives in its own module.
 */
import {
  LAYER_NAMES,
  parseHostMessage,
  type HostToWebviewMessage,
  type ImageMessage,
  type NavigateDirection,
} from '../src/shared/protocol';
import { buildInspectorDom } from './dom';
import { attachKeyboard, attachViewInteraction } from './interaction';
import { buildOverlayCanvases, mergeEffectHalfRange, type OverlayName } from './layers';
import { showColorBar, showHeader, showLegend, showStatus } from './panels';
import { loadPhoto } from './photo';
import { describePixel, showReadout } from './readout';
import { CanvasRenderer } from './renderer';
import { restoreState, withImage, withLayer, withView, type InspectorState } from './state';
import { connectToHost } from './vscodeApi';
import type { ViewTransform } from './view';

interface LoadedImage {
  readonly image: ImageMessage;
  readonly overlays: ReadonlyMap<OverlayName, HTMLCanvasElement>;
  photo: HTMLImageElement | null;
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

function showImage(image: ImageMessage): void {
  const halfRange = mergeEffectHalfRange(image);
  const loaded: LoadedImage = { image, overlays: buildOverlayCanvases(image, halfRange), photo: null };
  current = loaded;
  showHeader(dom, image);
  showLegend(dom, image);
  showColorBar(dom, halfRange);
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
function switchModel(): void {
  const comparison = current?.image.comparison ?? null;
  if (comparison !== null) host.post({ type: 'switchModel', model: comparison.shown === 'a' ? 'b' : 'a' });
}
dom.switchModel.addEventListener('click', switchModel);

attachKeyboard(document, { navigate, resetView, switchModel });
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
