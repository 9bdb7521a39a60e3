import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { evaluateImage } from '../../../src/core';
import type { AgreementJob, AgreementRecord, AgreementSetup } from '../../../src/core/evaluate/agreeImage';
import { DEFAULT_METRIC_OPTIONS, DEFAULT_READ_OPTIONS } from '../../../src/core/options';
import {
  agreementLayer,
  judgeAgreement,
  labelIssueExport,
  rankByLikelyLabelErrors,
  votingFolders,
  withAgreementCounts,
  type AgreementResults,
} from '../../../src/extension/logic/agreement';
import { imageMessage } from '../../../src/extension/logic/inspectorMessage';
import { parseHostMessage } from '../../../src/shared/protocol/inspector';
import { columnsOf, fakeRecord } from './records';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'samples', 'voc-mini');

test('the evaluated folder votes first, each picked folder once, and k is two thirds of the models rounded up', () => {
  const three = votingFolders('/d/a', ['/d/b', '/d/c']);
  assert.deepEqual(three.folders, ['/d/a', '/d/b', '/d/c']);
  // ⌈2N/3⌉ worked by hand: N = 2 → ⌈1.33⌉ = 2, N = 3 → 2, N = 4 → ⌈2.67⌉ = 3, N = 12 → 8.
  assert.equal(three.minAgree, 2);
  assert.equal(votingFolders('/d/a', ['/d/b']).minAgree, 2);
  assert.equal(votingFolders('/d/a', ['/d/b', '/d/c', '/d/e']).minAgree, 3);
  assert.equal(
    votingFolders(
      '/d/a',
      Array.from({ length: 11 }, (_, i) => `/d/m${i}`),
    ).minAgree,
    8,
  );
  assert.throws(() => votingFolders('/d/a', ['/d/b', '/d/b/']), /picked twice/);
  assert.throws(() => votingFolders('/d/a', ['/d/a']), /is the evaluated folder/);
  assert.throws(() => votingFolders('/d/a', []), /at least one other/);
});

function agreed(name: string, pixels: number): AgreementRecord {
  return {
    name,
    labelFile: `/data/labels/${name}.png`,
    predictionFiles: [`/a/${name}.png`, null, `/c/${name}.png`],
    width: 4,
    height: 2,
    validPixels: 8,
    models: 2,
    likelyLabelErrorPixels: pixels,
    likelyLabelErrorRegions:
      pixels > 0
        ? [{ labelClass: 0, suggestedClass: 2, pixels, box: { x: 0, y: 0, width: pixels, height: 1 }, score: 1 }]
        : [],
  };
}

function results(records: AgreementRecord[]): AgreementResults {
  return {
    folders: ['/a', '/b', '/c'],
    minAgree: 2,
    setup: { models: [], minAgree: 2 },
    jobs: new Map(),
    records: new Map(records.map((r) => [r.name, r])),
  };
}

test('the view ranks by likely-label-error pixels, most first, ties by name, images the agreement lacks last', () => {
  const records = ['a', 'b', 'c', 'd'].map((name) => fakeRecord(name));
  const agreement = results([agreed('a', 1), agreed('b', 3), agreed('c', 3)]);
  const counted = withAgreementCounts(records, agreement);
  const columns = columnsOf(records);
  assert.deepEqual(
    rankByLikelyLabelErrors(columns, columns.slots(), agreement).map(
      (slot) => `${counted[slot]!.name}:${counted[slot]!.likelyLabelErrorPixels ?? '-'}`,
    ),
    ['b:3', 'c:3', 'a:1', 'd:-'],
  );
  assert.deepEqual(withAgreementCounts(records, undefined), records, 'no agreement: the records as they are');
});

test('Export Label Issues writes the soft regions, then the agreement regions with the models that voted', () => {
  const region = { labelClass: 1, suggestedClass: 2, pixels: 5, box: { x: 1, y: 0, width: 2, height: 1 }, score: 0.04 };
  const soft = [fakeRecord('s', { labelIssueRegions: [region] }), fakeRecord('h')];
  const lines = labelIssueExport(soft, results([agreed('z', 2), agreed('y', 0)]));
  assert.deepEqual(lines, [
    {
      image: 's',
      labelFile: '/data/labels/s.png',
      predictionFiles: ['/data/predictions/s.png'],
      box: region.box,
      pixels: 5,
      labelClass: 1,
      suggestedClass: 2,
      score: 0.04,
      evidence: 'soft',
    },
    {
      image: 'z',
      labelFile: '/data/labels/z.png',
      predictionFiles: ['/a/z.png', '/c/z.png'],
      box: { x: 0, y: 0, width: 2, height: 1 },
      pixels: 2,
      labelClass: 0,
      suggestedClass: 2,
      score: 1,
      evidence: 'agreement',
    },
  ]);
  assert.deepEqual(labelIssueExport([fakeRecord('h')], undefined), [], 'hard results alone have none');
});

test('the agreement layer travels in the image message and the protocol checks it', () => {
  const record = agreed('a', 2);
  const maps = {
    agreedClass: Int32Array.of(2, 2, -1, -1, -1, -1, -1, -1),
    votes: Uint8Array.of(2, 2, 0, 0, 0, 0, 0, 0),
  };
  const layer = agreementLayer(record, maps, 2);
  const pixels = 8;
  const message = imageMessage({
    record: fakeRecord('a'),
    maps: {
      width: 4,
      height: 2,
      label: new Int32Array(pixels),
      predicted: new Int32Array(pixels),
      truthProbability: new Float32Array(pixels).fill(1),
      pixelCost: new Float32Array(pixels),
      mergeEffect: new Float32Array(pixels),
      hotSpots: [],
      boundaryBand: new Uint8Array(pixels),
    },
    numClasses: 3,
    ignoreIndex: 255,
    classNames: [],
    colorTable: undefined,
    imageUri: null,
    position: { index: 0, total: 1 },
    lossVariant: 'v1',
    agreement: layer,
  });
  const parsed = parseHostMessage(message);
  assert.ok(parsed.ok && parsed.value.type === 'image', parsed.ok ? '' : parsed.error);
  assert.deepEqual(parsed.value.agreement?.regions, record.likelyLabelErrorRegions);
  assert.equal(parsed.value.labelIssues, null, 'a hard prediction has no label issues');
  const bad = (agreement: object) => parseHostMessage({ ...message, agreement: { ...layer, ...agreement } }).ok;
  assert.equal(bad({ agreedClass: Int32Array.of(3, 0, 0, 0, 0, 0, 0, 0) }), false, 'class ids below numClasses');
  assert.equal(bad({ votes: Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0) }), false, 'never more votes than models');
  assert.equal(bad({ votes: new Uint8Array(7) }), false, 'one vote count per pixel');
  assert.equal(bad({ regions: new Array(65).fill(record.likelyLabelErrorRegions[0]) }), false, 'at most 64 regions');
});

test("a soft sample's message carries the engine's entropy, margin, confidence and label-issue maps", async () => {
  const metric = { ...DEFAULT_METRIC_OPTIONS, numClasses: 21, labelIssueThreshold: 0.1 };
  const { record, maps } = await evaluateImage(
    {
      name: 'soft_000',
      predictionFile: join(SAMPLES, 'soft-predictions', 'soft_000.npy'),
      labelFile: join(SAMPLES, 'soft-labels', 'soft_000.png'),
    },
    { metric, read: DEFAULT_READ_OPTIONS },
  );
  const message = imageMessage({
    record,
    maps,
    numClasses: 21,
    ignoreIndex: 255,
    classNames: [],
    colorTable: undefined,
    imageUri: null,
    position: { index: 0, total: 1 },
    lossVariant: 'v1',
    labelIssueThreshold: 0.1,
  });
  const parsed = parseHostMessage(message);
  assert.ok(parsed.ok && parsed.value.type === 'image', parsed.ok ? '' : parsed.error);
  const { layers, labelIssues } = parsed.value;
  assert.ok(layers.entropy && layers.margin && layers.confidence && layers.labelIssues, 'every soft map is sent');
  // Independently of the engine's maps: the mask is exactly the valid pixels whose P(label) < 0.1, and
  // top-1 ≥ margin, top-1 ≥ P(label) on every pixel.
  let flagged = 0;
  for (let p = 0; p < layers.label.length; p++) {
    const expected = (layers.label[p] ?? -1) >= 0 && (layers.truthProbability[p] ?? 1) < 0.1 ? 1 : 0;
    assert.equal(layers.labelIssues[p], expected, `pixel ${p}`);
    flagged += expected;
    assert.ok((layers.confidence[p] ?? 0) + 1e-6 >= (layers.margin[p] ?? 0));
    if ((layers.label[p] ?? -1) >= 0)
      assert.ok((layers.confidence[p] ?? 0) + 1e-6 >= (layers.truthProbability[p] ?? 0));
  }
  assert.equal(flagged, record.labelIssuePixels);
  assert.equal(labelIssues?.threshold, 0.1);
  assert.deepEqual(labelIssues?.regions, record.labelIssueRegions?.slice(0, 12));
});

/** Every file under `dir` with its size and modification time: what a run could have written or changed. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = join(entry.parentPath ?? entry.path, entry.name);
      const { size, mtimeMs } = statSync(file);
      return `${relative(dir, file)} ${size} ${mtimeMs}`;
    })
    .sort();
}

/** Three models over the sample labels in a scratch folder: the sample predictions, copied twice. */
function threeModels(): { root: string; jobs: AgreementJob[]; setup: AgreementSetup } {
  const root = mkdtempSync(join(tmpdir(), 'seglens-agreement-'));
  const predictions = join(SAMPLES, 'predictions');
  const names = readdirSync(predictions)
    .filter((file) => file.endsWith('.png'))
    .map((file) => file.slice(0, -4));
  const models = ['a', 'b', 'c'].map((model) => join(root, model));
  for (const model of models) {
    mkdirSync(model);
    for (const name of names) copyFileSync(join(predictions, `${name}.png`), join(model, `${name}.png`));
  }
  const jobs = names.map((name) => ({
    name,
    labelFile: join(SAMPLES, 'SegmentationClass', `${name}.png`),
    predictionFiles: models.map((model) => join(model, `${name}.png`)),
  }));
  const engine = { metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS, compute: 'exact' as const };
  return { root, jobs, setup: { models: models.map(() => engine), minAgree: 2 } };
}

test('a finished agreement run hands back one record per image, named as the jobs', async () => {
  const { root, jobs, setup } = threeModels();
  try {
    assert.ok(jobs.length >= 3, 'the samples have images');
    const run = await judgeAgreement(jobs, setup, { signal: new AbortController().signal, workers: 0 });
    assert.equal(run.status, 'done');
    if (run.status !== 'done') return;
    assert.deepEqual([...run.records.keys()].sort(), jobs.map((job) => job.name).sort());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cancelling Find Likely Label Errors hands back no partial result and writes no file', async () => {
  const { root, jobs, setup } = threeModels();
  try {
    const before = snapshot(root);
    const samplesBefore = snapshot(SAMPLES);
    for (const workers of [0, 2]) {
      // Cancelled after the first image is judged: images were done, none of them may come back.
      const controller = new AbortController();
      const seen: number[] = [];
      const run = await judgeAgreement(jobs, setup, {
        signal: controller.signal,
        workers,
        onImage: (done) => {
          seen.push(done);
          if (done === 1) controller.abort();
        },
      });
      assert.ok(seen.includes(1), `${workers} workers: an image was judged before the cancel`);
      assert.ok(seen.length < jobs.length || workers > 0, 'the calling thread stops at the next image');
      assert.deepEqual(run, { status: 'cancelled' }, `${workers} workers: no records of a cancelled run`);
    }
    // Cancelled before it starts.
    const early = new AbortController();
    early.abort();
    assert.deepEqual(await judgeAgreement(jobs, setup, { signal: early.signal, workers: 2 }), { status: 'cancelled' });
    assert.deepEqual(snapshot(root), before, 'no file written, changed or left behind beside the models');
    assert.deepEqual(snapshot(SAMPLES), samplesBefore, 'nothing written beside the labels');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Find Likely Label Errors starts no image while the user acts (a closed gate) and judges every one once it opens', async () => {
  const { root, jobs, setup } = threeModels();
  try {
    let open = false;
    const listeners = new Set<() => void>();
    const gate = {
      get isOpen(): boolean {
        return open;
      },
      onOpen(listener: () => void): () => void {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    let judged = 0;
    const running = judgeAgreement(jobs, setup, {
      signal: new AbortController().signal,
      workers: 2,
      gate,
      onImage: (done) => {
        judged = done;
      },
    });
    await new Promise((done) => setTimeout(done, 1500));
    assert.equal(judged, 0, 'no image was handed out while the gate was closed');
    open = true;
    for (const listener of [...listeners]) listener();
    const run = await running;
    assert.equal(run.status, 'done');
    if (run.status !== 'done') return;
    assert.deepEqual([...run.records.keys()].sort(), jobs.map((job) => job.name).sort());
    assert.equal(listeners.size, 0, 'the run stops listening to the gate when it ends');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
