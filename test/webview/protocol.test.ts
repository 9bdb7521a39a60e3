/** The message contract: what the host accepts from the webview, what the webview accepts from the host, and the page's CSP. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, createNonce, resourceOriginForCsp, webviewHtml } from '../../src/extension/webviewHtml';
import {
  checkDatasetMessage,
  checkWebviewMessage,
  EMBEDDED_DATA_ELEMENT_ID,
  embeddedDatasetJson,
  MAX_MATRIX_CLASSES,
  parseEmbeddedDataset,
  parseDatasetState,
  parseHostToDatasetMessage,
  defaultClassColors,
  imageNameFromPersistedState,
  isSafeImageName,
  parseHostMessage,
  parsePersistedState,
  parseWebviewMessage,
  pascalVocColor,
} from '../../src/shared/protocol';

describe('parseWebviewMessage', () => {
  it('accepts the three webview messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', restoredImageName: null }), {
      type: 'ready',
      restoredImageName: null,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', restoredImageName: 'val/2007_000032' }), {
      type: 'ready',
      restoredImageName: 'val/2007_000032',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'navigate', direction: 'next' }), {
      type: 'navigate',
      direction: 'next',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'navigate', direction: 'previous' }), {
      type: 'navigate',
      direction: 'previous',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'openSource', which: 'label', imageName: '2007_000032' }), {
      type: 'openSource',
      which: 'label',
      imageName: '2007_000032',
    });
  });

  it('refuses anything else', () => {
    const refused: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      [],
      { type: 'ready' },
      { type: 'ready', restoredImageName: null, extra: true },
      { type: 'navigate', direction: 'up' },
      { type: 'navigate', direction: 'next', steps: 3 },
      { type: 'navigate' },
      { type: 'openSource', which: 'file', imageName: 'a' },
      { type: 'openSource', which: 'label', imageName: '../../etc/passwd' },
      { type: 'openSource', which: 'label', imageName: '/etc/passwd' },
      { type: 'openSource', which: 'label', imageName: 'C:/Windows/win.ini' },
      { type: 'openSource', which: 'label', imageName: 'a\\..\\b' },
      { type: 'openSource', which: 'label', imageName: 'a\u0000b' },
      { type: 'openSource', which: 'label', imageName: '' },
      { type: 'openSource', which: 'label', path: '/tmp/x' },
      { type: 'unknown' },
      Object.assign(Object.create({ inherited: 1 }) as object, { type: 'navigate', direction: 'next' }),
      new Map([['type', 'ready']]),
    ];
    for (const value of refused) {
      assert.equal(parseWebviewMessage(value), undefined, `accepted ${String(JSON.stringify(value))}`);
    }
  });

  it('says why a message was refused', () => {
    const result = checkWebviewMessage({ type: 'navigate', direction: 'sideways' });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, /navigate\.direction/);
  });
});

describe('isSafeImageName', () => {
  it('allows relative names with subfolders and refuses escapes', () => {
    assert.ok(isSafeImageName('2007_000032'));
    assert.ok(isSafeImageName('city/frankfurt_000000_000294'));
    for (const name of ['..', 'a/../b', './a', 'a//b', '/a', 'a/', 'C:x', 'a\nb', 'x'.repeat(2000)]) {
      assert.equal(isSafeImageName(name), false, name);
    }
  });
});

function imageMessage(
  overrides: Record<string, unknown> = {},
  layerOverrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const pixels = 6;
  return {
    type: 'image',
    name: 'a/b',
    width: 3,
    height: 2,
    numClasses: 2,
    classNames: ['background', 'cat'],
    classColors: defaultClassColors(2),
    ignoreIndex: 255,
    imageUri: null,
    metrics: {
      ce: 1,
      adaptive: 0.5,
      mergeEffect: 0.5,
      miou: null,
      pixelAccuracy: 0.5,
      perScale: { '2': 0.5 },
      perClassIoU: [0.5, null],
    },
    position: { index: 0, total: 1 },
    mergeEffectRange: null,
    lossVariant: 'v1',
    hotSpots: [
      {
        scale: 2,
        classId: 1,
        effect: 0.4,
        share: 0.1,
        pixels: 2,
        windows: 1,
        box: { x: 1, y: 0, width: 2, height: 2 },
        cells: Uint8Array.of(1),
      },
    ],
    layers: {
      label: new Int32Array(pixels),
      predicted: new Int32Array(pixels),
      truthProbability: new Float32Array(pixels),
      pixelCost: new Float32Array(pixels),
      mergeEffect: new Float32Array(pixels),
      ...layerOverrides,
    },
    ...overrides,
  };
}

describe('parseHostMessage', () => {
  it('accepts a well-formed image message, with layers as typed arrays or bare buffers', () => {
    const parsed = parseHostMessage(imageMessage({}, { mergeEffect: new Float32Array(6).buffer }));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.ok(parsed.value.type === 'image' && parsed.value.layers.mergeEffect instanceof Float32Array);
    assert.deepEqual(parseHostMessage({ type: 'error', message: 'boom' }), {
      ok: true,
      value: { type: 'error', message: 'boom' },
    });
    assert.deepEqual(parseHostMessage({ type: 'loading', name: 'a' }), {
      ok: true,
      value: { type: 'loading', name: 'a' },
    });
  });

  it('refuses wrong sizes, wrong array types, JSON number arrays and bad metrics', () => {
    const refused: [string, unknown][] = [
      ['short layer', imageMessage({}, { label: new Int32Array(5) })],
      ['float label', imageMessage({}, { label: new Float32Array(6) })],
      ['JSON numbers', imageMessage({}, { pixelCost: [0, 0, 0, 0, 0, 0] })],
      ['extra layer', imageMessage({}, { logits: new Float32Array(6) })],
      ['colour count', imageMessage({ classColors: [[0, 0, 0]] })],
      [
        'colour range',
        imageMessage({
          classColors: [
            [0, 0, 0],
            [0, 0, 256],
          ],
        }),
      ],
      [
        'IoU above 1',
        imageMessage({
          metrics: {
            ce: 1,
            adaptive: 1,
            mergeEffect: 0,
            miou: 1,
            pixelAccuracy: 1,
            perScale: {},
            perClassIoU: [2, null],
          },
        }),
      ],
      [
        'NaN loss',
        imageMessage({
          metrics: {
            ce: Number.NaN,
            adaptive: 1,
            mergeEffect: 0,
            miou: 1,
            pixelAccuracy: 1,
            perScale: {},
            perClassIoU: [1, null],
          },
        }),
      ],
      ['position', imageMessage({ position: { index: 1, total: 1 } })],
      ['zero width', imageMessage({ width: 0 })],
      ['range', imageMessage({ mergeEffectRange: -1 })],
      ['no loss variant', imageMessage({ lossVariant: undefined })],
      [
        'hot spot outside the image',
        imageMessage({
          hotSpots: [
            {
              scale: 2,
              classId: 1,
              effect: 1,
              share: 1,
              pixels: 1,
              windows: 1,
              box: { x: 2, y: 0, width: 2, height: 1 },
            },
          ],
        }),
      ],
      ['unsafe name', imageMessage({ name: '../x' })],
      ['extra field', imageMessage({ script: 'alert(1)' })],
    ];
    for (const [why, value] of refused) {
      assert.equal(parseHostMessage(value).ok, false, why);
    }
  });
});

describe('persisted state', () => {
  const state = {
    version: 1,
    imageName: 'a/b',
    layers: {
      image: { visible: true, opacity: 1 },
      label: { visible: false, opacity: 0.5 },
      prediction: { visible: true, opacity: 0.5 },
      error: { visible: false, opacity: 0.6 },
      mergeEffect: { visible: false, opacity: 0.75 },
      confusion: { visible: false, opacity: 0.5 },
      difference: { visible: true, opacity: 0.5 },
      boundary: { visible: true, opacity: 0.5 },
      entropy: { visible: true, opacity: 0.4 },
      margin: { visible: false, opacity: 0.3 },
      labelIssues: { visible: false, opacity: 0.2 },
      likelyLabelErrors: { visible: true, opacity: 0.1 },
    },
    view: { zoom: 2, offsetX: -10, offsetY: 5 },
    confidenceThreshold: 0.35,
  };

  it('round-trips and gives the host the image name', () => {
    assert.deepEqual(parsePersistedState(JSON.parse(JSON.stringify(state))), state);
    assert.equal(imageNameFromPersistedState(state), 'a/b');
  });

  it('fills in the confusion layer for a state saved before it existed', () => {
    const { confusion: _confusion, difference: _difference, boundary: _boundary, ...olderLayers } = state.layers;
    const restored = parsePersistedState({ ...state, layers: olderLayers });
    assert.deepEqual(restored?.layers.confusion, { visible: true, opacity: 0.9 });
    assert.deepEqual(restored?.layers.mergeEffect, state.layers.mergeEffect);
  });

  it('fills in the soft and agreement layers and no threshold for a state saved before them', () => {
    const {
      entropy: _entropy,
      margin: _margin,
      labelIssues: _labelIssues,
      likelyLabelErrors: _likely,
      ...olderLayers
    } = state.layers;
    const { confidenceThreshold: _threshold, ...older } = state;
    const restored = parsePersistedState({ ...older, layers: olderLayers });
    assert.deepEqual(restored?.layers.entropy, { visible: false, opacity: 0.8 });
    assert.deepEqual(restored?.layers.labelIssues, { visible: true, opacity: 0.9 });
    assert.equal(restored?.confidenceThreshold, undefined);
    assert.equal(parsePersistedState({ ...state, confidenceThreshold: 1.5 }), undefined, 'a threshold is in 0..1');
  });

  it('refuses corrupt or foreign state', () => {
    assert.equal(parsePersistedState(undefined), undefined);
    assert.equal(parsePersistedState({ ...state, version: 2 }), undefined);
    assert.equal(parsePersistedState({ ...state, view: { zoom: 0, offsetX: 0, offsetY: 0 } }), undefined);
    assert.equal(imageNameFromPersistedState({ ...state, imageName: '../../x' }), undefined);
  });
});

describe('palette', () => {
  it('follows the Pascal VOC colour map', () => {
    assert.deepEqual(pascalVocColor(0), [0, 0, 0]);
    assert.deepEqual(pascalVocColor(1), [128, 0, 0]);
    assert.deepEqual(pascalVocColor(15), [192, 128, 128]);
    assert.deepEqual(pascalVocColor(255), [224, 224, 192]);
  });
});

describe('webviewHtml', () => {
  it('writes a strict nonce CSP with the page script and stylesheet inline, under the nonce, and no remote sources', () => {
    const nonce = createNonce();
    const html = webviewHtml({
      cspSource: 'https://*.vscode-cdn.net',
      nonce,
      script: 'document.body.dataset.ran = "yes";',
      style: 'body { color: red; }',
    });
    const csp = contentSecurityPolicy('https://*.vscode-cdn.net', nonce);
    assert.ok(html.includes(`content="${csp}"`));
    assert.match(csp, /^default-src 'none'/);
    assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
    assert.ok(csp.includes(`style-src 'nonce-${nonce}'`));
    assert.doesNotMatch(csp.replaceAll('https://*.vscode-cdn.net', ''), /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.equal(html.match(/<script /g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}">document.body.dataset.ran = "yes";</script>`));
    assert.ok(html.includes(`<style nonce="${nonce}">body { color: red; }</style>`));
    assert.doesNotMatch(html, /<link|\ssrc=/, 'nothing is fetched');
    assert.notEqual(createNonce(), nonce);
  });

  it('refuses a script or stylesheet that would end its element or open a comment, never altering it', () => {
    const page = { cspSource: 'https://x', nonce: createNonce(), script: '', style: '' };
    assert.throws(() => webviewHtml({ ...page, script: 'const s = "</script><img src=x>";' }), /"<\/script"/);
    assert.throws(() => webviewHtml({ ...page, script: 'const s = "</SCRIPT >";' }), /"<\/SCRIPT"/);
    assert.throws(() => webviewHtml({ ...page, script: 'x <!-- y' }), /"<!--"/);
    assert.throws(() => webviewHtml({ ...page, style: 'a{} </style><script>alert(1)</script>' }), /"<\/style"/);
    assert.doesNotThrow(() => webviewHtml({ ...page, script: 'a < b && c </ d', style: 'a > b {}' }));
  });

  it('writes every shipped page bundle and stylesheet in as it is', (t) => {
    // Compiled to out/test/webview: the repository is three folders up.
    const dist = path.join(__dirname, '..', '..', '..', 'dist');
    const pages = ['inspector', 'dataset', 'gallery'] as const;
    if (!pages.every((page) => existsSync(path.join(dist, `${page}.js`)))) {
      t.skip('dist/ not built (npm run build)');
      return;
    }
    for (const page of pages) {
      const script = readFileSync(path.join(dist, `${page}.js`), 'utf8');
      const style = readFileSync(path.join(dist, `${page}.css`), 'utf8');
      const html = webviewHtml({ cspSource: 'https://x', nonce: createNonce(), script, style, rootId: page });
      assert.ok(html.includes(script) && html.includes(style), `${page}: written in whole`);
    }
  });

  it('refuses a weak nonce or a csp source that would add directives', () => {
    assert.throws(() => webviewHtml({ cspSource: 'x', nonce: 'short', script: 'a', style: 'b' }));
    assert.throws(() => contentSecurityPolicy("x; script-src 'unsafe-inline'", createNonce()));
  });

  it("takes the one resource origin out of VS Code's cspSource list", () => {
    // VS Code 1.139 gives "'self' https://*.vscode-cdn.net"; the shell takes a single token.
    assert.equal(resourceOriginForCsp("'self' https://*.vscode-cdn.net"), 'https://*.vscode-cdn.net');
    assert.equal(resourceOriginForCsp('vscode-webview-resource: https://x'), 'vscode-webview-resource:');
    assert.equal(resourceOriginForCsp('https://only.example'), 'https://only.example');
    // Every token it can return is one contentSecurityPolicy accepts.
    assert.doesNotThrow(() =>
      contentSecurityPolicy(resourceOriginForCsp("'self' https://*.vscode-cdn.net"), createNonce()),
    );
  });

  it('escapes the title into its text and attribute', () => {
    const html = webviewHtml({
      cspSource: 'https://x',
      nonce: createNonce(),
      script: '',
      style: '',
      title: '"><script>alert(1)</script>',
    });
    assert.ok(!html.includes('<script>alert(1)'));
  });

  it('writes embedded data as a JSON data block no text inside it can close or open', () => {
    const text = '</script><script>alert(1)</script><!-- </SCRIPT';
    const html = webviewHtml({
      cspSource: 'https://x',
      nonce: createNonce(),
      script: 'void 0;',
      style: '',
      embeddedJson: JSON.stringify({ text }),
    });
    const block = new RegExp(`<script type="application/json" id="${EMBEDDED_DATA_ELEMENT_ID}">([^<]*)</script>`);
    const inside = block.exec(html)?.[1];
    assert.ok(inside !== undefined, 'one data block, ended by its own closing tag');
    assert.deepEqual(JSON.parse(inside), { text }, 'the JSON reads back exactly');
    assert.equal(html.match(/<script /g)?.length, 2, 'the data block and the page script, nothing else');
    assert.doesNotMatch(html, /alert\(1\)<\/script>/);
  });
});

describe('dataset panel messages', () => {
  const dataset = {
    type: 'dataset',
    title: 'predictions',
    images: 2,
    numClasses: 2,
    classNames: ['background', 'cat'],
    classColors: [
      [0, 0, 0],
      [128, 0, 0],
    ],
    confusion: Float64Array.from([5, 1, 2, 3]),
    unknownPredictions: Float64Array.from([0, 1]),
    classFigures: { perClassIoU: [0.625, 0.5], perClassBoundaryIoU: [0.5, null] },
    figures: { miou: 0.5625, meanImageMiou: 0.6, boundaryMiou: 0.5 },
    reliability: null,
  };
  const bin = { lo: 0.8, hi: 0.9, count: 10, confidence: 0.85, accuracy: 0.7 };

  it('accepts the dataset and cell-image messages and refuses bad matrices', () => {
    const parsed = parseHostToDatasetMessage(dataset);
    assert.ok(parsed.ok);
    assert.ok(!parseHostToDatasetMessage({ ...dataset, confusion: [5, 1, 2, 3] }).ok, 'a JSON array is not a matrix');
    assert.ok(!parseHostToDatasetMessage({ ...dataset, confusion: Float64Array.from([5, 1, 2]) }).ok, 'C×C counts');
    assert.ok(!parseHostToDatasetMessage({ ...dataset, confusion: Float64Array.from([5, -1, 2, 3]) }).ok);
    assert.ok(!parseHostToDatasetMessage({ ...dataset, numClasses: MAX_MATRIX_CLASSES + 1 }).ok);
    const figures = (classFigures: object, figures: object = dataset.figures) =>
      parseHostToDatasetMessage({ ...dataset, classFigures, figures }).ok;
    assert.ok(!figures({ perClassIoU: [2, 0.5] }), 'IoU in 0..1');
    assert.ok(!figures({ perClassBoundaryIoU: [0.5, 0.5] }), 'the IoU is required');
    assert.ok(figures({ perClassIoU: [0.5, 0.5], perClassDice: [0.5, null] }), 'a further figure of the table');
    assert.ok(!figures({ perClassIoU: [0.5, 0.5], perClassDice: [0.5] }), 'one value per class');
    assert.ok(!figures({ perClassIoU: [0.5, 0.5], perClassWhatever: [0.5, 0.5] }), 'only figures of the table');
    assert.ok(figures({ perClassIoU: [0.5, 0.5] }, { fwIoU: 0.5, ece: null }));
    assert.ok(!figures({ perClassIoU: [0.5, 0.5] }, { fwIoU: 1.5 }));
    assert.ok(!parseHostToDatasetMessage({ ...dataset, unknownPredictions: Float64Array.from([0]) }).ok);
    const reliability = (bins: unknown) => parseHostToDatasetMessage({ ...dataset, reliability: bins }).ok;
    assert.ok(reliability([bin, { ...bin, lo: 0.9, hi: 1, count: 0, confidence: null, accuracy: null }]));
    assert.ok(!reliability([{ ...bin, count: 0 }]), 'an empty bin has no confidence');
    assert.ok(!reliability([{ ...bin, accuracy: null }]), 'a full bin has an accuracy');
    assert.ok(!reliability([{ ...bin, lo: 0.9, hi: 0.8 }]), 'lo < hi');
    assert.ok(!reliability([{ ...bin, confidence: 1.2 }]));
    assert.ok(!reliability(Array.from({ length: 101 }, () => bin)), 'at most 100 bins');
    const cell = {
      type: 'cellImages',
      pair: { label: 1, predicted: 0 },
      images: [{ name: 'a/b', count: 3 }],
      total: 1,
    };
    assert.ok(parseHostToDatasetMessage(cell).ok);
    assert.ok(!parseHostToDatasetMessage({ ...cell, images: [{ name: '../x', count: 3 }] }).ok);
  });

  it('reads back the dataset written into the page exactly, and checks it as a posted one', () => {
    const parsed = parseHostToDatasetMessage(dataset);
    assert.ok(parsed.ok && parsed.value.type === 'dataset');
    const exact = { ...parsed.value, confusion: Float64Array.from([0.1 + 0.2, 1e15 + 1, 2 ** 53, 3]) };
    const back = parseEmbeddedDataset(embeddedDatasetJson(exact));
    assert.ok(back.ok, back.ok ? '' : back.error);
    assert.deepEqual(back.value, exact, 'typed arrays again, every double the same');
    const refused = (text: string): string => {
      const result = parseEmbeddedDataset(text);
      return result.ok ? 'accepted' : result.error;
    };
    assert.match(refused('{"type":'), /^embedded dataset: not JSON/);
    assert.match(refused('[1,2]'), /embedded dataset: expected an object/);
    const json = JSON.parse(embeddedDatasetJson(exact)) as Record<string, unknown>;
    assert.match(refused(JSON.stringify({ ...json, confusion: [5, -1, 2, 3] })), /dataset\.confusion/);
    assert.match(refused(JSON.stringify({ ...json, confusion: [5, 1, 2] })), /dataset\.confusion/);
    assert.match(refused(JSON.stringify({ ...json, confusion: ['5', 1, 2, 3] })), /dataset\.confusion/);
    const cell = { type: 'cellImages', pair: { label: 1, predicted: 0 }, images: [], total: 0 };
    assert.match(refused(JSON.stringify(cell)), /expected the "dataset" message/);
  });

  it('accepts only cells inside the evaluated class count and image names, never paths', () => {
    assert.ok(checkDatasetMessage({ type: 'datasetReady' }, 2).ok);
    assert.ok(checkDatasetMessage({ type: 'selectCell', pair: { label: 1, predicted: 0 } }, 2).ok);
    assert.ok(!checkDatasetMessage({ type: 'selectCell', pair: { label: 2, predicted: 0 } }, 2).ok);
    assert.ok(!checkDatasetMessage({ type: 'selectCell', pair: { label: 1, predicted: 0 }, extra: 1 }, 2).ok);
    assert.ok(checkDatasetMessage({ type: 'openCellImage', pair: { label: 0, predicted: 1 }, imageName: 'x/y' }, 2).ok);
    for (const imageName of ['/etc/passwd', '../secret', 'C:\\x', 'a/../../b'])
      assert.ok(!checkDatasetMessage({ type: 'openCellImage', pair: { label: 0, predicted: 1 }, imageName }, 2).ok);
  });

  it('keeps a valid saved state and drops a corrupt one; an older state gets the new fields’ defaults', () => {
    const older = { version: 1, selected: { label: 1, predicted: 0 }, cellSize: 12 };
    const state = {
      ...older,
      order: 'iou',
      showEmptyClasses: true,
      tableSort: { key: 'perClassDice', descending: true },
    };
    assert.deepEqual(parseDatasetState(state), state);
    assert.deepEqual(parseDatasetState(older), {
      ...older,
      order: 'id',
      showEmptyClasses: false,
      tableSort: { key: 'id', descending: false },
    });
    assert.deepEqual(parseDatasetState({ ...state, cellSize: null }), { ...state, cellSize: null }, 'null: fitted');
    assert.equal(parseDatasetState({ ...state, cellSize: 1000 }), undefined);
    assert.equal(parseDatasetState({ ...state, order: 'random' }), undefined);
    assert.equal(parseDatasetState({ ...state, showEmptyClasses: 'yes' }), undefined);
    assert.equal(parseDatasetState({ ...state, tableSort: { key: 'path', descending: true } }), undefined);
    assert.equal(parseDatasetState({ ...state, selected: { label: -1, predicted: 0 } }), undefined);
  });

  it('an image message may carry the boundary bands as bits 0..7', () => {
    assert.ok(parseHostMessage(imageMessage({}, { boundaryBand: new Uint8Array(6).fill(7) })).ok);
    assert.ok(!parseHostMessage(imageMessage({}, { boundaryBand: new Uint8Array(6).fill(8) })).ok);
    assert.ok(!parseHostMessage(imageMessage({}, { boundaryBand: new Uint8Array(5) })).ok);
  });

  it("an image message may carry the other model's maps, numbers and hot spots; the webview may only ask to switch model", () => {
    const base = imageMessage({});
    const comparison = {
      shown: 'b',
      other: {
        layers: {
          predicted: new Int32Array(6),
          truthProbability: new Float32Array(6),
          pixelCost: new Float32Array(6),
          mergeEffect: new Float32Array(6),
        },
        metrics: base['metrics'],
        hotSpots: base['hotSpots'],
      },
      folders: { a: 'predictions', b: 'predictions-b' },
      perClassIoUDelta: [0.25, null],
      miouDelta: -0.5,
    };
    const parsed = parseHostMessage(imageMessage({ comparison }));
    assert.ok(parsed.ok && parsed.value.type === 'image' && parsed.value.comparison?.shown === 'b');
    assert.equal(parsed.value.comparison.folders.b, 'predictions-b');
    const withLayers = (layers: Record<string, unknown>) =>
      imageMessage({
        comparison: {
          ...comparison,
          other: { ...comparison.other, layers: { ...comparison.other.layers, ...layers } },
        },
      });
    assert.ok(!parseHostMessage(withLayers({ predicted: new Int32Array(5) })).ok, 'the size of the image');
    assert.ok(!parseHostMessage(withLayers({ label: new Int32Array(6) })).ok, 'no second label');
    assert.ok(!parseHostMessage(imageMessage({ comparison: { ...comparison, folders: { a: 'x' } } })).ok);
    assert.ok(!parseHostMessage(imageMessage({ comparison: { ...comparison, shown: 'c' } })).ok);
    assert.ok(!parseHostMessage(imageMessage({ comparison: { ...comparison, miouDelta: 2 } })).ok);
    assert.deepEqual(parseWebviewMessage({ type: 'switchModel', model: 'a' }), { type: 'switchModel', model: 'a' });
    assert.equal(parseWebviewMessage({ type: 'switchModel', model: '/tmp/b' }), undefined);
  });

  it('an image message may name its dataset, labels folder and list, and the kind of list it came from', () => {
    const parsed = parseHostMessage(
      imageMessage({
        datasetName: 'camvid',
        labelsFolder: 'camvid/labels',
        openedFrom: 'confusionCell',
        position: { index: 0, total: 2, list: 'cell car → road' },
      }),
    );
    assert.ok(parsed.ok && parsed.value.type === 'image');
    assert.equal(parsed.value.datasetName, 'camvid');
    assert.equal(parsed.value.openedFrom, 'confusionCell');
    assert.equal(parsed.value.position.list, 'cell car → road');
    assert.ok(!parseHostMessage(imageMessage({ openedFrom: 'elsewhere' })).ok);
  });

  it('an image message may carry the confusion cell it was opened from, inside the class range', () => {
    const withCell = parseHostMessage(imageMessage({ confusionPair: { label: 1, predicted: 0 } }));
    assert.ok(withCell.ok && withCell.value.type === 'image');
    assert.deepEqual(withCell.value.confusionPair, { label: 1, predicted: 0 });
    const without = parseHostMessage(imageMessage({}));
    assert.ok(without.ok && without.value.type === 'image' && without.value.confusionPair === null);
    assert.ok(!parseHostMessage(imageMessage({ confusionPair: { label: 2, predicted: 0 } })).ok, 'class 2 of 2');
  });
});
