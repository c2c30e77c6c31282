import { MfgError } from '../errors';
import type { Rng } from '../rng';
import type { MultiDiscreteJSON, Space } from './space';

/** A vector of independent discrete coordinates, coordinate i in {0..nvec[i]-1} (Gymnasium's MultiDiscrete). */
export class MultiDiscrete implements Space<number[]> {
  readonly kind = 'MultiDiscrete' as const;
  readonly nvec: readonly number[];

  constructor(nvec: readonly number[]) {
    if (nvec.length === 0 || nvec.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new MfgError('MFG_ERR_SPACE_INVALID', `MultiDiscrete nvec must be positive integers, got [${nvec.join(', ')}]`);
    }
    this.nvec = [...nvec];
  }

  /** Number of joint values (product of nvec). */
  get size(): number {
    return this.nvec.reduce((a, b) => a * b, 1);
  }

  contains(x: unknown): x is number[] {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) return false;
    const v = x as ArrayLike<unknown>;
    if (v.length !== this.nvec.length) return false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= this.nvec[i]!) return false;
    }
    return true;
  }

  sample(rng: Rng): number[] {
    return this.nvec.map((n) => rng.int(n));
  }

  /** Row-major flat index of a coordinate vector (the convention of every grid game). */
  flatten(x: ArrayLike<number>): number {
    let idx = 0;
    for (let i = 0; i < this.nvec.length; i++) idx = idx * this.nvec[i]! + x[i]!;
    return idx;
  }

  /** Inverse of `flatten`. */
  unflatten(index: number, out: number[] = new Array<number>(this.nvec.length)): number[] {
    for (let i = this.nvec.length - 1; i >= 0; i--) {
      const n = this.nvec[i]!;
      out[i] = index % n;
      index = Math.floor(index / n);
    }
    return out;
  }

  toJSON(): MultiDiscreteJSON {
    return { type: 'MultiDiscrete', nvec: [...this.nvec] };
  }

  static fromJSON(j: MultiDiscreteJSON): MultiDiscrete {
    return new MultiDiscrete(j.nvec);
  }
}
