import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_METRIC_OPTIONS,
  metricOptionsFrom,
  OptionsError,
  optionsRecord,
  validateMetricOptions,
  DEFAULT_READ_OPTIONS,
} from '../../src/core/options';
import {
  OPTION_TABLE,
  optionProblem,
  optionSpec,
  parseOptionText,
  rangeText,
  settingSchema,
  SETTING_OPTIONS,
  type OptionSpec,
} from '../../src/core/optionTable';
import { REPO_ROOT } from '../helpers/golden';

interface Configuration {
  readonly properties: Record<string, Record<string, unknown>>;
}

const contributed = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: Configuration };
  }
).contributes.configuration.properties;

test('every setting of the table is in package.json with the same type, default, range, enum and text', () => {
  for (const spec of SETTING_OPTIONS) {
    const name = `seglens.${spec.key}`;
    assert.ok(contributed[name], `${name} is in the table but not in package.json`);
    assert.deepEqual(contributed[name], settingSchema(spec), `${name}: package.json differs from the option table`);
  }
});

test('every setting in package.json is a row of the table', () => {
  const inTable = new Set(SETTING_OPTIONS.map((spec) => `seglens.${spec.key}`));
  for (const name of Object.keys(contributed))
    assert.ok(inTable.has(name), `${name} is in package.json but not in the option table`);
});

test('keys and flags are unique; every flag is taken by some command and has help', () => {
  const keys = OPTION_TABLE.map((spec) => spec.key);
  assert.equal(new Set(keys).size, keys.length);
  const flags = OPTION_TABLE.flatMap((spec: OptionSpec) => (spec.flag ? [spec.flag] : []));
  assert.equal(new Set(flags).size, flags.length);
  for (const spec of OPTION_TABLE as readonly OptionSpec[]) {
    if (spec.flag) assert.ok((spec.commands ?? []).length > 0, `--${spec.flag} belongs to no command`);
    assert.ok(spec.description.length > 0, spec.key);
    assert.ok(spec.flag || spec.setting, `${spec.key} is neither a flag nor a setting`);
  }
});

test('the defaults satisfy their own rows, and the engine defaults are the table defaults', () => {
  for (const spec of OPTION_TABLE as readonly OptionSpec[])
    assert.equal(optionProblem(spec, spec.default), undefined, `${spec.key}'s default ${String(spec.default)}`);
  assert.deepEqual(metricOptionsFrom({}), DEFAULT_METRIC_OPTIONS);
  assert.equal(DEFAULT_METRIC_OPTIONS.boundaryRatio, optionSpec('boundaryRatio').default);
  assert.equal(DEFAULT_METRIC_OPTIONS.numClasses, optionSpec('classes').default);
});

test('ranges: the bounds in words, and values on either side of each bound', () => {
  assert.equal(rangeText({ exclusiveMin: 0, max: 1 }), '(0, 1]');
  assert.equal(rangeText({ min: 0, exclusiveMax: 1 }), '[0, 1)');
  assert.equal(rangeText({ min: 0.01 }), '>= 0.01');
  const ratio = optionSpec('boundaryRatio');
  assert.equal(optionProblem(ratio, 1), undefined);
  assert.equal(optionProblem(ratio, 1e-9), undefined);
  assert.equal(optionProblem(ratio, 0), 'must be a number in (0, 1], got 0');
  assert.equal(optionProblem(ratio, 1.5), 'must be a number in (0, 1], got 1.5');
  assert.equal(optionProblem(ratio, Number.NaN), 'must be a number in (0, 1], got NaN');
  assert.equal(optionProblem(optionSpec('classes'), 2.5), 'must be an integer in [2, 65535], got 2.5');
  assert.equal(optionProblem(optionSpec('loss'), 'v3'), 'must be one of v1, paper, got "v3"');
  assert.equal(optionProblem(optionSpec('pooling'), null), undefined, 'null is "as the loss preset says"');
  assert.equal(optionProblem(optionSpec('boundaryRatio'), null), 'must be a number in (0, 1], got null');
  assert.equal(optionProblem(optionSpec('scales'), [2, 2]), 'repeat values: 2,2');
  assert.equal(optionProblem(optionSpec('scales'), []), 'needs at least 1 value');
  assert.match(optionProblem(optionSpec('scales'), [2, 0]) ?? '', /integers in \[1, 4096\].*got 0$/);
});

test('command-line words: numbers and lists parsed, the word quoted in the problem', () => {
  assert.deepEqual(parseOptionText(optionSpec('scales'), '2, 4,8'), { value: [2, 4, 8] });
  assert.deepEqual(parseOptionText(optionSpec('boundaryRatio'), '0.05'), { value: 0.05 });
  assert.deepEqual(parseOptionText(optionSpec('boundaryRatio'), '2'), {
    problem: 'must be a number in (0, 1], got "2"',
  });
  assert.deepEqual(parseOptionText(optionSpec('boundaryRatio'), ''), {
    problem: 'must be a number in (0, 1], got ""',
  });
  assert.ok('problem' in parseOptionText(optionSpec('scales'), '2,,4'));
  assert.ok('problem' in parseOptionText(optionSpec('classes'), '0x10'), 'hex is not an integer here');
});

test('validateMetricOptions checks each field against its row, naming the option by its key', () => {
  assert.throws(
    () => validateMetricOptions({ ...DEFAULT_METRIC_OPTIONS, boundaryRatio: 0 }),
    new OptionsError('boundaryRatio must be a number in (0, 1], got 0'),
  );
  assert.throws(() => validateMetricOptions({ ...DEFAULT_METRIC_OPTIONS, numClasses: 1 }), /^OptionsError: classes/);
  assert.throws(
    () => validateMetricOptions({ ...DEFAULT_METRIC_OPTIONS, scaleWeights: [1] }),
    /1 scale weights for 3 scales/,
  );
  assert.throws(() => validateMetricOptions({ ...DEFAULT_METRIC_OPTIONS, pooling: 'max' as 'uniform' }), /pooling/);
  assert.equal(validateMetricOptions(DEFAULT_METRIC_OPTIONS), DEFAULT_METRIC_OPTIONS);
});

test('the options record holds every result-changing row of the table, in its order, resolved', () => {
  const record = optionsRecord({ metric: DEFAULT_METRIC_OPTIONS, read: DEFAULT_READ_OPTIONS });
  const resultRows = (OPTION_TABLE as readonly OptionSpec[])
    .filter((spec) => spec.group === 'metric' || spec.group === 'read' || spec.group === 'engine')
    .map((spec) => spec.key);
  assert.deepEqual(Object.keys(record), resultRows);
  assert.deepEqual(record.scaleWeights, [1 / 3, 1 / 3, 1 / 3]);
  assert.equal(record.boundaryRatio, 0.02);
  assert.equal(record.loss, 'v1');
  assert.equal(record.compute, 'exact');
  const paper = optionsRecord({ metric: metricOptionsFrom({ loss: 'paper' }), read: DEFAULT_READ_OPTIONS });
  assert.deepEqual([paper.loss, paper.pooling, paper.minkowski], ['paper', 'gaussian', 5]);
});
