import { expect } from 'chai';
import { Rng } from '../../src/core/rng';
import { TrajectoryPool } from '../../src/learning/trajectory-pool';

/** Best response j's play: every state of agent row i at epoch t is j·1e6 + i·100 + t (so a slot says whose row it holds). */
function play(j: number, horizon: number, size: number): Float64Array[] {
  return Array.from({ length: horizon }, (_, t) => Float64Array.from({ length: size }, (_, i) => j * 1e6 + i * 100 + t));
}

describe('learning: TrajectoryPool (the averaged flow of fictitious play)', () => {
  it('after k updates each best response owns exactly M/k slots when k divides M (fictitious play weight 1/k)', () => {
    const M = 720; // divisible by 1..6, 8, 9, 10
    const pool = new TrajectoryPool(3, 1, M);
    const rng = new Rng(5);
    for (let k = 1; k <= 10; k++) {
      pool.mixIn(play(k - 1, 3, M), rng);
      if (M % k === 0) expect(Array.from(pool.shares())).to.deep.equal(new Array(k).fill(M / k));
    }
  });

  it('otherwise every share is floor(M/k) or ceil(M/k), summing to M, over 40 updates', () => {
    const M = 1000;
    const pool = new TrajectoryPool(2, 1, M);
    const rng = new Rng(11);
    for (let k = 1; k <= 40; k++) {
      pool.mixIn(play(k - 1, 2, M), rng);
      const s = Array.from(pool.shares());
      expect(s.reduce((a, b) => a + b, 0)).to.equal(M);
      for (const c of s) expect(c).to.be.oneOf([Math.floor(M / k), Math.ceil(M / k)]);
      expect(s.filter((c) => c === Math.floor(M / k) + 1).length).to.equal(M % k);
    }
  });

  it('a slot holds one whole trajectory of its owner, from the row of the same index; the first update replaces the initial flow', () => {
    const M = 64;
    const H = 4;
    const pool = new TrajectoryPool(H, 2, M);
    const rng = new Rng(3);
    const fresh = (j: number): Float64Array[] => play(j, H, 2 * M);
    for (let k = 1; k <= 7; k++) pool.mixIn(fresh(k - 1), rng);
    expect(pool.owner.every((o) => o >= 0)).to.equal(true);
    for (let i = 0; i < M; i++) {
      const j = pool.owner[i]!;
      for (let t = 0; t < H; t++) for (let c = 0; c < 2; c++) expect(pool.points[t]![2 * i + c]).to.equal(j * 1e6 + (2 * i + c) * 100 + t);
    }
  });

  it('the slots a new best response takes are a uniform draw: each slot is BR_2`s with frequency 1/2', () => {
    // Over 400 seeded runs of two updates on M = 10 slots, slot i belongs to BR_2 in 200 ± 3·10 runs.
    const M = 10;
    const hits = new Array(M).fill(0);
    for (let r = 0; r < 400; r++) {
      const pool = new TrajectoryPool(1, 1, M);
      const rng = new Rng(1000 + r);
      pool.mixIn(play(0, 1, M), rng);
      pool.mixIn(play(1, 1, M), rng);
      pool.owner.forEach((o, i) => (hits[i] += o));
    }
    for (const h of hits) expect(Math.abs(h - 200)).to.be.below(30);
  });

  it('is deterministic under a seed', () => {
    const run = (): Int32Array => {
      const pool = new TrajectoryPool(1, 1, 100);
      const rng = new Rng(9);
      for (let k = 1; k <= 5; k++) pool.mixIn(play(k - 1, 1, 100), rng);
      return pool.owner;
    };
    expect(Array.from(run())).to.deep.equal(Array.from(run()));
  });
});
