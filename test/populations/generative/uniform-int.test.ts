import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { uniformInt } from '../../../src/populations/generative/uniform-int';

describe('uniformInt (rng.int without floating-point remainders)', () => {
  it('draws the same values as rng.int from the same stream, for small, odd, power-of-two and near-2^32 bounds', () => {
    const bounds = [1, 2, 3, 7, 12, 1000, 1001, 2000, 65536, 3 ** 19, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 5, 2 ** 32 - 1, 2 ** 32];
    for (const n of bounds) {
      const a = new Rng(n);
      const b = new Rng(n);
      for (let i = 0; i < 20_000; i++) {
        const x = a.int(n);
        const y = uniformInt(b, n);
        if (x !== y) expect.fail(`n = ${n}, draw ${i}: rng.int ${x}, uniformInt ${y}`);
      }
      // Same number of uint32 consumed (rejections included): the streams stay in step.
      expect(a.nextUint32()).to.equal(b.nextUint32());
    }
  });

  it('draws the same values for every bound of a partial Fisher-Yates over 3,000 items', () => {
    const a = new Rng(11);
    const b = new Rng(11);
    for (let m = 3000; m >= 1; m--) expect(uniformInt(b, m)).to.equal(a.int(m));
  });
});
