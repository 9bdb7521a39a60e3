/**
 * Entry point of the Inspector webview (bundled to dist/inspector.js). Wires the host channel, the
 * persisted state, the page and the canvas together; each of those lives in its own module.
 */
import {
  parseHostMessage,
  type HostToWebviewMessage,
  type ImageMessage,
  type Model,
  type NavigateDirection,
} from '../../src/shared/protocol/inspector';
import { buildInspectorDom } from '../common/dom';
import { attachKeyboard, attachViewInteraction } from './interaction';
import { NO_OVERLAYS, OverlayCanvases, type OverlaySource } from './layerTable';
import { lowConfidenceMask, mergeEffectScale } from './layers';
import {
  listedIssues,
  showColorBar,
  showConfidenceControl,
  showHeader,
  showIssues,
  showHotSpots,
  showLayerControls,
  showLegend,
  showPaneCaptions,
  showStatus,
  shownHotSpots,
} from './panels';
import { loadPhoto } from './photo';
import { describePixel, showReadout } from './readout';
import { CanvasRenderer } from './renderer';
import { sideImage, type CompareLayout } from './compare';
import {
  restoreState,
  withColorScale,
  withConfidenceThreshold,
  withImage,
  withLayer,
  withView,
  type InspectorState,
} from './state';
import { connectToHost } from '../common/vscodeApi';
import { SHOWN_MARKS } from '../../src/shared/shownMarks';
import { markShownAfterNextFrame } from '../common/shownMark';
import { boxView, type ViewTransform } from './view';

interface LoadedImage {
  /** The message as it came (its own maps are `comparison.shown`'s). */
  readonly message: ImageMessage;
  /** What the first pane shows: A side by side, else the flipped-to model (or the only one). */
  image: ImageMessage;
  /** Model B as the second pane shows it while comparing side by side; null otherwise. */
  imageB: ImageMessage | null;
  overlays: OverlaySource;
  overlaysB: OverlaySource;
  photo: HTMLImageElement | null;
  /** Index into the first pane's shown hot spots, or null. */
  selectedHotSpot: number | null;
  /** Grey over the pixels below the confidence threshold, per pane (null: nothing greyed). */
  greyMask: HTMLCanvasElement | null;
  greyMaskB: HTMLCanvasElement | null;
}

const host = connectToHost();
let state: InspectorState = restoreState(host.loadState());
let current: LoadedImage | null = null;
/** All hot spots drawn and listed, or only the largest few (not persisted: each panel starts uncluttered). */
let showAllHotSpots = false;
/** The kind of list the last image came from: opening from another kind switches on the layer it is about. */
let lastOpenedFrom: ImageMessage['openedFrom'] | null = null;

/** While comparing: both models side by side (the default) or one pane; and which model one pane shows. */
let layout: CompareLayout = 'sideBySide';
let singleModel: Model = 'a';

const dom = buildInspectorDom(document.getElementById('inspector') ?? document.body);
const renderer = new CanvasRenderer(dom.canvas);
const rendererB = new CanvasRenderer(dom.canvasB);

function redraw(): void {
  if (current === null) {
    renderer.draw(null);
    return;
  }
  const scene = (
    image: ImageMessage,
    overlays: OverlaySource,
    selected: number | null,
    greyMask: HTMLCanvasElement | null,
  ) => ({
    image,
    photo: current?.photo ?? null,
    overlays,
    layers: state.layers,
    // One view for both panes: they are the same size, so a zoom or pan in either moves both alike.
    view: state.view,
    hotSpots: shownHotSpots(image, showAllHotSpots),
    selectedHotSpot: selected,
    greyMask,
  });
  renderer.draw(scene(current.image, firstPaneOverlays(current), current.selectedHotSpot, current.greyMask));
  if (current.imageB !== null) rendererB.draw(scene(current.imageB, current.overlaysB, null, current.greyMaskB));
}

function maskCanvas(image: ImageMessage | null, threshold: number): HTMLCanvasElement | null {
  const pixels = image === null ? null : lowConfidenceMask(image, threshold);
  if (image === null || pixels === null) return null;
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')?.putImageData(new ImageData(pixels, image.width, image.height), 0, 0);
  return canvas;
}

/** Recomputes the grey masks of both panes for the current threshold (the engine's top-1 map, drawn only). */
function applyConfidenceThreshold(loaded: LoadedImage): void {
  const threshold = state.confidenceThreshold ?? 0;
  loaded.greyMask = maskCanvas(loaded.image, threshold);
  loaded.greyMaskB = maskCanvas(loaded.imageB, threshold);
}

function changeConfidenceThreshold(threshold: number): void {
  state = withConfidenceThreshold(state, threshold);
  if (current !== null) applyConfidenceThreshold(current);
  update(state);
}

/** Zooms to a listed label-issue region and switches its layer on. */
function selectIssue(index: number): void {
  if (current === null) return;
  const issue = listedIssues(current.image)[index];
  if (issue === undefined) return;
  const layer = issue.evidence === 'soft' ? 'labelIssues' : 'likelyLabelErrors';
  const withLayerOn = state.layers[layer].visible ? state : withLayer(state, layer, { visible: true });
  const size = renderer.cssSize;
  update(withView(withLayerOn, boxView(issue.region.box, size.width, size.height)));
}

/** Splits the message into the panes' images for the current layout, and lays the panes out. */
function arrangePanes(loaded: LoadedImage): void {
  const comparing = loaded.message.comparison != null;
  const sideBySide = comparing && layout === 'sideBySide';
  loaded.image = sideImage(loaded.message, sideBySide ? 'a' : singleModel);
  loaded.imageB = sideBySide ? sideImage(loaded.message, 'b') : null;
  dom.panes.b.pane.hidden = !sideBySide;
  dom.compareLayout.hidden = !comparing;
  dom.switchModel.hidden = !comparing;
  dom.compareLayout.textContent = sideBySide ? 'One pane' : 'Side by side';
  dom.switchModel.textContent = sideBySide ? 'Flip A/B' : singleModel === 'a' ? 'Show B' : 'Show A';
  showPaneCaptions(dom, loaded.image, loaded.imageB);
  showHeader(dom, loaded.image, sideBySide);
  showLegend(dom, loaded.image);
  loaded.selectedHotSpot = null;
  showHotSpots(dom, loaded.image, null, selectHotSpot, showAllHotSpots);
  showIssues(dom, loaded.image, selectIssue);
  applyConfidenceThreshold(loaded);
  resizeRenderers();
}

function resizeRenderers(): boolean {
  const a = renderer.resizeTo(dom.panes.a.host.clientWidth, dom.panes.a.host.clientHeight);
  const b = rendererB.resizeTo(dom.panes.b.host.clientWidth, dom.panes.b.host.clientHeight);
  return a || b;
}

/** Reflect the state in the controls (needed after a restore; harmless after a user change). */
function syncControls(): void {
  showLayerControls(dom, current?.image ?? null, state.layers);
  showConfidenceControl(dom, current?.image ?? null, state.confidenceThreshold ?? 0);
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

/**
 * (Re)colours both models' overlays, the merge effect on one scale (the message's model's) so the
 * panes compare, and says so on the bar.
 */
function applyColorScale(loaded: LoadedImage): void {
  const scale = mergeEffectScale(loaded.message, state.colorScale ?? 'robust');
  showColorBar(dom, scale);
  const comparing = loaded.message.comparison != null;
  loaded.overlays = new OverlayCanvases(sideImage(loaded.message, 'a'), scale.halfRange);
  loaded.overlaysB = comparing ? new OverlayCanvases(sideImage(loaded.message, 'b'), scale.halfRange) : NO_OVERLAYS;
}

/** The first pane's overlays are A's unless one pane shows B. */
function firstPaneOverlays(loaded: LoadedImage): OverlaySource {
  return loaded.image.comparison?.shown === 'b' ? loaded.overlaysB : loaded.overlays;
}

function toggleColorScale(): void {
  state = withColorScale(state, (state.colorScale ?? 'robust') === 'robust' ? 'full' : 'robust');
  if (current !== null) applyColorScale(current);
  update(state);
}

function selectHotSpot(index: number): void {
  if (current === null) {
    return;
  }
  const spot = shownHotSpots(current.image, showAllHotSpots)[index];
  if (spot === undefined) {
    return;
  }
  current.selectedHotSpot = index;
  showHotSpots(dom, current.image, index, selectHotSpot, showAllHotSpots);
  const size = renderer.cssSize;
  // Hot spots are drawn on the merge-effect layer, so selecting one shows it.
  const withLayerOn = state.layers.mergeEffect.visible ? state : withLayer(state, 'mergeEffect', { visible: true });
  update(withView(withLayerOn, boxView(spot.box, size.width, size.height)));
}

function stepHotSpot(step: 1 | -1): void {
  const count = current === null ? 0 : shownHotSpots(current.image, showAllHotSpots).length;
  if (current === null || count === 0) {
    return;
  }
  const from = current.selectedHotSpot;
  selectHotSpot(from === null ? (step === 1 ? 0 : count - 1) : (from + step + count) % count);
}

function showImage(image: ImageMessage): void {
  const loaded: LoadedImage = {
    message: image,
    image,
    imageB: null,
    overlays: NO_OVERLAYS,
    overlaysB: NO_OVERLAYS,
    photo: null,
    selectedHotSpot: null,
    greyMask: null,
    greyMaskB: null,
  };
  current = loaded;
  arrangePanes(loaded);
  applyColorScale(loaded);
  showStatus(dom, null);
  showReadout(dom.readout, null);
  const single = image.position.total <= 1;
  dom.previous.disabled = single;
  dom.next.disabled = single;
  update(emphasise(withImage(state, image.name), image));
  markShownAfterNextFrame(SHOWN_MARKS.inspectorImage, image.name);
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

/**
 * The layer the user came to see, switched on when the image comes from another kind of list than the
 * last one: the merge effect for the hard examples, the cell's pixels for a confusion cell. Within one
 * list the user's own choice stands.
 */
function emphasise(opened: InspectorState, image: ImageMessage): InspectorState {
  const from = image.openedFrom ?? (image.confusionPair ? 'confusionCell' : undefined);
  if (from === lastOpenedFrom) return opened;
  lastOpenedFrom = from;
  if (from === 'hardExamples') return withLayer(opened, 'mergeEffect', { visible: true });
  if (from === 'confusionCell') return withLayer(opened, 'confusion', { visible: true });
  return opened;
}

function toggleAllHotSpots(): void {
  showAllHotSpots = !showAllHotSpots;
  if (current === null) return;
  const count = shownHotSpots(current.image, showAllHotSpots).length;
  if (current.selectedHotSpot !== null && current.selectedHotSpot >= count) current.selectedHotSpot = null;
  showHotSpots(dom, current.image, current.selectedHotSpot, selectHotSpot, showAllHotSpots);
  redraw();
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
dom.confidence.slider.addEventListener('input', () =>
  changeConfidenceThreshold(Number(dom.confidence.slider.value) / 100),
);
dom.previous.addEventListener('click', () => navigate('previous'));
dom.next.addEventListener('click', () => navigate('next'));
dom.resetView.addEventListener('click', resetView);
dom.colorScaleToggle.addEventListener('click', toggleColorScale);
dom.hotSpotsShowAll.addEventListener('click', toggleAllHotSpots);

/** b: one pane flipping between A and B (from side by side, to B). */
function switchModel(): void {
  if (current?.message.comparison == null) return;
  singleModel = layout === 'sideBySide' ? 'b' : singleModel === 'a' ? 'b' : 'a';
  layout = 'single';
  arrangePanes(current);
  redraw();
}

/** v: side by side or one pane. */
function toggleLayout(): void {
  if (current?.message.comparison == null) return;
  layout = layout === 'sideBySide' ? 'single' : 'sideBySide';
  arrangePanes(current);
  redraw();
}
dom.switchModel.addEventListener('click', switchModel);
dom.compareLayout.addEventListener('click', toggleLayout);

attachKeyboard(document, { navigate, resetView, stepHotSpot, toggleColorScale, switchModel, toggleLayout });
for (const [canvas, pane] of [
  [dom.canvas, 'first'],
  [dom.canvasB, 'second'],
] as const) {
  attachViewInteraction(canvas, {
    currentView: (): ViewTransform | null =>
      current === null ? null : renderer.effectiveView(current.image, state.view),
    changeView: (view) => update(withView(state, view)),
    resetView,
    hover: (point) => {
      const image = current === null ? null : pane === 'first' ? current.image : current.imageB;
      showReadout(dom.readout, image === null || point === null ? null : describePixel(image, point.x, point.y));
    },
  });
}

new ResizeObserver(() => {
  if (resizeRenderers()) redraw();
}).observe(dom.stage);
// VS Code switches themes by changing <body>'s class and <html>'s variables without reloading the
// page; the canvas is painted with the theme's background, so it is painted again.
new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
resizeRenderers();

syncControls();
redraw();
host.post({ type: 'ready', restoredImageName: state.imageName });
