import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { blockSides, gridPermutationStats, gridPermutationStatsEpochs, permSeeds, type GridSpec } from '../../../src/populations/generative/two-sample';

/**
 * The permutation statistics as first written (O(N) per permutation, both sides counted, a
 * fresh Fisher-Yates per epoch): the reference the cached, pooled-minus-side-a version must
 * equal bit for bit.
 */
function referenceStats(a: Int32Array, b: Int32Array, grid: GridSpec, seeds: readonly number[]): Float64Array {
  const n = a.length;
  const m = b.length;
  const N = n + m;
  const pooled = new Int32Array(N);
  pooled.set(a);
  pooled.set(b, n);
  const { shape, numActions: A } = grid;
  const ids: Int32Array[] = [pooled];
  for (const side of blockSides(shape).slice(1)) {
    for (const offset of [0, side / 2]) {
      const per = shape.map((x) => Math.ceil(x / side));
      ids.push(
        Int32Array.from(pooled, (cell) => {
          let s = Math.floor(cell / A);
          const coords = shape.map(() => 0);
          for (let k = shape.length - 1; k >= 0; k--) {
            coords[k] = s % shape[k]!;
            s = Math.floor(s / shape[k]!);
          }
          let id = 0;
          for (let k = 0; k < shape.length; k++) id = id * per[k]! + Math.floor(((coords[k]! + offset) % shape[k]!) / side);
          return id;
        }),
      );
    }
  }
  const P = seeds.length;
  const out = new Float64Array((P + 1) * ids.length);
  const perm = Int32Array.from({ length: N }, (_x, i) => i);
  for (let r = 0; r <= P; r++) {
    if (r > 0) {
      const rng = new Rng(seeds[r - 1]!);
      for (let i = 0; i < N; i++) perm[i] = i;
      for (let i = 0; i < n; i++) {
        const j = i + rng.int(N - i);
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
      }
    }
    ids.forEach((id, l) => {
      const ca = new Map<number, number>();
      const cb = new Map<number, number>();
      for (let i = 0; i < N; i++) {
        const c = i < n ? ca : cb;
        const k = id[perm[i]!]!;
        c.set(k, (c.get(k) ?? 0) + 1);
      }
      let aa = 0;
      let bb = 0;
      let ab = 0;
      for (const k of new Set([...ca.keys(), ...cb.keys()])) {
        const x = ca.get(k) ?? 0;
        const y = cb.get(k) ?? 0;
        aa += x * (x - 1);
        bb += y * (y - 1);
        ab += x * y;
      }
      out[r * ids.length + l] = aa / (n * (n - 1)) + bb / (m * (m - 1)) - (2 * ab) / (n * m);
    });
  }
  return out;
}

describe('grid permutation statistics (permutations cached per seed list, side b = pooled − side a)', () => {
  it('equal the direct computation bit for bit, on repeated epochs (cache hits) and new sizes', () => {
    const rng = new Rng(21);
    const grid: GridSpec = { shape: [12, 10], numActions: 3 };
    const seeds = permSeeds(49, rng);
    const cells = (k: number): Int32Array => Int32Array.from({ length: k }, () => Math.floor(360 * rng.random() ** 2));
    // Three epochs of equal sizes share the cached permutations; a fourth size builds new ones.
    for (const [n, m] of [[300, 300], [300, 300], [300, 300], [250, 410]] as const) {
      const a = cells(n);
      const b = cells(m);
      const got = gridPermutationStats(a, b, grid, seeds);
      const want = referenceStats(a, b, grid, seeds);
      // The block U-statistics sum the same integer counts in the same order: equal, not just close.
      expect(Array.from(got.stats)).to.deep.equal(Array.from(want));
      expect(got.columns).to.equal(1 + 2 * (blockSides(grid.shape).length - 1));
    }
  });

  it('computed for several epochs together (combined block ids on small spaces), equal the per-epoch reference bit for bit', () => {
    const rng = new Rng(22);
    const seeds = permSeeds(39, rng);
    // A BeachBar-like line of 4 states (one action: every epoch fuses), a grid whose epochs fuse
    // partly, and a large grid that counts column by column; sizes shared and not.
    const cases: [GridSpec, number, [number, number][]][] = [
      [{ shape: [4], numActions: 1 }, 4, [[200, 200], [200, 200], [200, 200], [150, 220]]],
      [{ shape: [8], numActions: 2 }, 16, [[300, 300], [300, 300], [300, 300]]],
      [{ shape: [12, 10], numActions: 3 }, 360, [[300, 300], [300, 300], [250, 410]]],
    ];
    for (const [grid, cells, sizes] of cases) {
      const draw = (k: number): Int32Array => Int32Array.from({ length: k }, () => Math.floor(cells * rng.random() ** 1.5));
      const pairs = sizes.map(([n, m]) => [draw(n), draw(m)] as const);
      const got = gridPermutationStatsEpochs(pairs, grid, seeds);
      pairs.forEach(([a, b], e) => {
        expect(Array.from(got[e]!.stats), `grid ${grid.shape}, epoch ${e}`).to.deep.equal(Array.from(referenceStats(a, b, grid, seeds)));
        expect(got[e]!.columns).to.equal(1 + 2 * (blockSides(grid.shape).length - 1));
      });
    }
  });
});
