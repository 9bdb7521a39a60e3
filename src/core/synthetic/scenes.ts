/**
 * Deterministic VOC-like scenes for the sample dataset, the benchmark and the tests: a background with
 * a few objects (ellipses and polygons) of other classes, a void band along object boundaries as in
 * Pascal VOC, and a prediction that makes the mistakes real models make (shifted boundaries, a
 * confused class, a missed small object, a false-positive blob).
 */

export interface SceneOptions {
  readonly width: number;
  readonly height: number;
  readonly numClasses: number;
  readonly ignoreIndex: number;
  /** Width in pixels of the void band on each side of an object boundary; 0 for none. */
  readonly voidBand: number;
  /**
   * A seed for the model's view alone. Scenes of one seed and different model seeds share their label
   * and differ in their prediction, as several models of one dataset do; without it, the scene's own
   * seed draws the prediction too.
   */
  readonly modelSeed?: number;
}

export interface Scene {
  readonly width: number;
  readonly height: number;
  readonly label: Uint16Array;
  readonly prediction: Uint16Array;
  /** An RGB rendering of the scene (interleaved), for the inspector's background image. */
  readonly image: Uint8Array;
}

/** mulberry32: small, fast and good enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  readonly classId: number;
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  readonly angle: number;
  /** Radial wobble of the outline: amplitudes of a few harmonics. */
  readonly wobble: readonly number[];
  readonly phase: number;
}

function insideShape(shape: Shape, x: number, y: number, grow: number): boolean {
  const dx = x - shape.cx;
  const dy = y - shape.cy;
  const cos = Math.cos(shape.angle);
  const sin = Math.sin(shape.angle);
  const u = (dx * cos + dy * sin) / shape.rx;
  const v = (-dx * sin + dy * cos) / shape.ry;
  const theta = Math.atan2(v, u);
  let radius = 1;
  shape.wobble.forEach((amplitude, i) => {
    radius += amplitude * Math.sin((i + 2) * theta + shape.phase * (i + 1));
  });
  const scale = Math.min(shape.rx, shape.ry);
  return Math.hypot(u, v) <= radius + grow / scale;
}

function render(shapes: readonly Shape[], width: number, height: number, grow: (shape: Shape) => number): Uint16Array {
  const map = new Uint16Array(width * height);
  for (const shape of shapes) {
    const margin = Math.max(shape.rx, shape.ry) * 1.6 + Math.abs(grow(shape)) + 2;
    const x0 = Math.max(0, Math.floor(shape.cx - margin));
    const x1 = Math.min(width - 1, Math.ceil(shape.cx + margin));
    const y0 = Math.max(0, Math.floor(shape.cy - margin));
    const y1 = Math.min(height - 1, Math.ceil(shape.cy + margin));
    const g = grow(shape);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) if (insideShape(shape, x + 0.5, y + 0.5, g)) map[y * width + x] = shape.classId;
    }
  }
  return map;
}

/** Marks pixels within `band` of a differently labelled pixel as void. */
function addVoidBand(map: Uint16Array, width: number, height: number, band: number, ignoreIndex: number): Uint16Array {
  if (band <= 0) return map;
  const out = Uint16Array.from(map);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const id = map[y * width + x]!;
      let boundary = false;
      for (let dy = -band; dy <= band && !boundary; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -band; dx <= band; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width && map[yy * width + xx] !== id) {
            boundary = true;
            break;
          }
        }
      }
      if (boundary) out[y * width + x] = ignoreIndex;
    }
  }
  return out;
}

function randomShape(random: () => number, width: number, height: number, classId: number): Shape {
  const size = Math.min(width, height);
  return {
    classId,
    cx: width * (0.15 + 0.7 * random()),
    cy: height * (0.15 + 0.7 * random()),
    rx: size * (0.08 + 0.22 * random()),
    ry: size * (0.08 + 0.22 * random()),
    angle: random() * Math.PI,
    wobble: [0.12 * random(), 0.08 * random(), 0.05 * random()],
    phase: random() * Math.PI * 2,
  };
}

export function generateScene(seed: number, options: SceneOptions): Scene {
  const random = seededRandom(seed);
  const { width, height, numClasses, ignoreIndex, voidBand } = options;
  const objectCount = 1 + Math.floor(random() * 4);
  const shapes: Shape[] = [];
  for (let i = 0; i < objectCount; i++)
    shapes.push(randomShape(random, width, height, 1 + Math.floor(random() * (numClasses - 1))));
  const cleanLabel = render(shapes, width, height, () => 0);
  const label = addVoidBand(cleanLabel, width, height, voidBand, ignoreIndex);

  // The model's view: boundaries off by a few pixels, one class confused, small objects missed, a spurious blob.
  const model = options.modelSeed === undefined ? random : seededRandom(options.modelSeed);
  const boundaryShift = shapes.map(() => (model() - 0.5) * Math.min(width, height) * 0.06);
  const confusedIndex = model() < 0.5 ? Math.floor(model() * shapes.length) : -1;
  const predictedShapes = shapes
    .map((shape, i) => ({
      ...shape,
      classId:
        i === confusedIndex
          ? 1 + ((shape.classId + Math.floor(model() * (numClasses - 2))) % (numClasses - 1))
          : shape.classId,
      phase: shape.phase + (model() - 0.5) * 0.6,
    }))
    .filter((shape) => Math.min(shape.rx, shape.ry) > Math.min(width, height) * 0.1 || model() < 0.5);
  if (model() < 0.4)
    predictedShapes.push({
      ...randomShape(model, width, height, 1 + Math.floor(model() * (numClasses - 1))),
      rx: Math.min(width, height) * 0.06,
      ry: Math.min(width, height) * 0.05,
    });
  const prediction = render(
    predictedShapes,
    width,
    height,
    (shape) => boundaryShift[shapes.findIndex((s) => s.cx === shape.cx)] ?? 0,
  );

  const image = new Uint8Array(width * height * 3);
  const tint = (id: number, channel: number): number => 60 + ((id * (53 + channel * 37)) % 160);
  for (let p = 0; p < width * height; p++) {
    const id = cleanLabel[p]!;
    const texture = Math.floor(18 * Math.sin((p % width) * 0.21 + Math.floor(p / width) * 0.13) + 12 * random());
    for (let c = 0; c < 3; c++) image[p * 3 + c] = Math.max(0, Math.min(255, tint(id, c) + texture));
  }
  return { width, height, label, prediction, image };
}

/**
 * Logits a model could have produced for `prediction`: confident inside regions, uncertain near
 * predicted boundaries, with a little noise. Returned in CHW order, float32.
 */
export function logitsFor(scene: Scene, numClasses: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const { width, height, prediction } = scene;
  const pixels = width * height;
  const logits = new Float32Array(numClasses * pixels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const id = prediction[p]!;
      let neighbour = -1;
      for (const [dx, dy] of [
        [-2, 0],
        [2, 0],
        [0, -2],
        [0, 2],
      ] as const) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && xx < width && yy >= 0 && yy < height && prediction[yy * width + xx] !== id)
          neighbour = prediction[yy * width + xx]!;
      }
      // Near a predicted boundary the model hesitates between the two regions, as real models do.
      for (let c = 0; c < numClasses; c++) {
        const evidence = c === id ? (neighbour >= 0 ? 1.4 : 4.5) : c === neighbour ? 1.0 : 0;
        logits[c * pixels + p] = evidence + (random() - 0.5) * 0.8;
      }
    }
  }
  return logits;
}
