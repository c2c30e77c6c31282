import type { Rng } from '../../core/rng';

/**
 * rng.int(n), the same draws and the same value, faster: Rng.int's remainders (`2^32 % n` and
 * `x % n` on uint32 values, which are doubles above 2^31) compile to a floating-point remainder,
 * a libm call, and they were most of what the kernel tests' permutations and the minibatch draws
 * cost in a BeachBar gd-fp fit. Here both come from one floor division, which is exact: x <= 2^32 and
 * n >= 2, so the correctly rounded quotient is off by at most x·2^-53 < 1/n from x / n, never
 * enough to cross an integer, and its floor is the true one (test/populations/generative/
 * uniform-int.test.ts checks the values against rng.int over whole streams).
 */
export function uniformInt(rng: Rng, n: number): number {
  if (n <= 1) return 0;
  for (;;) {
    const x = rng.nextUint32();
    const base = Math.floor(x / n) * n;
    // Rng.int rejects x >= 2^32 - (2^32 % n), the largest multiple of n up to 2^32: exactly the
    // draws whose block [base, base + n) does not fit below 2^32.
    if (base + n <= 4294967296) return x - base;
  }
}
