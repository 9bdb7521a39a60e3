import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { listChunks, withIndexPalette } from '../../../src/core/io/pngChunks';
import { readPngClassMap } from '../../../src/core/io/pngClassMap';
import { generateScene } from '../../../src/core/synthetic/scenes';
import { REPO_ROOT } from '../../helpers/golden';

/** Class ids as pngjs alone decodes them: the red channel, with palettes mapped to identity first. */
function idsByPngjs(buffer: Buffer): Uint16Array {
  const chunks = listChunks(buffer);
  const isPalette = chunks.some((c) => c.type === 'PLTE') && buffer[8 + 8 + 9] === 3;
  const png = PNG.sync.read(isPalette ? withIndexPalette(buffer, chunks) : buffer, { skipRescale: true });
  const ids = new Uint16Array(png.width * png.height);
  for (let p = 0; p < ids.length; p++) ids[p] = png.data[p * 4]!;
  return ids;
}

const LIMITS = { maxMegapixels: 64 };

test('the direct index decoder gives exactly what pngjs gives on every sample label and prediction', () => {
  let files = 0;
  for (const folder of ['SegmentationClass', 'predictions', 'soft-labels']) {
    const dir = join(REPO_ROOT, 'samples', 'voc-mini', folder);
    for (const name of readdirSync(dir)) {
      const buffer = readFileSync(join(dir, name));
      assert.deepEqual(Uint16Array.from(readPngClassMap(name, buffer, LIMITS).ids), idsByPngjs(buffer), name);
      files++;
    }
  }
  assert.ok(files >= 27);
});

test('every PNG row filter (none, sub, up, average, Paeth) decodes to the same ids as pngjs', () => {
  const scene = generateScene(42, { width: 97, height: 61, numClasses: 21, ignoreIndex: 255, voidBand: 2 });
  for (const filterType of [0, 1, 2, 3, 4]) {
    const png = new PNG({ width: 97, height: 61, colorType: 0, inputColorType: 0, bitDepth: 8 });
    // Spread ids over the byte range so the filters see large differences, not only small ids.
    const gray = Buffer.from(scene.label.map((id) => (id * 37) % 256));
    const encoded = PNG.sync.write(Object.assign(png, { data: gray }), {
      colorType: 0,
      inputColorType: 0,
      filterType,
      bitDepth: 8,
    });
    const ids = Uint16Array.from(readPngClassMap(`filter-${filterType}.png`, encoded, LIMITS).ids);
    assert.deepEqual(ids, idsByPngjs(encoded), `filter ${filterType}`);
    assert.deepEqual(ids, Uint16Array.from(gray), `filter ${filterType} round trip`);
  }
});
