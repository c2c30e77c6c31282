import { MfgError } from '../errors';
import type { Rng } from '../rng';
import type { BoundJSON, BoxJSON, Space } from './space';

export type BoxDtype = 'float32' | 'float64';

/**
 * A (possibly unbounded) box in R^shape, as Gymnasium's Box. Samples follow Gymnasium:
 * uniform on bounded coordinates, exponential on half-bounded ones, normal on unbounded ones.
 */
export class Box implements Space<Float64Array | Float32Array> {
  readonly kind = 'Box' as const;
  readonly shape: readonly number[];
  readonly low: Float64Array;
  readonly high: Float64Array;

  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    readonly dtype: BoxDtype = 'float64',
  ) {
    const size = shape
      ? shape.reduce((a, b) => a * b, 1)
      : typeof low === 'number'
        ? typeof high === 'number'
          ? 1
          : high.length
        : low.length;
    this.shape = shape ? [...shape] : [size];
    if (this.shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new MfgError('MFG_ERR_SPACE_INVALID', `Box shape must be positive integers, got [${this.shape.join(', ')}]`);
    }
    this.low = broadcast(low, size, 'low');
    this.high = broadcast(high, size, 'high');
    for (let i = 0; i < size; i++) {
      if (Number.isNaN(this.low[i]) || Number.isNaN(this.high[i]) || this.low[i]! > this.high[i]!) {
        throw new MfgError('MFG_ERR_SPACE_INVALID', `Box bound ${i} is invalid: low=${this.low[i]}, high=${this.high[i]}`);
      }
    }
  }

  get size(): number {
    return this.low.length;
  }

  contains(x: unknown): x is Float64Array | Float32Array {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) return false;
    const v = x as ArrayLike<unknown>;
    if (v.length !== this.size) return false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (typeof c !== 'number' || Number.isNaN(c) || c < this.low[i]! || c > this.high[i]!) return false;
    }
    return true;
  }

  sample(rng: Rng): Float64Array | Float32Array {
    const out = this.dtype === 'float32' ? new Float32Array(this.size) : new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      const loF = Number.isFinite(lo);
      const hiF = Number.isFinite(hi);
      if (loF && hiF) out[i] = lo + (hi - lo) * rng.random();
      else if (loF) out[i] = lo - Math.log(1 - rng.random());
      else if (hiF) out[i] = hi + Math.log(1 - rng.random());
      else out[i] = rng.normal();
    }
    return out;
  }

  /** Clips a vector into the box, in place. */
  clip(x: Float64Array | Float32Array): typeof x {
    for (let i = 0; i < x.length; i++) x[i] = Math.min(this.high[i]!, Math.max(this.low[i]!, x[i]!));
    return x;
  }

  toJSON(): BoxJSON {
    return { type: 'Box', shape: [...this.shape], dtype: this.dtype, low: [...this.low].map(boundToJSON), high: [...this.high].map(boundToJSON) };
  }

  static fromJSON(j: BoxJSON): Box {
    return new Box(j.low.map(boundFromJSON), j.high.map(boundFromJSON), j.shape, j.dtype);
  }
}

function broadcast(v: number | ArrayLike<number>, size: number, what: string): Float64Array {
  if (typeof v === 'number') return new Float64Array(size).fill(v);
  if (v.length !== size) throw new MfgError('MFG_ERR_SPACE_INVALID', `Box ${what} has ${v.length} entries, expected ${size}`);
  return Float64Array.from(v);
}

export function boundToJSON(x: number): BoundJSON {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return x;
}

export function boundFromJSON(x: BoundJSON): number {
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  return x;
}
