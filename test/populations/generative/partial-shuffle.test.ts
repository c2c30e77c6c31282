import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { partialShuffle } from '../../../src/populations/generative/partial-shuffle';

/** The reference: a partial Fisher-Yates with rng.int, as the kernel tests first drew it. */
function reference(N: number, n: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const out = Int32Array.from({ length: N }, (_x, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(N - i);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

describe('partialShuffle (the kernel tests permutations, xoshiro stepped in locals)', () => {
  it('equals the rng.int partial Fisher-Yates for every seed, size and side, whole arrays compared', () => {
    const seeds = new Rng(31);
    const out = new Int32Array(5000);
    for (const [N, n] of [[2, 1], [5, 5], [2000, 1000], [4999, 17], [3001, 3000], [64, 0]] as const) {
      for (let k = 0; k < 40; k++) {
        const seed = k === 0 ? 0 : k === 1 ? Number.MAX_SAFE_INTEGER : seeds.nextSeed();
        const got = partialShuffle(N, n, seed, out).subarray(0, N);
        expect(Array.from(got), `N ${N}, n ${n}, seed ${seed}`).to.deep.equal(Array.from(reference(N, n, seed)));
      }
    }
  });
});
