/** The gallery's message contract: what the host accepts from the gallery page and what the page accepts from the host. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkGalleryMessage,
  MAX_THUMBNAIL_REQUEST,
  parseGalleryState,
  parseHostToGalleryMessage,
} from '../../src/shared/protocol/gallery';

const query = { sortKey: 'adaptive', classId: 1, cell: { label: 0, predicted: 2 }, delta: 'any' };

describe('checkGalleryMessage (host side)', () => {
  it('accepts the four gallery messages', () => {
    for (const message of [
      { type: 'galleryReady', query: null },
      { type: 'galleryReady', query },
      { type: 'setQuery', query },
      { type: 'requestThumbnails', names: ['val/2007_000032', 'b'] },
      { type: 'openImage', name: 'val/2007_000032' },
    ]) {
      const checked = checkGalleryMessage(message, 3);
      assert.ok(checked.ok, checked.ok ? '' : checked.error);
      assert.deepEqual(checked.value, message);
    }
  });

  it('refuses file paths, unknown fields, classes out of range and oversized requests', () => {
    const refused = [
      { type: 'openImage', name: '/etc/passwd' },
      { type: 'openImage', name: '../secret' },
      { type: 'openImage', name: 'C:\\x' },
      { type: 'openImage', name: 'a', path: '/x' },
      { type: 'requestThumbnails', names: ['ok', 'a/../../b'] },
      { type: 'requestThumbnails', names: Array.from({ length: MAX_THUMBNAIL_REQUEST + 1 }, (_, i) => `n${i}`) },
      { type: 'setQuery', query: { ...query, classId: 3 } },
      { type: 'setQuery', query: { ...query, cell: { label: 0, predicted: 9 } } },
      { type: 'setQuery', query: { ...query, sortKey: 'x; drop' } },
      { type: 'setQuery', query: { ...query, delta: 'sideways' } },
      { type: 'setQuery', query: { ...query, extra: 1 } },
      { type: 'openFile', name: 'a' },
      null,
      'openImage',
    ];
    for (const message of refused) assert.equal(checkGalleryMessage(message, 3).ok, false, JSON.stringify(message));
  });
});

describe('parseHostToGalleryMessage (webview side)', () => {
  const items = {
    type: 'galleryItems',
    title: 'predictions',
    query,
    sortKeys: [{ key: 'adaptive', label: 'Adaptive loss', detail: 'highest first', format: 'fixed' }],
    classNames: ['bg', 'cat', 'dog'],
    classes: [{ id: 1, name: 'cat', images: 2 }],
    cells: [{ label: 0, predicted: 2, pixels: 40 }],
    comparing: false,
    total: 5,
    names: ['a', 'b'],
    values: Float64Array.from([0.5, Number.NaN]),
  };

  it('accepts a list and thumbnails as data URIs or errors', () => {
    assert.ok(parseHostToGalleryMessage(items).ok);
    const thumbnails = {
      type: 'thumbnails',
      items: [
        { name: 'a', dataUri: 'data:image/png;base64,iVBORw0KGgo=' },
        { name: 'b', error: 'b.png: file is empty' },
      ],
    };
    const parsed = parseHostToGalleryMessage(thumbnails);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, thumbnails);
  });

  it('refuses remote or scripted thumbnails, values of the wrong length, names that are paths', () => {
    for (const dataUri of [
      'https://example.com/a.png',
      'data:image/svg+xml;base64,PHN2Zz4=',
      'data:text/html;base64,PGI+',
      'data:image/png;base64,<script>',
    ])
      assert.equal(
        parseHostToGalleryMessage({ type: 'thumbnails', items: [{ name: 'a', dataUri }] }).ok,
        false,
        dataUri,
      );
    assert.equal(parseHostToGalleryMessage({ ...items, values: Float64Array.from([1]) }).ok, false);
    assert.equal(parseHostToGalleryMessage({ ...items, names: ['/abs', 'b'] }).ok, false);
    assert.equal(
      parseHostToGalleryMessage({ ...items, sortKeys: [{ ...items.sortKeys[0], format: 'hex' }] }).ok,
      false,
    );
  });
});

describe('parseGalleryState', () => {
  it('keeps a well-formed state and drops anything else', () => {
    const state = { version: 1, query, firstVisible: 42 };
    assert.deepEqual(parseGalleryState(state), state);
    assert.equal(parseGalleryState({ ...state, version: 2 }), undefined);
    assert.equal(parseGalleryState({ ...state, firstVisible: -1 }), undefined);
    assert.equal(parseGalleryState(undefined), undefined);
  });
});
