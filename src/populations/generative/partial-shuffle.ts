import { Rng } from '../../core/rng';

/**
 * The kernel tests' label permutations: a partial Fisher-Yates of 0..N-1 driven by Rng(seed),
 * positions [0, n) swapped with j = i + rng.int(N - i) in turn, so positions [0, n) are side a.
 *
 * The draws are Rng's own (xoshiro128** from the seed's state, Rng.int's rejection rule), but
 * stepped with the state in local variables: through Rng.nextUint32 a draw cost ~14 ns (its
 * state lives in object fields, its uint32 results are heap numbers when not inlined), here ~7,
 * and these permutations (199 a test of 1,000 agents a side) were the largest share of a
 * BeachBar fit's kernel tests. The generator is the one Rng documents; the test
 * (test/populations/generative/partial-shuffle.test.ts) checks every permutation against
 * rng.int's, so a change of Rng's algorithm shows there.
 */
export function partialShuffle(N: number, n: number, seed: number, out: Int32Array): Int32Array {
  let [s0, s1, s2, s3] = new Rng(seed).getState();
  for (let i = 0; i < N; i++) out[i] = i;
  for (let i = 0; i < n; i++) {
    const m = N - i;
    let j = 0;
    if (m > 1) {
      for (;;) {
        // xoshiro128** 1.1 (Rng.nextUint32): result rotl(s1·5, 7)·9, then the state update.
        const r = Math.imul(s1, 5);
        const x = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        // Rng.int's rejection of x >= 2^32 - (2^32 % m), as in uniformInt.
        const base = Math.floor(x / m) * m;
        if (base + m <= 4294967296) {
          j = x - base;
          break;
        }
      }
    }
    j += i;
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
