import { expect } from 'chai';
import { MfgError } from '../../src/core/errors';
import { MAX_SEED, Rng } from '../../src/core/rng';

describe('Rng (xoshiro128** seeded by SplitMix64)', () => {
  it('matches the reference C xoshiro128** 1.1 from state {1,2,3,4}', () => {
    // Golden values: Blackman & Vigna's xoshiro128starstar.c compiled with gcc and run from s = {1, 2, 3, 4}.
    const r = Rng.fromState([1, 2, 3, 4]);
    const got = Array.from({ length: 6 }, () => r.nextUint32());
    expect(got).to.deep.equal([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('seeds through SplitMix64 as the reference does (seed 42)', () => {
    // Golden values: the same C program seeding s[] from two splitmix64 outputs of state 42 (low word first).
    const r = new Rng(42);
    expect(Array.from({ length: 4 }, () => r.nextUint32())).to.deep.equal([1776835114, 4165204688, 17111135, 2317295270]);
  });

  it('seeds across the whole 53-bit range as the reference SplitMix64 does (carries and high words)', () => {
    // Golden values: the same C program (64-bit splitmix64 seeding, then xoshiro128**), first three outputs.
    const golden: [number, number[]][] = [
      [0, [3737715805, 2584255861, 2876756834]],
      [1, [1695105466, 1423115009, 634581793]],
      [4294967295, [331202089, 2303545133, 2732085799]],
      [4294967296, [3857403066, 3761880522, 2833589495]],
      [123456789012345, [1152522364, 2119035097, 690119001]],
      [9007199254740991, [1233166643, 1287031142, 661813442]],
    ];
    for (const [seed, out] of golden) {
      const r = new Rng(seed);
      expect([r.nextUint32(), r.nextUint32(), r.nextUint32()], `seed ${seed}`).to.deep.equal(out);
    }
  });

  it('gives the same stream for the same seed and different streams for neighbouring seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 100 }, () => a.random());
    expect(Array.from({ length: 100 }, () => b.random())).to.deep.equal(xs);
    expect(Array.from({ length: 100 }, () => c.random())).to.not.deep.equal(xs);
  });

  it('accepts every seed up to 2^53-1 and rejects the rest with a typed error', () => {
    expect(() => new Rng(MAX_SEED)).to.not.throw();
    for (const bad of [-1, 1.5, MAX_SEED + 1, Number.NaN]) {
      expect(() => new Rng(bad)).to.throw(MfgError).with.property('code', 'MFG_ERR_SEED_INVALID');
    }
  });

  it('random() is in [0,1) with mean 1/2 and variance 1/12 (100k draws, 5 standard errors)', () => {
    const r = new Rng(1);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.random();
      expect(u >= 0 && u < 1).to.equal(true);
      sum += u;
      sq += u * u;
    }
    const mean = sum / n;
    expect(mean).to.be.closeTo(0.5, 5 * Math.sqrt(1 / 12 / n));
    expect(sq / n - mean * mean).to.be.closeTo(1 / 12, 0.002);
  });

  it('int(n) is uniform: chi-square over 10 bins below the 99.9% quantile (27.88)', () => {
    const r = new Rng(3);
    const counts = new Array<number>(10).fill(0);
    const n = 50_000;
    for (let i = 0; i < n; i++) counts[r.int(10)]!++;
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).to.be.below(27.88);
  });

  it('normal() has mean 0 and variance 1 (100k draws)', () => {
    const r = new Rng(5);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(sum / n).to.be.closeTo(0, 5 / Math.sqrt(n));
    expect(sq / n).to.be.closeTo(1, 5 * Math.sqrt(2 / n));
  });

  it('categorical() follows the given weights and never picks a zero weight', () => {
    const r = new Rng(9);
    const w = [0.2, 0, 0.5, 0.3];
    const counts = [0, 0, 0, 0];
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[r.categorical(w)]!++;
    expect(counts[1]).to.equal(0);
    w.forEach((p, i) => expect(counts[i]! / n).to.be.closeTo(p, 5 * Math.sqrt((p * (1 - p)) / n) + 1e-12));
  });
});
