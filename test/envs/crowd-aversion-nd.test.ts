import { expect } from 'chai';
import { crowdAversionND } from '../../envs/crowd-aversion-nd';
import type { ContinuousMeanField } from '../../src/core/continuous-game';
import { isMfgError } from '../../src/core/errors';
import { Rng } from '../../src/core/rng';
import { makeGame } from '../../src/registry/registry';
import { ContinuousParticles } from '../../src/populations/continuous-particles';
import { simulateContinuous } from '../../src/populations/simulate-continuous';
import '../../src/index';

/** The mean field N(0, s2·I_d) given exactly. */
function gaussianField(d: number, s2: number): ContinuousMeanField {
  return {
    mean: () => new Float64Array(d),
    logDensity: (x) => -(d / 2) * Math.log(2 * Math.PI * s2) - x.reduce((a, v) => a + v * v, 0) / (2 * s2),
  };
}

describe('CrowdAversionND-v0', () => {
  it('reward = -(cTarget|x - target|² + |a|²/2 + cCrowd·log mu_t(x))·dt at a hand-checked point, actions clipped to [-1, 1]', () => {
    const game = crowdAversionND({ d: 2, c_target: 2, c_crowd: 0.5, target: 1 });
    const out = new Float64Array(1);
    game.reward(0, Float64Array.of(0, 3), Float64Array.of(0.5, -4), 1, gaussianField(2, 1), new Rng(1), out);
    const logMu = -Math.log(2 * Math.PI) - 9 / 2;
    expect(out[0]).to.be.closeTo(-(2 * (1 + 4) + (0.25 + 1) / 2 + 0.5 * logMu) * 0.1, 1e-14);
  });

  it('needs a density: a population without logDensity is a coded error', () => {
    const game = crowdAversionND();
    try {
      game.reward(0, new Float64Array(2), new Float64Array(2), 1, { mean: () => new Float64Array(2) }, new Rng(1), new Float64Array(1));
      expect.fail('reward without a density');
    } catch (e) {
      expect(isMfgError(e) && e.code).to.equal('MFG_ERR_GAME_UNSUPPORTED');
    }
  });

  it('with a = 0 the flow is N(0, (1 + sigma²·t·dt) I): particle variance per axis within 4 standard errors, d = 1, 5, 10', () => {
    for (const d of [1, 5, 10]) {
      const N = 4000;
      const game = makeGame('CrowdAversionND-v0', { d: d, H: 11 }) as ReturnType<typeof crowdAversionND>;
      const sim = simulateContinuous(game, (_t, _x, n) => new Float64Array(n * d), N, new Rng(d));
      const x = sim.points[10]!;
      const v = 1 + 1 * 10 * 0.1;
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += x[i * d + k]! ** 2;
        expect(Math.abs(s / N - v), `d=${d} axis ${k}`).to.be.below(4 * v * Math.sqrt(2 / N));
      }
    }
  });

  it('scored against particles it reads their KDE: the crowd term of a central agent matches the Gaussian log density (d = 2)', () => {
    const d = 2;
    const N = 20000;
    const game = crowdAversionND({ d: d, H: 1, c_target: 0, c_crowd: 1 });
    const x = simulateContinuous(game, (_t, _x, n) => new Float64Array(n * d), N, new Rng(4)).points[0]!;
    const mf = new ContinuousParticles(x, d, { maxKernelPoints: N });
    const out = new Float64Array(1);
    for (const agent of [Float64Array.of(0, 0), Float64Array.of(0.3, -0.4)]) {
      game.reward(0, agent, new Float64Array(d), 1, mf, new Rng(1), out);
      // reward = -log mu_0(x)·dt with mu_0 = N(0, I); the KDE's smoothing and noise stay below 0.05 here (see the KDE tests)
      const r2 = agent[0]! ** 2 + agent[1]! ** 2;
      expect(-out[0]! / 0.1).to.be.closeTo(-Math.log(2 * Math.PI) - r2 / 2, 0.05);
    }
  });

  it('accepts d = 1..10 and refuses d = 11', () => {
    expect(makeGame('CrowdAversionND-v0', { d: 10 }).kind).to.equal('continuous');
    expect(() => makeGame('CrowdAversionND-v0', { d: 11 })).to.throw(/kwarg "d"/);
  });
});
