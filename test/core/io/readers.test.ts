import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { InputError } from '../../../src/core/errors';
import { evaluateImage, evaluatePairOutcome } from '../../../src/core/evaluate/evaluateImage';
import { cityscapesColorTable, parseColorTable, vocColormap, vocColorTable } from '../../../src/core/io/colorTable';
import { encodeNpy } from '../../../src/core/io/npy';
import { pairFiles } from '../../../src/core/io/pairing';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { readLabel, readPrediction, type EngineOptions } from '../../../src/core/io/readFiles';
import { DEFAULT_METRIC_OPTIONS, LOSS_PRESETS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { generateScene } from '../../../src/core/synthetic/scenes';
import { REPO_ROOT } from '../../helpers/golden';

const SAMPLES = join(REPO_ROOT, 'samples', 'voc-mini');
const OPTIONS: EngineOptions = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS };
const scratch = (): string => mkdtempSync(join(tmpdir(), 'seglens-readers-'));

async function rejectsWith(promise: Promise<unknown>, code: string, file: string, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.file, file);
    assert.match(error.reason, reason);
    return true;
  });
}

function writeRgb(
  file: string,
  width: number,
  height: number,
  color: (p: number) => readonly [number, number, number],
): void {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = color(p);
    png.data.set([r, g, b, 255], p * 4);
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}

test('VOC palette PNGs from the sample dataset read back as the class ids they were drawn with', async () => {
  // samples/voc-mini image i is generateScene(1000 + i) (src/tools/makeSamples.ts).
  const scene = generateScene(1000, { width: 200, height: 150, numClasses: 21, ignoreIndex: 255, voidBand: 2 });
  const label = await readLabel(join(SAMPLES, 'SegmentationClass', '2007_000100.png'), OPTIONS);
  assert.equal(label.width, 200);
  assert.equal(label.height, 150);
  // 8-bit files decode to one byte a pixel.
  assert.ok(label.ids instanceof Uint8Array);
  assert.deepEqual(Uint16Array.from(label.ids), scene.label);
  assert.ok(label.ids.includes(255), 'the sample has VOC void borders');
  const prediction = await readPrediction(join(SAMPLES, 'predictions', '2007_000100.png'), OPTIONS);
  assert.equal(prediction.type, 'hard');
  if (prediction.type === 'hard') assert.deepEqual(Uint16Array.from(prediction.map.ids), scene.prediction);
});

test('palette PNGs are read by index, not by colour', async () => {
  const dir = scratch();
  const file = join(dir, 'shuffled.png');
  const voc = vocColormap();
  const palette = [voc[7]!, voc[3]!, voc[0]!, voc[12]!];
  writeFileSync(file, encodeIndexPng(2, 2, [0, 1, 2, 3], { kind: 'palette', palette }));
  const map = await readLabel(file, OPTIONS);
  assert.deepEqual(Array.from(map.ids), [0, 1, 2, 3]);
});

test('grayscale 8- and 16-bit index PNGs keep their raw values', async () => {
  const dir = scratch();
  const eight = join(dir, 'eight.png');
  const sixteen = join(dir, 'sixteen.png');
  writeFileSync(eight, encodeIndexPng(3, 1, [0, 20, 255], { kind: 'gray', bitDepth: 8 }));
  writeFileSync(sixteen, encodeIndexPng(4, 1, [0, 149, 300, 65535], { kind: 'gray', bitDepth: 16 }));
  assert.deepEqual(Array.from((await readLabel(eight, OPTIONS)).ids), [0, 20, 255]);
  assert.deepEqual(Array.from((await readLabel(sixteen, OPTIONS)).ids), [0, 149, 300, 65535]);
});

test('16-bit labels with 150 classes evaluate (ADE20K-style ids above 255)', async () => {
  const dir = scratch();
  const labelFile = join(dir, 'l.png');
  const predictionFile = join(dir, 'p.png');
  writeFileSync(labelFile, encodeIndexPng(2, 2, [149, 149, 300, 0], { kind: 'gray', bitDepth: 16 }));
  writeFileSync(predictionFile, encodeIndexPng(2, 2, [149, 3, 0, 0], { kind: 'gray', bitDepth: 16 }));
  const { record } = await evaluateImage(
    { name: 'ade', predictionFile, labelFile },
    { ...OPTIONS, metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: 150, ignoreIndex: 65535 } },
  );
  assert.equal(record.validPixels, 3, 'id 300 >= 150 classes is void');
  assert.equal(record.pixelAccuracy, 2 / 3);
  assert.equal(record.warnings.length, 1);
  assert.match(record.warnings[0]!, /ids >= 150/);
});

test('colour-coded PNGs go through the VOC, Cityscapes or a custom colour table', async () => {
  const dir = scratch();
  const voc = vocColormap();
  const vocFile = join(dir, 'voc.png');
  writeRgb(vocFile, 3, 1, (p) => [voc[15]!, voc[0]!, voc[255]!][p]!);
  assert.deepEqual(
    Array.from((await readLabel(vocFile, { ...OPTIONS, colorTable: vocColorTable() })).ids),
    [15, 0, 255],
  );

  const cityFile = join(dir, 'city.png');
  writeRgb(
    cityFile,
    2,
    1,
    (p) =>
      (
        [
          [128, 64, 128],
          [0, 0, 142],
        ] as const
      )[p]!,
  );
  assert.deepEqual(
    Array.from((await readLabel(cityFile, { ...OPTIONS, colorTable: cityscapesColorTable() })).ids),
    [0, 13],
  );

  const custom = parseColorTable(
    '{"classes": [{"name": "sea", "color": [0, 0, 200]}, {"name": "land", "color": [0, 200, 0]}], "void": [[9, 9, 9]]}',
    'custom.json',
  );
  const customFile = join(dir, 'custom.png');
  writeRgb(
    customFile,
    3,
    1,
    (p) =>
      (
        [
          [0, 200, 0],
          [9, 9, 9],
          [0, 0, 200],
        ] as const
      )[p]!,
  );
  assert.deepEqual(Array.from((await readLabel(customFile, { ...OPTIONS, colorTable: custom })).ids), [1, 255, 0]);

  await rejectsWith(
    readLabel(customFile, { ...OPTIONS, colorTable: cityscapesColorTable() }),
    'unknown-colour',
    customFile,
    /rgb\(0, 200, 0\) at \(0, 0\)/,
  );
  await rejectsWith(readLabel(customFile, OPTIONS), 'unsupported-format', customFile, /no colour table/);
});

test('a 1x1 image evaluates; an all-void label gives null losses, not NaN', async () => {
  const dir = scratch();
  const one = join(dir, 'one.png');
  writeFileSync(one, encodeIndexPng(1, 1, [4], { kind: 'gray', bitDepth: 8 }));
  const { record } = await evaluateImage({ name: 'one', predictionFile: one, labelFile: one }, OPTIONS);
  assert.equal(record.validPixels, 1);
  assert.equal(record.miou, 1);
  assert.ok(Math.abs(record.ce! + Math.log(1 - 1e-3)) < 1e-15);

  const voidLabel = join(dir, 'void.png');
  writeFileSync(voidLabel, encodeIndexPng(3, 2, [255, 255, 255, 255, 255, 255], { kind: 'gray', bitDepth: 8 }));
  const pred = join(dir, 'pred.png');
  writeFileSync(pred, encodeIndexPng(3, 2, [1, 2, 3, 4, 5, 6], { kind: 'gray', bitDepth: 8 }));
  const empty = (await evaluateImage({ name: 'void', predictionFile: pred, labelFile: voidLabel }, OPTIONS)).record;
  assert.equal(empty.validPixels, 0);
  assert.equal(empty.ce, null);
  assert.equal(empty.adaptive, null);
  assert.equal(empty.miou, null);
  assert.equal(empty.pixelAccuracy, null);
  assert.deepEqual(empty.perScale, { '2': null, '4': null, '8': null });
});

test('a prediction whose size differs from its label is skipped with both sizes named', async () => {
  const dir = scratch();
  const labelFile = join(dir, 'l.png');
  const predictionFile = join(dir, 'p.png');
  writeFileSync(labelFile, encodeIndexPng(4, 3, new Array(12).fill(1), { kind: 'gray', bitDepth: 8 }));
  writeFileSync(predictionFile, encodeIndexPng(3, 4, new Array(12).fill(1), { kind: 'gray', bitDepth: 8 }));
  await rejectsWith(
    evaluateImage({ name: 'x', predictionFile, labelFile }, OPTIONS),
    'size-mismatch',
    predictionFile,
    /3x4 but its label is 4x3/,
  );
  const outcome = await evaluatePairOutcome({ name: 'x', predictionFile, labelFile }, OPTIONS);
  assert.deepEqual(outcome, {
    type: 'skipped',
    skipped: { file: predictionFile, reason: 'prediction is 3x4 but its label is 4x3' },
  });
});

test('.npy soft predictions: CHW and HWC, float16/32/64, logits and probabilities give the same metrics', async () => {
  const dir = scratch();
  const [C, H, W] = [3, 2, 4];
  const labelFile = join(dir, 'label.png');
  writeFileSync(labelFile, encodeIndexPng(W, H, [0, 1, 2, 2, 255, 1, 0, 0], { kind: 'gray', bitDepth: 8 }));
  const hwcLogits = Float64Array.from({ length: H * W * C }, (_, i) => ((i * 7) % 5) - 2);
  const chw = new Float64Array(C * H * W);
  const hwcProbabilities = new Float64Array(H * W * C);
  for (let p = 0; p < H * W; p++) {
    let total = 0;
    for (let c = 0; c < C; c++) total += Math.exp(hwcLogits[p * C + c]!);
    for (let c = 0; c < C; c++) {
      chw[c * H * W + p] = hwcLogits[p * C + c]!;
      hwcProbabilities[p * C + c] = Math.exp(hwcLogits[p * C + c]!) / total;
    }
  }
  const variants: [string, Buffer][] = [
    ['hwc64.npy', encodeNpy([H, W, C], hwcLogits)],
    ['chw64.npy', encodeNpy([C, H, W], chw)],
    ['chw32.npy', encodeNpy([1, C, H, W], Float32Array.from(chw))],
    ['prob.npy', encodeNpy([H, W, C], hwcProbabilities)],
  ];
  const f16 = Buffer.from(encodeNpy([C, H, W], Float32Array.from(chw)));
  const half = encodeHalf(chw);
  const headerEnd = f16.length - chw.length * 4;
  variants.push([
    'chw16.npy',
    Buffer.concat([
      Buffer.from(f16.subarray(0, headerEnd).toString('latin1').replace("'<f4'", "'<f2'"), 'latin1'),
      half,
    ]),
  ]);
  const results = [];
  for (const [name, bytes] of variants) {
    writeFileSync(join(dir, name), bytes);
    results.push(
      (
        await evaluateImage(
          { name, predictionFile: join(dir, name), labelFile },
          { ...OPTIONS, metric: { ...DEFAULT_METRIC_OPTIONS, numClasses: C } },
        )
      ).record,
    );
  }
  for (const r of results.slice(1)) {
    const tolerance = r.name === 'chw16.npy' ? 1e-3 : r.name === 'chw32.npy' ? 1e-6 : 1e-12;
    assert.ok(
      Math.abs(r.ce! - results[0]!.ce!) <= tolerance * results[0]!.ce!,
      `${r.name}: CE ${r.ce} vs ${results[0]!.ce}`,
    );
    assert.ok(
      Math.abs(r.adaptive! - results[0]!.adaptive!) <= tolerance * results[0]!.adaptive!,
      `${r.name}: adaptive`,
    );
    assert.equal(r.miou, results[0]!.miou, `${r.name}: mIoU`);
  }
});

/** IEEE half precision of each value (round to nearest), little-endian. */
function encodeHalf(values: Float64Array): Buffer {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => {
    const sign = v < 0 ? 0x8000 : 0;
    const a = Math.abs(v);
    let bits = 0;
    if (a >= 2 ** -14) {
      const exponent = Math.floor(Math.log2(a));
      const fraction = Math.round((a / 2 ** exponent - 1) * 1024);
      bits = ((exponent + 15) << 10) + fraction;
    } else {
      bits = Math.round(a / 2 ** -24);
    }
    out.writeUInt16LE(sign | bits, i * 2);
  });
  return out;
}

test('.npy files with the wrong class count, Fortran order or missing data are refused with a reason', async () => {
  const dir = scratch();
  const cases: [string, Buffer, string, RegExp][] = [
    ['classes.npy', encodeNpy([5, 4, 3], new Float32Array(60)), 'class-count-mismatch', /no dimension of 21 classes/],
    [
      'fortran.npy',
      Buffer.from(
        encodeNpy([21, 2, 2], new Float32Array(84))
          .toString('latin1')
          .replace("'fortran_order': False", "'fortran_order': True "),
        'latin1',
      ),
      'bad-npy-header',
      /Fortran order/,
    ],
    [
      'short.npy',
      encodeNpy([21, 4, 4], new Float32Array(21 * 16)).subarray(0, 300),
      'truncated',
      /needs 1344 data bytes/,
    ],
    ['square.npy', encodeNpy([21, 5, 21], new Float32Array(21 * 5 * 21)), 'unsupported-format', /could be CHW or HWC/],
    [
      'nan.npy',
      encodeNpy(
        [21, 1, 1],
        Float32Array.from({ length: 21 }, (_, i) => (i === 4 ? Number.NaN : 0)),
      ),
      'invalid-values',
      /non-finite/,
    ],
  ];
  for (const [name, bytes, code, reason] of cases) {
    writeFileSync(join(dir, name), bytes);
    await rejectsWith(readPrediction(join(dir, name), OPTIONS), code, join(dir, name), reason);
  }
});

test('pairing by stem reports predictions without a label and counts labels without a prediction', async () => {
  const dir = scratch();
  const predictions = join(dir, 'pred');
  const labels = join(dir, 'gt');
  for (const d of [predictions, labels]) mkdirSync(d);
  const tiny = encodeIndexPng(1, 1, [0], { kind: 'gray', bitDepth: 8 });
  writeFileSync(join(predictions, 'a.png'), tiny);
  writeFileSync(join(predictions, 'b.npy'), encodeNpy([1, 1], new Uint8Array([0])));
  writeFileSync(join(predictions, 'orphan.png'), tiny);
  writeFileSync(join(predictions, 'notes.txt'), 'ignored');
  writeFileSync(join(labels, 'a.png'), tiny);
  writeFileSync(join(labels, 'b.png'), tiny);
  writeFileSync(join(labels, 'extra.png'), tiny);
  const result = await pairFiles(predictions, labels);
  assert.deepEqual(
    result.pairs.map((p) => [p.name, p.predictionFile, p.labelFile]),
    [
      ['a', join(predictions, 'a.png'), join(labels, 'a.png')],
      ['b', join(predictions, 'b.npy'), join(labels, 'b.png')],
    ],
  );
  assert.equal(result.unpaired.length, 1);
  assert.equal(result.unpaired[0]!.file, join(predictions, 'orphan.png'));
  assert.match(result.unpaired[0]!.reason, /no label orphan\.png or orphan\.npy/);
  assert.equal(result.labelsWithoutPrediction, 1);
  assert.ok(readFileSync(join(predictions, 'notes.txt'), 'utf8') === 'ignored');
});

for (const [name, metric] of [
  ['v1', DEFAULT_METRIC_OPTIONS],
  ['paper', { ...DEFAULT_METRIC_OPTIONS, ...LOSS_PRESETS.paper }],
] as const) {
  test(`--compute tensor (TensorFlow.js) agrees with the exact float64 path on real soft predictions (${name} loss)`, async () => {
    const pair = {
      name: 'soft_000',
      predictionFile: join(SAMPLES, 'soft-predictions', 'soft_000.npy'),
      labelFile: join(SAMPLES, 'soft-labels', 'soft_000.png'),
    };
    const exact = (await evaluateImage(pair, { ...OPTIONS, metric })).record;
    const tensor = (await evaluateImage(pair, { ...OPTIONS, metric, compute: 'tensor' })).record;
    for (const key of ['ce', 'adaptive', 'mergeEffect'] as const) {
      assert.ok(
        Math.abs(tensor[key]! - exact[key]!) <= 1e-5 * Math.abs(exact[key]!) + 1e-7,
        `${key}: ${tensor[key]} vs ${exact[key]}`,
      );
    }
    assert.deepEqual(tensor.confusion, exact.confusion, 'argmax is identical');
  });
}
