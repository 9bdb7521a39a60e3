/**
 * The inspector's fixed layer colours read apart: the likely-label-error colour against every other one,
 * by CIELAB distance (CIE 1976 ΔE, sRGB D65, retyped from the CIE formulas here, not from the webview).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as colormap from '../../webview/common/colormap';
import type { Rgb } from '../../src/shared/protocol';

function toLab([r, g, b]: Rgb): [number, number, number] {
  const linear = (c: number): number => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [linear(r), linear(g), linear(b)];
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const deltaE = (a: Rgb, b: Rgb): number => {
  const [l1, a1, b1] = toLab(a);
  const [l2, a2, b2] = toLab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
};

/** Every fixed colour the inspector draws a layer with, by name. */
function layerColors(): Map<string, Rgb> {
  const colors = new Map<string, Rgb>([
    ['neutral background', colormap.NEUTRAL_BACKGROUND],
    ['confusion', colormap.CONFUSION_COLOR],
    ['id out of range', colormap.INVALID_CLASS_COLOR],
    ['label issues', colormap.LABEL_ISSUE_COLOR],
    ['greyed out', colormap.GREYED_OUT_COLOR],
  ]);
  const groups = {
    error: colormap.ERROR_COLORS,
    hatch: colormap.HATCH_COLORS,
    difference: colormap.DIFFERENCE_COLORS,
    band: colormap.BAND_COLORS,
  };
  for (const [group, entries] of Object.entries(groups))
    for (const [name, color] of Object.entries(entries)) colors.set(`${group} ${name}`, color);
  colormap.SEQUENTIAL_STOPS.forEach((color, i) => colors.set(`entropy/margin stop ${i}`, color));
  for (let t = -1; t <= 1; t += 0.25) colors.set(`merge effect ${t}`, colormap.divergingColor(t, 1));
  return colors;
}

test('the likely-label-error colour is far from every other layer colour, magenta above all', () => {
  const own = colormap.LIKELY_LABEL_ERROR_COLOR;
  for (const [name, color] of layerColors()) {
    const distance = deltaE(own, color);
    // ΔE 2.3 is a just-noticeable difference; 40 is a different colour at a glance.
    assert.ok(
      distance >= 40,
      `likely label errors ${own.join(',')} vs ${name} ${color.join(',')}: ΔE ${distance.toFixed(1)}`,
    );
  }
  assert.ok(deltaE(own, colormap.INVALID_CLASS_COLOR) >= 100, 'far from the magenta of out-of-range ids');
  assert.ok(deltaE(own, colormap.LABEL_ISSUE_COLOR) >= 100, 'far from the label-issue orange');
});

test('the old violet was too close to the out-of-range magenta (what this guards against)', () => {
  assert.ok(deltaE([170, 0, 255], colormap.INVALID_CLASS_COLOR) < 40);
});
