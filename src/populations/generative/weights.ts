import { MfgError } from '../../core/errors';
import type { Rng } from '../../core/rng';

/**
 * A model's parameters as plain float32 arrays, keyed by name. Training copies them into tfjs
 * variables and back; inference runs on them in JavaScript (see dense.ts), so queries never
 * touch tfjs and a saved model reloads to bit-identical densities on any backend.
 */
export interface Weight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type NamedWeights = Map<string, Weight>;

export function weight(shape: readonly number[], data?: Float32Array): Weight {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape: [...shape], data: data ?? new Float32Array(size) };
}

/** Glorot-uniform matrix [fanIn, fanOut] drawn from the project RNG (so a fit is seeded). */
export function glorot(fanIn: number, fanOut: number, rng: Rng, gain = 1): Weight {
  const w = weight([fanIn, fanOut]);
  const lim = gain * Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < w.data.length; i++) w.data[i] = (2 * rng.random() - 1) * lim;
  return w;
}

/** Normal(0, std^2) entries, for embeddings. */
export function normalWeight(shape: readonly number[], std: number, rng: Rng): Weight {
  const w = weight(shape);
  for (let i = 0; i < w.data.length; i++) w.data[i] = std * rng.normal();
  return w;
}

export function get(weights: NamedWeights, name: string): Weight {
  const w = weights.get(name);
  if (!w) throw new MfgError('MFG_ERR_INTERNAL', `model weight ${name} is missing`);
  return w;
}

/** Float64 copy of a weight (the exact values of the float32 parameters). */
export function f64(weights: NamedWeights, name: string): Float64Array {
  return Float64Array.from(get(weights, name).data);
}

export function countParameters(weights: NamedWeights): number {
  let n = 0;
  for (const w of weights.values()) n += w.data.length;
  return n;
}

export function cloneWeights(weights: NamedWeights): NamedWeights {
  const out: NamedWeights = new Map();
  for (const [k, w] of weights) out.set(k, { shape: [...w.shape], data: w.data.slice() });
  return out;
}

/** Copies every weight of `from` whose name and shape match into `to` (warm start); returns how many. */
export function copyMatching(from: NamedWeights, to: NamedWeights): number {
  let n = 0;
  for (const [k, w] of to) {
    const src = from.get(k);
    if (src && src.shape.length === w.shape.length && src.shape.every((d, i) => d === w.shape[i])) {
      w.data.set(src.data);
      n++;
    }
  }
  return n;
}
