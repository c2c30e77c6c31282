import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { stateMarginal } from '../../src/core/single-population-game';
import { meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const LEFT = 0;
const STAY = 1;
const RIGHT = 2;

describe('BeachBar-v0', () => {
  finiteEnvInvariants('BeachBar-v0', () => beachBar());
  finiteEnvInvariants('BeachBar-v0 n=7 bar=0 p_still=0.2', () => beachBar({ n: 7, bar: 0, H: 5, p_still: 0.2 }));

  it('moves, then adds noise -1/0/+1 w.p. (1-p)/2, p, (1-p)/2, clipped to the beach', () => {
    const game = beachBar();
    const k = game.transition(0, 0, [new Float64Array(12)]);
    expect(prob(k, 0 * 3 + LEFT, 0)).to.equal(1); // -2, -1, 0 all clip to 0
    expect(prob(k, 1 * 3 + STAY, 0)).to.equal(0.25);
    expect(prob(k, 1 * 3 + STAY, 1)).to.equal(0.5);
    expect(prob(k, 1 * 3 + STAY, 2)).to.equal(0.25);
    expect(prob(k, 2 * 3 + RIGHT, 3)).to.equal(0.75); // 3 and 4 both land on the last cell
    expect(prob(k, 2 * 3 + RIGHT, 2)).to.equal(0.25);
  });

  it('pays -d(s) - [moved]/n - log(mu + eps) with a circular distance to the bar', () => {
    // n = 5, bar = 0: circular distances 0, 1, 2, 2, 1 (a straight line would give 3, 4 at the end).
    const game = beachBar({ n: 5, bar: 0 });
    const flow = meanFieldFlow(game, uniformPolicy(game));
    const out = new Float64Array(15);
    game.reward(0, 0, [flow[0]!.subarray(0, 15)], out); // mu_0 uniform: -log(1/5) = log 5
    const d = [0, 1, 2, 2, 1];
    for (let s = 0; s < 5; s++) {
      expect(out[s * 3 + STAY], `s=${s} stay`).to.be.closeTo(-d[s]! + Math.log(5), 1e-14);
      expect(out[s * 3 + LEFT], `s=${s} left`).to.be.closeTo(-d[s]! - 0.2 + Math.log(5), 1e-14);
      expect(out[s * 3 + RIGHT], `s=${s} right`).to.be.closeTo(-d[s]! - 0.2 + Math.log(5), 1e-14);
    }
  });

  it('the eps keeps an empty cell finite: -log(0 + 1e-20) = 20·ln 10', () => {
    const game = beachBar();
    const L = new Float64Array(12);
    L[2 * 3 + STAY] = 1; // everyone at the bar
    const out = new Float64Array(12);
    game.reward(0, 1, [L], out);
    expect(out[0 * 3 + STAY]).to.be.closeTo(-2 + 20 * Math.LN10, 1e-12);
    expect(out[2 * 3 + STAY]).to.be.closeTo(0, 1e-15);
  });

  it('the default flow under the uniform policy stays symmetric about the middle of the beach', () => {
    // Uniform mu0 and uniform moves on a clipped segment: mu_t(s) = mu_t(n-1-s) at every epoch.
    const game = beachBar({ H: 6 });
    const flow = meanFieldFlow(game, uniformPolicy(game));
    for (let t = 0; t < 6; t++) {
      const mu = stateMarginal(flow[0]!.subarray(t * 12, (t + 1) * 12), 4, 3);
      expect(mu[0]).to.be.closeTo(mu[3]!, 1e-15);
      expect(mu[1]).to.be.closeTo(mu[2]!, 1e-15);
    }
  });

  it('validates its kwargs, naming the bad one', () => {
    expectKwargsError('BeachBar-v0', { bar: 4 }, 'bar'); // bar must be < n = 4
    expectKwargsError('BeachBar-v0', { n: 3, bar: 3 }, 'bar');
    expectKwargsError('BeachBar-v0', { p_still: 1.5 }, 'p_still');
    expectKwargsError('BeachBar-v0', { eps: 0 }, 'eps');
    expectKwargsError('BeachBar-v0', { H: 0 }, 'H');
    expectKwargsError('BeachBar-v0', { log_eps: 1e-20 }, 'log_eps');
  });
});
