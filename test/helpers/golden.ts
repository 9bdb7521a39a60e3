import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The spec's worked cases, copied from shared/spec/golden.json into the project's fixtures. */
export interface GoldenCase {
  name: string;
  C: number;
  ignore: number;
  scales: number[];
  hard_eps?: number;
  /** v2 (golden-v2.json): the loss variant; absent in golden.json, which is v1. */
  pooling?: 'uniform' | 'gaussian';
  pooling_sigma?: number;
  minkowski?: number;
  label: number[][];
  logits_hwc?: number[][][];
  pred?: number[][];
  expect: {
    ce: number;
    adaptive: number;
    per_scale: Record<string, number>;
    merge_effect_map: number[][];
    /** v2: mean of M over valid pixels (CE - mean_k L_k only for the v1 loss). */
    merge_effect_mean?: number;
    argmax?: number[][];
    per_class_iou: (number | null)[];
    miou: number;
    pixel_acc: number;
  };
}

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const GOLDEN_FILE = join(REPO_ROOT, 'test', 'fixtures', 'spec', 'golden.json');
export const GOLDEN_V2_FILE = join(REPO_ROOT, 'test', 'fixtures', 'spec', 'golden-v2.json');
/** Every golden file, each with the spec file it copies (shared/spec/NAME). */
export const GOLDEN_FILES: readonly string[] = [GOLDEN_FILE, GOLDEN_V2_FILE];

/** The cases of one golden file; by default the v1 file and the v2 file together. */
export function goldenCases(files: readonly string[] = GOLDEN_FILES): GoldenCase[] {
  return files.flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as { cases: GoldenCase[] }).cases);
}

/** The v2 cases (shared/spec/golden-v2.json): loss-v2 settings and Boundary IoU. */
export interface GoldenV2Case extends Omit<GoldenCase, 'expect'> {
  pooling: 'uniform' | 'gaussian';
  pooling_sigma: number;
  minkowski: number;
  boundary_ratio: number;
  expect: GoldenCase['expect'] & {
    boundary_intersection: number[];
    boundary_union: number[];
    boundary_iou: (number | null)[];
    boundary_miou: number | null;
    merge_effect_mean: number;
  };
}

export function goldenV2Cases(): GoldenV2Case[] {
  return (JSON.parse(readFileSync(GOLDEN_V2_FILE, 'utf8')) as { cases: GoldenV2Case[] }).cases;
}

/** |actual - expected| <= tolerance * |expected|, with an absolute floor only for exact zeros. */
export function relativeClose(actual: number, expected: number, tolerance: number): boolean {
  if (expected === 0) return Math.abs(actual) <= tolerance * 1e-3;
  return Math.abs(actual - expected) <= tolerance * Math.abs(expected);
}
