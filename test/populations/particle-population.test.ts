import { expect } from 'chai';
import { builtinSpecs } from '../../envs/index';
import { leftRight } from '../../envs/left-right';
import type { FiniteGame } from '../../src/core/finite-game';
import { isFiniteGame } from '../../src/core/game';
import { Rng } from '../../src/core/rng';
import { meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { ExactPopulation } from '../../src/populations/exact-population';
import { ParticlePopulation, simulateAgents } from '../../src/populations/particle-population';

/**
 * How far a histogram of N agents may be from the exact flow.
 *
 * When the dynamics ignore the mean field the N agents are independent, so at every epoch their
 * cells are N iid draws from L_t. For K cells of positive mass,
 *   E[TV] = 1/2 sum_k E|p^_k - p_k| <= 1/2 sum_k sqrt(p_k (1 - p_k) / N) <= 1/2 sqrt(K / N)
 * (Jensen, then Cauchy–Schwarz), and TV moves by at most 1/N when one draw changes, so
 * McDiarmid gives P(TV >= E[TV] + eps) <= exp(-2 N eps^2): eps = sqrt(ln(10^6) / (2N)) makes a
 * violation a one-in-a-million event per epoch. When the dynamics read the empirical L_t (the
 * N-player game) the agents interact; propagation of chaos keeps the error O(1/sqrt N) with a
 * game-dependent constant, and the test then checks the epoch-averaged TV against 3x the bound.
 */
function tvBound(K: number, N: number): number {
  return 0.5 * Math.sqrt(K / N) + Math.sqrt(Math.log(1e6) / (2 * N));
}

/** TV between the particles' joint histogram and the exact L_t, with K = cells of positive exact mass. */
function tvAt(game: FiniteGame, exact: ExactPopulation, particles: ParticlePopulation, t: number): { tv: number; K: number } {
  let tv = 0;
  let K = 0;
  game.populations.forEach((_pop, p) => {
    const L = exact.meanFieldAt(t)[p]!;
    const Lh = particles.meanFieldAt(t)[p]!;
    for (let k = 0; k < L.length; k++) {
      tv += Math.abs(L[k]! - Lh[k]!) / 2;
      if (L[k]! > 0) K++;
    }
  });
  return { tv: tv / game.populations.length, K };
}

describe('ParticlePopulation and simulateAgents', () => {
  it('LeftRight: 10^4 agents under a 0.3/0.7 policy match the exact flow within the derived TV bound', () => {
    const game = leftRight();
    const pi = uniformPolicy(game);
    pi[0]![0] = 0.3;
    pi[0]![1] = 0.7;
    const N = 10000;
    const exact = ExactPopulation.fromPolicy(game, pi);
    const particles = ParticlePopulation.simulate(game, pi, N, new Rng(11));
    for (let t = 0; t < 2; t++) {
      const { tv, K } = tvAt(game, exact, particles, t);
      expect(tv).to.be.below(tvBound(K, N));
    }
    // state masses by binary search agree with the materialised table
    const L1 = particles.meanFieldAt(1)[0]!;
    expect(particles.stateMass(0, 1, 1)).to.be.closeTo(L1[2]! + L1[3]!, 1e-12);
    expect(particles.stateMass(0, 1, 1)).to.be.closeTo(0.3, 4 * Math.sqrt(0.21 / N));
    expect(particles.stateMass(0, 1, 0)).to.equal(0);
    expect(particles.logStateMass(0, 1, 0)).to.equal(-Infinity);
    expect(particles.query(1).stateMass(0, 2)).to.equal(particles.stateMass(0, 1, 2));
  });

  it('every registered finite game present (BeachBar, SIS, ...): uniform-policy particles track the exact flow', () => {
    const N = 20000;
    let checked = 0;
    // DynamicRouting's waiting time floor(BPR(volume)/step) - 1 jumps with the volume, and its default
    // (5 vehicles, step 0.5) puts the uniform flow exactly on a jump (2.5 vehicles: 1.5/0.5 = 3), where
    // any sampling error flips the wait: step 0.4 keeps the uniform flow's volumes away from the jumps.
    const away: Record<string, Record<string, unknown>> = { 'DynamicRouting-v0': { time_step_length: 0.4 } };
    for (const s of builtinSpecs) {
      if (s.kind !== 'finite') continue;
      const game = s.create({ ...defaults(s.kwargsSchema.properties), ...away[s.id] });
      if (!isFiniteGame(game)) continue;
      const SA = game.populations.reduce((m, p) => m + p.numStates * p.numActions, 0);
      if (SA * game.horizon > 2e5) continue; // the big grids are benchmarked, not unit-tested
      const pi = uniformPolicy(game);
      const exact = ExactPopulation.fromPolicy(game, pi);
      const particles = ParticlePopulation.simulate(game, pi, N, new Rng(5));
      let sum = 0;
      let boundSum = 0;
      for (let t = 0; t < game.horizon; t++) {
        const { tv, K } = tvAt(game, exact, particles, t);
        const b = tvBound(K / game.populations.length, N);
        if (!game.dynamicsDependOnMeanField) expect(tv, `${s.id} t=${t}`).to.be.below(b);
        sum += tv;
        boundSum += b;
      }
      expect(sum / game.horizon, s.id).to.be.below((game.dynamicsDependOnMeanField ? 3 : 1) * (boundSum / game.horizon));
      checked++;
    }
    expect(checked).to.be.at.least(1);
  });

  it('is deterministic under a seed, and a different seed gives different agents', () => {
    const game = leftRight();
    const pi = uniformPolicy(game);
    const a = simulateAgents(game, pi, 500, new Rng(42));
    const b = simulateAgents(game, pi, 500, new Rng(42));
    const c = simulateAgents(game, pi, 500, new Rng(43));
    expect([...a.cells[0]![1]!]).to.deep.equal([...b.cells[0]![1]!]);
    expect([...a.cells[0]![1]!]).to.not.deep.equal([...c.cells[0]![1]!]);
  });

  it('agents follow the policy and the dynamics: go-left sends every agent to (left, ·)', () => {
    const game = leftRight();
    const pi = uniformPolicy(game);
    pi[0]![0] = 1;
    pi[0]![1] = 0;
    const samples = simulateAgents(game, pi, 100, new Rng(1));
    for (const c of samples.cells[0]![0]!) expect(c).to.equal(0); // (center, left)
    for (const c of samples.cells[0]![1]!) expect(Math.floor(c / 2)).to.equal(1); // state left
  });

  it('resampling the particles samples the histogram; memory is 4 bytes per agent per epoch', () => {
    const game = leftRight();
    const pi = uniformPolicy(game);
    const particles = ParticlePopulation.simulate(game, pi, 1000, new Rng(2));
    expect(particles.memoryBytes()).to.equal(4 * 1000 * 2);
    const draws = particles.sampleStates(0, 1, 20000, new Rng(9));
    let left = 0;
    for (const s of draws) left += s === 1 ? 1 : 0;
    expect(left / 20000).to.be.closeTo(particles.stateMass(0, 1, 1), 4 * Math.sqrt(0.25 / 20000));
    particles.meanFieldAt(0);
    expect(particles.memoryBytes()).to.equal(4 * 1000 * 2 + 8 * 6);
  });

  it('fromSamples rejects samples that do not fit the game, naming the problem', () => {
    const game = leftRight();
    expect(() => ParticlePopulation.fromSamples(game, { horizon: 2, cells: [[Int32Array.of(0), Int32Array.of(6)]] })).to.throw(/outside \[0, S\*A = 6\)/);
    expect(() => ParticlePopulation.fromSamples(game, { horizon: 3, cells: [[]] })).to.throw(/horizon 3/);
  });

  it('the particles of the exact flow of LeftRight sum to one at every epoch', () => {
    const game = leftRight();
    const particles = ParticlePopulation.simulate(game, uniformPolicy(game), 333, new Rng(4));
    for (let t = 0; t < 2; t++) {
      const total = [0, 1, 2].reduce((m, s) => m + particles.stateMass(0, t, s), 0);
      expect(total).to.be.closeTo(1, 1e-12);
    }
    expect(meanFieldFlow(game, uniformPolicy(game))[0]!.length).to.equal(12);
  });
});

/** The defaults of a kwargs schema (what make() fills in). */
function defaults(props: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if ('default' in v) out[k] = v.default;
  return out;
}
