/**
 * How sure a soft prediction is, pixel by pixel, for the inspector: the top-1 probability, the
 * entropy −Σ_c P(c) ln P(c) (in nats, at most ln C) and the margin P(top-1) − P(top-2). Every pixel
 * gets them, void included: a model's certainty needs no label. Probabilities are the engine's
 * (softmax for logits, rows renormalised for probabilities; an all-zero row is uniform).
 */

import type { SoftScores } from '../types';
import { tableExp } from './tableExp';

export interface UncertaintyMaps {
  readonly confidence: Float32Array;
  readonly entropy: Float32Array;
  readonly margin: Float32Array;
}

/** One pixel's values, whatever the layout. */
function pixelReader(scores: SoftScores): (p: number, c: number) => number {
  const { values, channels } = scores;
  const pixels = scores.width * scores.height;
  return scores.layout === 'hwc' ? (p, c) => values[p * channels + c]! : (p, c) => values[c * pixels + p]!;
}

export function uncertaintyMaps(scores: SoftScores): UncertaintyMaps {
  const pixels = scores.width * scores.height;
  const channels = scores.channels;
  const at = pixelReader(scores);
  const confidence = new Float32Array(pixels);
  const entropy = new Float32Array(pixels);
  const margin = new Float32Array(pixels);
  const logits = scores.kind === 'logits';
  for (let p = 0; p < pixels; p++) {
    let best = -Infinity;
    let second = -Infinity;
    for (let c = 0; c < channels; c++) {
      const v = at(p, c);
      if (v > best) {
        second = best;
        best = v;
      } else if (v > second) second = v;
    }
    if (logits) {
      // ln P(c) = (v_c − max) − ln Z, so H = ln Z − Σ_c e_c (v_c − max) / Z with e_c = exp(v_c − max):
      // one log per pixel instead of C.
      let z = 0;
      let weighted = 0;
      for (let c = 0; c < channels; c++) {
        const shifted = at(p, c) - best;
        const e = tableExp(shifted);
        z += e;
        weighted += e * shifted;
      }
      confidence[p] = 1 / z;
      entropy[p] = Math.max(0, Math.log(z) - weighted / z); // rounding can dip below 0
      margin[p] = (1 - tableExp(second - best)) / z;
    } else {
      let total = 0;
      for (let c = 0; c < channels; c++) total += at(p, c);
      if (!(total > 0)) {
        confidence[p] = 1 / channels;
        entropy[p] = Math.log(channels);
        margin[p] = 0;
        continue;
      }
      let h = 0;
      for (let c = 0; c < channels; c++) {
        const q = at(p, c) / total;
        if (q > 0) h -= q * Math.log(q);
      }
      confidence[p] = best / total;
      entropy[p] = h;
      margin[p] = (best - second) / total;
    }
  }
  return { confidence, entropy, margin };
}
