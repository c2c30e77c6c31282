import { MfgError } from '../errors';
import type { Rng } from '../rng';
import type { DiscreteJSON, Space } from './space';

/** {start, ..., start+n-1}, as Gymnasium's Discrete. */
export class Discrete implements Space<number> {
  readonly kind = 'Discrete' as const;

  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new MfgError('MFG_ERR_SPACE_INVALID', `Discrete n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new MfgError('MFG_ERR_SPACE_INVALID', `Discrete start must be an integer, got ${start}`);
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  sample(rng: Rng): number {
    return this.start + rng.int(this.n);
  }

  toJSON(): DiscreteJSON {
    return { type: 'Discrete', n: this.n, start: this.start };
  }

  static fromJSON(j: DiscreteJSON): Discrete {
    return new Discrete(j.n, j.start ?? 0);
  }
}
