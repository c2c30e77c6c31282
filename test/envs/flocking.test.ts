import { expect } from 'chai';
import { flocking } from '../../envs/flocking';
import type { ContinuousMeanField } from '../../src/core/continuous-game';
import { Rng } from '../../src/core/rng';
import { makeGame } from '../../src/registry/registry';
import { ContinuousParticles } from '../../src/populations/continuous-particles';
import { simulateContinuous } from '../../src/populations/simulate-continuous';
import '../../src/index';

/** A mean field whose samples are always the given rows (cycled), to make the flocking term exact. */
function fixedSamples(rows: number[][]): ContinuousMeanField {
  const D = rows[0]!.length;
  return {
    mean: () => new Float64Array(D),
    samples: (n) => {
      const out = new Float64Array(n * D);
      for (let i = 0; i < n; i++) out.set(rows[i % rows.length]!, i * D);
      return out;
    },
  };
}

describe('Flocking-v0', () => {
  it('with beta = 0 the flocking term is |v - mean velocity|²: reward -|v - vbar|² - |a|²/2', () => {
    const game = flocking({ d: 2, beta: 0, neighbor_samples: 4 });
    const mf = fixedSamples([[0, 0, 1, 0], [5, 5, 3, 2], [1, 2, 1, 0], [9, 9, 3, 2]]); // vbar = (2, 1)
    const out = new Float64Array(1);
    game.reward(0, Float64Array.of(0, 0, 0, 0), Float64Array.of(1, 1), 1, mf, new Rng(1), out);
    expect(out[0]).to.be.closeTo(-(4 + 1) - 1, 1e-14);
  });

  it('the Cucker–Smale weight (1 + |x - x\'|²)^-beta discounts distant neighbours (hand-checked, beta = 1)', () => {
    const game = flocking({ d: 2, beta: 1, neighbor_samples: 2 });
    const mf = fixedSamples([[1, 0, 2, 0], [0, 3, 0, 4]]);
    const out = new Float64Array(1);
    game.reward(0, Float64Array.of(0, 0, 0, 0), Float64Array.of(0, 0), 1, mf, new Rng(1), out);
    // F = [ (v - (2,0))/2 + (v - (0,4))/10 ] / 2 with v = 0: (-1 - 0, 0 - 0.4)/2 = (-0.5, -0.2)
    expect(out[0]).to.be.closeTo(-(0.25 + 0.04), 1e-14);
  });

  it('agents flying together are not penalised: equal velocities give reward -|a|²/2', () => {
    const game = flocking({ d: 3, beta: 0.5, neighbor_samples: 3 });
    const mf = fixedSamples([[0, 0, 0, 1, 2, 3], [4, 0, 1, 1, 2, 3], [9, 9, 9, 1, 2, 3]]);
    const out = new Float64Array(1);
    game.reward(0, Float64Array.of(2, 2, 2, 1, 2, 3), Float64Array.of(0, 2, 0), 1, mf, new Rng(1), out);
    expect(out[0]).to.equal(-2);
  });

  it('dynamics: x\' = x + v·dt and v\' = v + a·dt (sigma = 0), accelerations clipped', () => {
    const game = flocking({ d: 2, sigma: 0, action_bound: 1 });
    const out = new Float64Array(4);
    game.step(0, Float64Array.of(1, 2, 3, 4), Float64Array.of(0.5, -7), 1, fixedSamples([[0, 0, 0, 0]]), new Rng(1), out);
    expect([...out].map((v) => Math.round(v * 1e12) / 1e12)).to.deep.equal([1.3, 2.4, 3.05, 3.9]);
  });

  it('aligning with the population mean velocity (a = k(vbar - v)) shrinks the velocity dispersion the flocking term penalises; doing nothing lets it grow with the noise', () => {
    const d = 2;
    const game = flocking({ d: d, H: 30, beta: 0 });
    const align = (_t: number, x: Float64Array, n: number, mf: ContinuousMeanField): Float64Array => {
      const m = mf.mean();
      const a = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) a[i * d + k] = 2 * (m[d + k]! - x[i * 2 * d + d + k]!);
      return a;
    };
    const idle = (_t: number, _x: Float64Array, n: number): Float64Array => new Float64Array(n * d);
    const flockTerm = (policy: typeof align): number => {
      const sim = simulateContinuous(game, policy, 1000, new Rng(5));
      // velocity dispersion at the last epoch, against the particles' own mean
      const last = new ContinuousParticles(sim.points[29]!, 2 * d);
      const m = last.mean();
      let s = 0;
      for (let i = 0; i < 1000; i++) for (let k = 0; k < d; k++) s += (sim.points[29]![i * 2 * d + d + k]! - m[d + k]!) ** 2;
      return s / 1000;
    };
    const aligned = flockTerm(align);
    const idleDispersion = flockTerm(idle);
    // with a = 2(vbar - v) the velocity gap shrinks by (1 - 0.2) a step: 0.8^58 of the start plus noise
    expect(aligned).to.be.below(0.1 * idleDispersion);
    expect(idleDispersion).to.be.closeTo(2 + 29 * 0.01 * 0.1 * 2, 0.3); // 2 axes of variance 1 + sigma²·t·dt
  });

  it('is registered for d = 2 or 3 only', () => {
    expect(makeGame('Flocking-v0', { d: 3 }).kind).to.equal('continuous');
    expect(() => makeGame('Flocking-v0', { d: 4 })).to.throw(/kwarg "d"/);
  });
});
