import { readFile } from 'node:fs/promises';
import type { Rgb } from '../colors';
import { packRgb, type ColorTable } from '../io/colorTable';
import type { SuffixRule } from '../io/fileRoles';
import type { DatasetPreset } from './preset';

export class DatasetFileError extends Error {
  override readonly name = 'DatasetFileError';
}

/** Highest label id a map may name: label PNGs hold at most 16-bit values. */
const MAX_ID = 65535;

const isRgb = (v: unknown): v is [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every((c) => Number.isInteger(c) && c >= 0 && c <= 255);

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ID;

type Json = Record<string, unknown>;

function fail(source: string, what: string): never {
  throw new DatasetFileError(`${source}: ${what}`);
}

function parseClasses(source: string, value: unknown): { names: string[]; colors: Rgb[] } {
  if (!Array.isArray(value) || value.length < 2 || value.length > MAX_ID)
    fail(source, '"classes" must be a list of at least 2 {"name": "...", "color": [r, g, b]} entries');
  const names: string[] = [];
  const colors: Rgb[] = [];
  value.forEach((entry: unknown, id) => {
    const { name, color } = (entry ?? {}) as { name?: unknown; color?: unknown };
    if (typeof name !== 'string' || name.trim() === '') fail(source, `classes[${id}] needs a non-empty "name"`);
    if (!isRgb(color)) fail(source, `classes[${id}] ("${name}") needs a "color" of three integers 0-255`);
    names.push(name);
    colors.push(color);
  });
  return { names, colors };
}

/** `{"7": 0, "8": 1}` or `[[7, 0], [8, 1]]`: label id → train id; ids left out are void. */
function parseIdMap(source: string, value: unknown, numClasses: number, ignoreIndex: number): number[] {
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.map((pair: unknown, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) fail(source, `idToTrainId[${i}] must be [labelId, trainId]`);
        return [pair[0], pair[1]];
      })
    : typeof value === 'object' && value !== null
      ? Object.entries(value).map(([k, v]) => [/^\d+$/.test(k) ? Number(k) : k, v])
      : fail(source, '"idToTrainId" must be an object {"labelId": trainId} or a list of [labelId, trainId]');
  let size = 0;
  for (const [labelId] of entries) if (isId(labelId)) size = Math.max(size, labelId + 1);
  const map = new Array<number>(size).fill(ignoreIndex);
  for (const [labelId, trainId] of entries) {
    if (!isId(labelId)) fail(source, `idToTrainId: label id ${JSON.stringify(labelId)} is not an integer 0-${MAX_ID}`);
    if (!isId(trainId) || (trainId >= numClasses && trainId !== ignoreIndex))
      fail(
        source,
        `idToTrainId: label id ${labelId} maps to ${JSON.stringify(trainId)}, not a train id 0-${numClasses - 1} or ${ignoreIndex}`,
      );
    map[labelId] = trainId;
  }
  return map;
}

function stringList(source: string, root: Json, key: string): string[] {
  const value = root[key] ?? [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s !== ''))
    fail(source, `"${key}" must be a list of non-empty strings`);
  return value as string[];
}

/** Label suffixes in the dataset's label ids, label suffixes in train ids, prediction and image suffixes. */
function parseSuffixes(source: string, root: Json): SuffixRule[] {
  const value = root.suffixes ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(source, '"suffixes" must be {"label": [...], "trainIdLabel": [...], "prediction": [...], "image": [...]}');
  const unknown = Object.keys(value).filter((k) => !['label', 'trainIdLabel', 'prediction', 'image'].includes(k));
  if (unknown.length > 0) fail(source, `"suffixes" has unknown key "${unknown[0]}"`);
  const rules: SuffixRule[] = [];
  for (const suffix of stringList(source, value as Json, 'trainIdLabel'))
    rules.push({ suffix, role: 'label', ids: 'train', rank: 0 });
  for (const suffix of stringList(source, value as Json, 'label')) rules.push({ suffix, role: 'label', rank: 1 });
  for (const suffix of stringList(source, value as Json, 'prediction')) rules.push({ suffix, role: 'prediction' });
  for (const suffix of stringList(source, value as Json, 'image')) rules.push({ suffix, role: 'image' });
  return rules;
}

function colorTable(name: string, names: string[], colors: Rgb[], voids: Rgb[], ignoreIndex: number): ColorTable {
  const idOfColor = new Map<number, number>();
  colors.forEach(([r, g, b], id) => {
    if (!idOfColor.has(packRgb(r, g, b))) idOfColor.set(packRgb(r, g, b), id);
  });
  for (const [r, g, b] of voids) if (!idOfColor.has(packRgb(r, g, b))) idOfColor.set(packRgb(r, g, b), ignoreIndex);
  return { name, classNames: names, classColors: colors, idOfColor };
}

const KNOWN_KEYS = [
  '$schema',
  'name',
  'classes',
  'ignoreIndex',
  'labelIds',
  'idToTrainId',
  'voidIds',
  'voidColors',
  'suffixes',
  'imageFolders',
];

/** Parses a dataset JSON file (schema in README "Your dataset"); every error names the file and the field. */
export function parseDatasetFile(text: string, source: string): DatasetPreset {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(source, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(source, 'expected a JSON object');
  const root = json as Json;
  const unknown = Object.keys(root).filter((k) => !KNOWN_KEYS.includes(k));
  if (unknown.length > 0) fail(source, `unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const name = root.name ?? source;
  if (typeof name !== 'string' || name === '') fail(source, '"name" must be a non-empty string');
  const { names, colors } = parseClasses(source, root.classes);
  const ignoreIndex = root.ignoreIndex ?? 255;
  if (!isId(ignoreIndex) || ignoreIndex < names.length)
    fail(
      source,
      `"ignoreIndex" must be an integer from ${names.length} to ${MAX_ID}, got ${JSON.stringify(ignoreIndex)}`,
    );
  const voidIds = root.voidIds ?? [];
  if (!Array.isArray(voidIds) || !voidIds.every(isId)) fail(source, '"voidIds" must be a list of label ids');
  const voidColors = root.voidColors ?? [];
  if (!Array.isArray(voidColors) || !voidColors.every(isRgb)) fail(source, '"voidColors" must be a list of [r, g, b]');
  let labelToTrain: number[] | undefined =
    root.idToTrainId === undefined ? undefined : parseIdMap(source, root.idToTrainId, names.length, ignoreIndex);
  if (labelToTrain === undefined && voidIds.length > 0) {
    // Train ids as they are, except the listed void ids.
    labelToTrain = Array.from({ length: Math.max(names.length, ...voidIds.map((v) => v + 1)) }, (_, id) => id);
  }
  for (const id of voidIds) if (labelToTrain && id < labelToTrain.length) labelToTrain[id] = ignoreIndex;
  const labelIds = root.labelIds ?? (labelToTrain ? 'label' : 'train');
  if (labelIds !== 'label' && labelIds !== 'train') fail(source, '"labelIds" must be "label" or "train"');
  if (labelIds === 'label' && !labelToTrain) fail(source, '"labelIds": "label" needs an "idToTrainId" map');
  return {
    name,
    classNames: names,
    classColors: colors,
    ignoreIndex,
    ...(labelToTrain ? { labelToTrain } : {}),
    labelIds,
    colorTable: colorTable(name, names, colors, voidColors, ignoreIndex),
    suffixes: parseSuffixes(source, root),
    imageFolders: stringList(source, root, 'imageFolders'),
  };
}

export async function loadDatasetFile(path: string): Promise<DatasetPreset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    fail(path, `cannot read dataset file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseDatasetFile(text, path);
}
