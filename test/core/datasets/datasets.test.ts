import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ade20kPreset, cityscapesPreset, vocPreset } from '../../../src/core/datasets/builtinPresets';
import { CITYSCAPES_LABELS } from '../../../src/core/datasets/cityscapesLabels';
import { DatasetFileError, parseDatasetFile } from '../../../src/core/datasets/datasetFile';
import { detectFromContent, detectFromNames } from '../../../src/core/datasets/detect';
import { toTrainIds } from '../../../src/core/datasets/idMap';
import { decidePredictionIds, type PredictionSample } from '../../../src/core/datasets/predictionIds';
import { prepareDataset } from '../../../src/core/datasets/prepareDataset';
import {
  KNOWN_SUFFIXES,
  orderRules,
  parseName,
  parsePairPattern,
  PairPatternError,
} from '../../../src/core/io/fileRoles';
import { cityscapesColorTable, packRgb, vocColormap } from '../../../src/core/io/colorTable';
import { pairFiles } from '../../../src/core/io/pairing';
import { encodeIndexPng } from '../../../src/core/io/pngChunks';
import { readLabel } from '../../../src/core/io/readFiles';
import { DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import { PNG } from 'pngjs';
import { REAL, REAL_SKIP } from '../../helpers/realData';
import { REPO_ROOT } from '../../helpers/golden';

const RULES = orderRules(KNOWN_SUFFIXES);
const TINY = encodeIndexPng(1, 1, [0], { kind: 'gray', bitDepth: 8 });

function scratch(files: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'seglens-datasets-'));
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), TINY);
  }
  return root;
}

const base = (file: string): string => file.split('/').at(-1)!;

test('suffixes: the longest known suffix is the one removed; a bare suffix is a stem', () => {
  const cases: [string, string, string | undefined, string | undefined][] = [
    ['frankfurt_000000_000294_gtFine_labelIds', 'frankfurt_000000_000294', 'label', 'label'],
    ['frankfurt_000000_000294_gtFine_labelTrainIds', 'frankfurt_000000_000294', 'label', 'train'],
    ['frankfurt_000000_000294_gtFine_color', 'frankfurt_000000_000294', 'label', 'color'],
    ['frankfurt_000000_000294_gtFine_instanceIds', 'frankfurt_000000_000294', 'never', undefined],
    ['frankfurt_000000_000294_leftImg8bit', 'frankfurt_000000_000294', 'image', undefined],
    ['12_pred', '12', 'prediction', undefined],
    ['12_prediction', '12', 'prediction', undefined],
    ['12_target', '12', 'label', undefined],
    ['12_image', '12', 'image', undefined],
    ['x_mask', 'x', 'label', undefined],
    ['x_labels', 'x', 'label', undefined],
    ['x_gt', 'x', 'label', undefined],
    ['2007_000033gt', '2007_000033', 'label', undefined],
    ['2007_000033', '2007_000033', undefined, undefined],
    ['gt', 'gt', undefined, undefined],
  ];
  for (const [name, stem, role, ids] of cases) {
    const parsed = parseName(name, RULES);
    assert.equal(parsed.stem, stem, name);
    assert.equal(parsed.rule?.role, role, name);
    assert.equal(parsed.rule?.ids, ids, name);
  }
});

test('--pair patterns: one {stem} per side; anything else is a clear error', () => {
  const pattern = parsePairPattern('{stem}_seg.png:{stem}_gtFine_color.png');
  assert.equal(pattern.prediction('f_1_seg.png'), 'f_1');
  assert.equal(pattern.prediction('f_1_seg.jpg'), undefined);
  assert.equal(pattern.label('f_1_gtFine_color.png'), 'f_1');
  assert.throws(() => parsePairPattern('{stem}.png'), PairPatternError);
  assert.throws(() => parsePairPattern('a.png:{stem}.png'), /exactly one \{stem\}/);
  assert.throws(() => parsePairPattern('{stem}{stem}.png:{stem}.png'), /exactly one \{stem\}/);
});

test('pairing walks nested folders, pairs across suffixes, prefers labelTrainIds and lists the other variants as ignored', async () => {
  const root = scratch([
    'pred/frankfurt/f_1_leftImg8bit.png',
    'pred/lindau/l_2_leftImg8bit.png',
    'gt/val/frankfurt/f_1_gtFine_labelIds.png',
    'gt/val/frankfurt/f_1_gtFine_labelTrainIds.png',
    'gt/val/frankfurt/f_1_gtFine_color.png',
    'gt/val/frankfurt/f_1_gtFine_instanceIds.png',
    'gt/val/lindau/l_2_gtFine_color.png',
    'gt/train/aachen/a_3_gtFine_labelIds.png',
  ]);
  const result = await pairFiles(join(root, 'pred'), join(root, 'gt'));
  assert.deepEqual(
    result.pairs.map((p) => [p.name, base(p.labelFile), p.labelIds]),
    [
      ['frankfurt/f_1', 'f_1_gtFine_labelTrainIds.png', 'train'],
      ['lindau/l_2', 'l_2_gtFine_color.png', 'color'],
    ],
  );
  assert.deepEqual(result.unpaired, []);
  assert.deepEqual(result.ignored.map((s) => [base(s.file), s.reason.split(':')[0]]).sort(), [
    ['f_1_gtFine_color.png', 'another label of f_1 is used'],
    ['f_1_gtFine_instanceIds.png', 'instance ids are never a label'],
    ['f_1_gtFine_labelIds.png', 'another label of f_1 is used'],
  ]);
  assert.equal(result.labelsWithoutPrediction, 1, 'the train-split label is counted, not an error');
});

test('one shared folder: roles come from the suffixes (VainF and TeresaHo layouts)', async () => {
  const vainf = scratch([
    's/0_pred.png',
    's/0_target.png',
    's/0_image.png',
    's/1_pred.png',
    's/1_target.png',
    's/2_image.png',
  ]);
  const shared = await pairFiles(join(vainf, 's'), join(vainf, 's'));
  assert.deepEqual(
    shared.pairs.map((p) => [p.name, base(p.predictionFile), base(p.labelFile)]),
    [
      ['0', '0_pred.png', '0_target.png'],
      ['1', '1_pred.png', '1_target.png'],
    ],
  );
  assert.deepEqual(shared.unpaired, [], 'images are neither predictions nor unpaired');

  const teresa = scratch(['d/a.png', 'd/agt.png', 'd/b.png']);
  const byGt = await pairFiles(join(teresa, 'd'), join(teresa, 'd'));
  assert.deepEqual(
    byGt.pairs.map((p) => [p.name, base(p.predictionFile), base(p.labelFile)]),
    [['a', 'a.png', 'agt.png']],
  );
  assert.deepEqual(
    byGt.unpaired.map((s) => base(s.file)),
    ['b.png'],
  );

  const both = scratch(['d/x.png', 'd/x_pred.png', 'd/x_label.png']);
  const explicit = await pairFiles(join(both, 'd'), join(both, 'd'));
  assert.deepEqual(
    explicit.pairs.map((p) => base(p.predictionFile)),
    ['x_pred.png'],
  );
  assert.match(explicit.ignored[0]!.reason, /^not a prediction/);
});

test('pairing: ambiguous stems and pairs of two predictions are reported with the reason', async () => {
  const root = scratch(['pred/x.png', 'pred/y.png', 'pred/y.npy', 'gt/a/x.png', 'gt/b/x.png', 'gt/y.png']);
  const result = await pairFiles(join(root, 'pred'), join(root, 'gt'));
  assert.deepEqual(result.pairs, []);
  const reasons = new Map(result.unpaired.map((s) => [base(s.file), s.reason]));
  assert.match(reasons.get('x.png')!, /^ambiguous: several labels are named x \(a\/x, b\/x\)/);
  assert.match(reasons.get('y.npy')!, /two predictions share the name y: y.npy and y.png/);
});

test('pairing: --pair patterns, the walk limits and symlinked folders', async () => {
  const root = scratch([
    'd/f_seg.png',
    'd/f_gtFine_color.png',
    'd/f_leftImg8bit.png',
    'deep/1/2/3/x.png',
    'many/a.png',
    'many/b.png',
    'many/c.png',
  ]);
  const byPattern = await pairFiles(join(root, 'd'), join(root, 'd'), {
    pattern: parsePairPattern('{stem}_seg.png:{stem}_gtFine_color.png'),
  });
  assert.deepEqual(
    byPattern.pairs.map((p) => [p.name, base(p.predictionFile), base(p.labelFile), p.labelIds]),
    [['f', 'f_seg.png', 'f_gtFine_color.png', 'color']],
  );
  const shallow = await pairFiles(join(root, 'deep'), join(root, 'deep'), { limits: { maxDepth: 2, maxFiles: 10 } });
  assert.deepEqual(shallow.pairs.length + shallow.unpaired.length, 0, 'x.png lies 3 levels down');
  const full = await pairFiles(join(root, 'many'), join(root, 'd'), { limits: { maxDepth: 2, maxFiles: 2 } });
  assert.ok(full.unpaired.some((s) => s.reason === 'more than 2 files: the rest of the folder was not read'));

  symlinkSync(join(root, 'd'), join(root, 'many', 'linked'));
  const linked = await pairFiles(join(root, 'many'), join(root, 'many'));
  assert.ok(
    linked.pairs.every((p) => !p.name.startsWith('linked/')) &&
      linked.unpaired.every((s) => !s.file.includes('linked')),
    'a symlinked folder is never entered',
  );
});

test('presets: Cityscapes has the 19 train ids once each, ADE20K shifts by one, VOC is the identity', () => {
  const trainIds = CITYSCAPES_LABELS.map(([, t]) => t).filter((t) => t !== 255);
  assert.deepEqual(
    [...trainIds].sort((a, b) => a - b),
    Array.from({ length: 19 }, (_, i) => i),
  );
  const cityscapes = cityscapesPreset();
  assert.equal(cityscapes.classNames.length, 19);
  assert.equal(cityscapes.labelToTrain![7], 0);
  assert.equal(cityscapes.labelToTrain![33], 18);
  assert.equal(cityscapes.labelToTrain![6], 255);
  const table = cityscapesColorTable();
  assert.equal(table.idOfColor.get(packRgb(81, 0, 81)), 255, 'ground is void, not an unknown colour');
  assert.equal(table.idOfColor.get(packRgb(153, 153, 153)), 5, 'polegroup shares pole’s colour: pole wins');
  assert.equal(table.idOfColor.get(packRgb(0, 0, 0)), 255);

  const ade = ade20kPreset();
  assert.equal(ade.classNames.length, 150);
  assert.deepEqual(ade.labelToTrain!.slice(0, 3), [255, 0, 1]);
  assert.equal(ade.labelToTrain![150], 149);
  const voc = vocPreset();
  assert.equal(voc.labelToTrain, undefined);
  assert.equal(voc.colorTable.idOfColor.get(packRgb(224, 224, 192)), 255);
});

test("ADE20K's class names are the devkit's objectInfo150.csv, first name of each row", { skip: REAL_SKIP }, () => {
  const csv = readFileSync(join(REAL, 'ade20k-sceneparsing', 'objectInfo150.csv'), 'utf8');
  const firstNames = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').at(-1)!.split(';')[0]!.trim());
  assert.equal(firstNames.length, 150);
  assert.equal(ade20kPreset().classNames[43], firstNames[43], 'signboard, as in objectInfo150.csv');
});

test('id maps: label ids become train ids through the table; unknown ids become void', () => {
  const mapped = toTrainIds(
    { width: 4, height: 1, ids: Uint16Array.from([7, 26, 0, 300]) },
    cityscapesPreset().labelToTrain!,
    255,
  );
  assert.deepEqual([...mapped.ids], [0, 13, 255, 255]);
});

test('readLabel maps a labelIds PNG, leaves a labelTrainIds one, and never remaps colours', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-ids-'));
  const gray = join(dir, 'x.png');
  writeFileSync(gray, encodeIndexPng(3, 1, [7, 24, 4], { kind: 'gray', bitDepth: 8 }));
  const preset = cityscapesPreset();
  const options = {
    metric: { numClasses: 19, ignoreIndex: 255, scales: [1], hardEpsilon: 1e-3 },
    read: DEFAULT_READ_OPTIONS,
    colorTable: preset.colorTable,
    ids: { labelToTrain: preset.labelToTrain!, ignoreIndex: 255, labelIds: 'label', predictionIds: 'train' },
  } as const;
  assert.deepEqual([...(await readLabel(gray, options, 'label')).ids], [0, 11, 255]);
  assert.deepEqual([...(await readLabel(gray, options, 'train')).ids], [7, 24, 4]);
  assert.deepEqual([...(await readLabel(gray, options)).ids], [0, 11, 255], 'the preset default: label ids');
  const png = new PNG({ width: 1, height: 1 });
  png.data.set([220, 20, 60, 255]);
  const rgb = join(dir, 'c.png');
  writeFileSync(rgb, PNG.sync.write(png));
  assert.deepEqual([...(await readLabel(rgb, options, 'label')).ids], [11], 'person by colour, not remapped');
});

test('dataset JSON: the shipped COCO-Stuff-164k file loads; mistakes are named with the file and field', () => {
  const file = join(REPO_ROOT, 'datasets', 'coco-stuff-164k.json');
  const coco = parseDatasetFile(readFileSync(file, 'utf8'), file);
  assert.equal(coco.name, 'coco-stuff-164k');
  assert.equal(coco.classNames.length, 171);
  assert.equal(coco.labelToTrain![0], 0, 'person');
  assert.equal(coco.labelToTrain![11], 255, 'an unused COCO id');
  assert.equal(coco.labelToTrain![12], 11, 'stop sign after the gap');
  assert.equal(coco.labelToTrain![181], 170, 'wood');
  assert.equal(coco.labelIds, 'label');
  assert.ok(coco.suffixes.some((s) => s.suffix === '_labelTrainIds' && s.ids === 'train'));

  const minimal = parseDatasetFile(
    '{"classes": [{"name": "a", "color": [0,0,0]}, {"name": "b", "color": [1,2,3]}], "voidIds": [9]}',
    'mine.json',
  );
  assert.equal(minimal.labelIds, 'label');
  assert.equal(minimal.labelToTrain![1], 1);
  assert.equal(minimal.labelToTrain![9], 255);

  const bad: [string, RegExp][] = [
    ['{', /^bad\.json: not valid JSON/],
    ['[]', /^bad\.json: expected a JSON object/],
    ['{"classes": []}', /^bad\.json: "classes" must be a list of at least 2/],
    [
      '{"classes": [{"name": "a", "color": [0,0]}, {"name": "b", "color": [0,0,1]}]}',
      /classes\[0\] \("a"\) needs a "color"/,
    ],
    [
      '{"classes": [{"name": "a", "color": [0,0,0]}, {"name": "b", "color": [0,0,1]}], "idToTrainId": {"3": 7}}',
      /label id 3 maps to 7, not a train id 0-1 or 255/,
    ],
    [
      '{"classes": [{"name": "a", "color": [0,0,0]}, {"name": "b", "color": [0,0,1]}], "colour": 1}',
      /unknown field "colour"/,
    ],
    [
      '{"classes": [{"name": "a", "color": [0,0,0]}, {"name": "b", "color": [0,0,1]}], "labelIds": "label"}',
      /"labelIds": "label" needs an "idToTrainId" map/,
    ],
    [
      '{"classes": [{"name": "a", "color": [0,0,0]}, {"name": "b", "color": [0,0,1]}], "ignoreIndex": 1}',
      /"ignoreIndex" must be an integer from 2/,
    ],
    [
      '{"classes": [{"name": "a", "color": [0,0,0]}, {"name": "b", "color": [0,0,1]}], "suffixes": {"lable": []}}',
      /"suffixes" has unknown key "lable"/,
    ],
  ];
  for (const [text, message] of bad)
    assert.throws(
      () => parseDatasetFile(text, 'bad.json'),
      (e: unknown) => e instanceof DatasetFileError && message.test(e.message),
      text,
    );
});

test('auto detection from names and layout, with the uncertain cases flagged', () => {
  assert.deepEqual(detectFromNames(['/d/gt/x_gtFine_labelIds.png'], '/d/gt'), {
    preset: 'cityscapes',
    evidence: '_gtFine_ in file names',
    certain: true,
  });
  assert.equal(detectFromNames(['/d/gtFine/val/a/x.png'], '/d/gtFine/val')?.preset, 'cityscapes');
  assert.deepEqual(detectFromNames(['/d/ann/ADE_val_00000001.png'], '/d/ann'), {
    preset: 'ade20k',
    evidence: 'ADE_ file names',
    certain: true,
  });
  assert.equal(
    detectFromNames(['/d/VOC2012/SegmentationClass/2007_000033.png'], '/d/VOC2012/SegmentationClass')?.preset,
    'voc',
  );
  const annotations = detectFromNames(['/d/annotations/validation/000001.png'], '/d/annotations/validation');
  assert.equal(annotations?.preset, 'ade20k');
  assert.equal(annotations?.certain, false, 'COCO also keeps an annotations/ folder: a guess');
  // Ambiguous: Cityscapes names inside an annotations/ tree. The names are the stronger evidence.
  assert.equal(detectFromNames(['/d/annotations/x_gtFine_color.png'], '/d/annotations')?.preset, 'cityscapes');
  assert.equal(detectFromNames(['/d/masks/001.png'], '/d/masks'), undefined);
});

test('auto detection from content: a VOC palette is certain, colours of a map are a guess, gray says nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglens-detect-'));
  const palette = join(dir, 'p.png');
  writeFileSync(palette, encodeIndexPng(2, 1, [0, 15], { kind: 'palette', palette: vocColormap() }));
  assert.deepEqual(await detectFromContent(palette, 64), {
    preset: 'voc',
    evidence: 'the VOC colour palette',
    certain: true,
  });
  const gray = join(dir, 'g.png');
  writeFileSync(gray, TINY);
  assert.equal(await detectFromContent(gray, 64), undefined);
  const other = join(dir, 'o.png');
  writeFileSync(other, encodeIndexPng(1, 1, [0], { kind: 'palette', palette: [[1, 2, 3]] }));
  assert.equal(await detectFromContent(other, 64), undefined, 'a palette that is not VOC’s');
  const rgb = (pixels: number[][]): string => {
    const png = new PNG({ width: pixels.length, height: 1 });
    pixels.forEach((p, i) => png.data.set([...p, 255], i * 4));
    const file = join(dir, `rgb${pixels.length}-${pixels[0]!.join('-')}.png`);
    writeFileSync(file, PNG.sync.write(png));
    return file;
  };
  const vocRgb = await detectFromContent(
    rgb([
      [0, 0, 0],
      [128, 0, 0],
      [224, 224, 192],
    ]),
    64,
  );
  assert.deepEqual([vocRgb?.preset, vocRgb?.certain], ['voc', false]);
  const csRgb = await detectFromContent(
    rgb([
      [128, 64, 128],
      [70, 130, 180],
    ]),
    64,
  );
  assert.deepEqual([csRgb?.preset, csRgb?.certain], ['cityscapes', false]);
  assert.equal(await detectFromContent(join(dir, 'missing.png'), 64), undefined);
});

const idsOnly = (ids: number[]): PredictionSample => ({
  ids: new Set(ids),
  validPixels: 0,
  hitsAsTrain: 0,
  hitsAsLabel: 0,
});

test('prediction ids: ids past the class count settle it; below it, train is a guess without labels to compare', () => {
  const cityscapes = cityscapesPreset();
  assert.deepEqual(decidePredictionIds(idsOnly([7, 26, 255]), cityscapes), {
    predictionIds: 'label',
    evidence: 'ids up to 26, past the 19 train ids',
    certain: true,
  });
  assert.deepEqual(decidePredictionIds(idsOnly([0, 13, 255]), cityscapes), {
    predictionIds: 'train',
    evidence: 'ids 0–13, all below 19',
    certain: false,
  });
  assert.equal(decidePredictionIds(idsOnly([]), cityscapes).certain, false);
  assert.equal(decidePredictionIds(idsOnly([150]), ade20kPreset()).predictionIds, 'label');
  assert.deepEqual(decidePredictionIds(idsOnly([40]), vocPreset()), {
    predictionIds: 'train',
    evidence: 'the dataset has no id map',
    certain: true,
  });
});

test('prediction ids: below the class count, the reading that agrees with the labels far more often wins', () => {
  const ade = ade20kPreset();
  const sample = (hitsAsTrain: number, hitsAsLabel: number): PredictionSample => ({
    ids: new Set([0, 1, 12]),
    validPixels: 1000,
    hitsAsTrain,
    hitsAsLabel,
  });
  assert.deepEqual(decidePredictionIds(sample(20, 900), ade), {
    predictionIds: 'label',
    evidence: 'ids 0–12, all below 150; right on 2.0% of labelled pixels as train ids, 90.0% as label ids',
    certain: true,
  });
  assert.deepEqual(
    [decidePredictionIds(sample(800, 30), ade).predictionIds, decidePredictionIds(sample(800, 30), ade).certain],
    ['train', true],
  );
  // Neither reading clearly better (a poor model, or classes that happen to line up): still a guess.
  assert.deepEqual(
    [decidePredictionIds(sample(300, 400), ade).predictionIds, decidePredictionIds(sample(300, 400), ade).certain],
    ['train', false],
  );
});

test('prepareDataset: explicit presets win, a JSON file is loaded, and the description says what was decided', async () => {
  const root = scratch(['p/x.png', 'g/x.png']);
  const generic = await prepareDataset(
    join(root, 'p'),
    join(root, 'g'),
    { dataset: 'auto', predictionIds: 'auto' },
    { read: DEFAULT_READ_OPTIONS },
  );
  assert.equal(generic.preset, undefined);
  assert.match(generic.description, /^dataset: none recognised/);
  const ade = await prepareDataset(
    join(root, 'p'),
    join(root, 'g'),
    { dataset: 'ade20k', predictionIds: 'label' },
    { read: DEFAULT_READ_OPTIONS },
  );
  assert.equal(
    ade.description,
    'dataset: ade20k (set by --dataset); predictions in label ids (set by --prediction-ids)',
  );
  assert.equal(ade.ids?.predictionIds, 'label');
  const coco = await prepareDataset(
    join(root, 'p'),
    join(root, 'g'),
    { dataset: join(REPO_ROOT, 'datasets', 'coco-stuff-164k.json'), predictionIds: 'auto' },
    { read: DEFAULT_READ_OPTIONS },
  );
  assert.equal(coco.preset?.name, 'coco-stuff-164k');
  await assert.rejects(
    prepareDataset(
      join(root, 'p'),
      join(root, 'g'),
      { dataset: join(root, 'nope.json'), predictionIds: 'auto' },
      { read: DEFAULT_READ_OPTIONS },
    ),
    /nope\.json: cannot read dataset file \(ENOENT\)/,
  );
});
