import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The spec's worked cases, copied from shared/spec/golden.json into the project's fixtures. */
export interface GoldenCase {
  name: string;
  C: number;
  ignore: number;
  scales: number[];
  hard_eps?: number;
  label: number[][];
  logits_hwc?: number[][][];
  pred?: number[][];
  expect: {
    ce: number;
    adaptive: number;
    per_scale: Record<string, number>;
    merge_effect_map: number[][];
    argmax?: number[][];
    per_class_iou: (number | null)[];
    miou: number;
    pixel_acc: number;
  };
}

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const GOLDEN_FILE = join(REPO_ROOT, 'test', 'fixtures', 'spec', 'golden.json');

export function goldenCases(): GoldenCase[] {
  return (JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** |actual - expected| <= tolerance * |expected|, with an absolute floor only for exact zeros. */
export function relativeClose(actual: number, expected: number, tolerance: number): boolean {
  if (expected === 0) return Math.abs(actual) <= tolerance * 1e-3;
  return Math.abs(actual - expected) <= tolerance * Math.abs(expected);
}
