/** Class colours: the engine's default palette, shared with the protocol and the webview. */

export type Rgb = readonly [number, number, number];

/**
 * The Pascal VOC colour map (the bit-interleaving one from the VOC devkit) for one class id.
 * The host uses it when the user configured no palette; ids 0..255 give distinct colours.
 */
export function pascalVocColor(classId: number): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  let id = classId;
  for (let bit = 7; bit >= 0; bit--) {
    r |= ((id >> 0) & 1) << bit;
    g |= ((id >> 1) & 1) << bit;
    b |= ((id >> 2) & 1) << bit;
    id >>= 3;
  }
  return [r, g, b];
}

export function defaultClassColors(numClasses: number): Rgb[] {
  return Array.from({ length: numClasses }, (_, c) => pascalVocColor(c));
}
