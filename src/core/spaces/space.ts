import type { Rng } from '../rng';

/** The JSON form every space owns: what `list`, `make` replies and clients rebuild spaces from. */
export type SpaceJSON = DiscreteJSON | MultiDiscreteJSON | BoxJSON;

export interface DiscreteJSON {
  type: 'Discrete';
  n: number;
  start: number;
}

export interface MultiDiscreteJSON {
  type: 'MultiDiscrete';
  nvec: number[];
}

/** Infinite bounds are the strings "inf" / "-inf" (JSON has no infinity). */
export type BoundJSON = number | 'inf' | '-inf';

export interface BoxJSON {
  type: 'Box';
  shape: number[];
  dtype: 'float32' | 'float64';
  low: BoundJSON[];
  high: BoundJSON[];
}

/** A set of values, after Gymnasium's `Space`: membership, sampling and a wire form. */
export interface Space<T> {
  readonly kind: SpaceJSON['type'];
  contains(x: unknown): x is T;
  sample(rng: Rng): T;
  toJSON(): SpaceJSON;
}
