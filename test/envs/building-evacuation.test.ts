import { expect } from 'chai';
import { buildingEvacuation } from '../../envs/building-evacuation';
import { evaluatePolicy, meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const DOWN = 4;
const UP = 5;

describe('BuildingEvacuation-v0', () => {
  finiteEnvInvariants('BuildingEvacuation-v0', () => buildingEvacuation());
  finiteEnvInvariants('BuildingEvacuation-v0 3 floors of 2x3', () => buildingEvacuation({ floors: 3, L: 2, W: 3, H: 6, eta: 0.7, evac_r: 3 }));

  const game = buildingEvacuation();
  const idx = (f: number, l: number, w: number): number => (f * 10 + l) * 10 + w;
  const k = game.transition(0, 0, [new Float64Array(500 * 6)]);
  const goes = (s: number, a: number): number => {
    const row = s * 6 + a;
    expect(k.rowStart[row + 1]! - k.rowStart[row]!, 'deterministic').to.equal(1);
    expect(k.prob[k.rowStart[row]!]).to.equal(1);
    return k.next[k.rowStart[row]!]!;
  };

  it('flattens (f, l, w) row-major with stateShape [floors, L, W]', () => {
    expect(game.populations[0]!.stateShape).to.deep.equal([5, 10, 10]);
    expect(goes(idx(2, 4, 7), 0)).to.equal(idx(2, 5, 7));
    expect(goes(idx(2, 4, 7), 1)).to.equal(idx(2, 3, 7));
    expect(goes(idx(2, 4, 7), 2)).to.equal(idx(2, 4, 6));
    expect(goes(idx(2, 4, 7), 3)).to.equal(idx(2, 4, 8));
  });

  it('clips moves at the walls of a floor', () => {
    expect(goes(idx(1, 9, 3), 0)).to.equal(idx(1, 9, 3));
    expect(goes(idx(1, 0, 3), 1)).to.equal(idx(1, 0, 3));
    expect(goes(idx(1, 5, 0), 2)).to.equal(idx(1, 5, 0));
    expect(goes(idx(1, 5, 9), 3)).to.equal(idx(1, 5, 9));
  });

  it('takes the stairs down only at (0, 0) and up only at (L-1, W-1)', () => {
    expect(goes(idx(3, 0, 0), DOWN)).to.equal(idx(2, 0, 0));
    expect(goes(idx(0, 0, 0), DOWN)).to.equal(idx(0, 0, 0));
    expect(goes(idx(3, 9, 9), DOWN)).to.equal(idx(3, 9, 9));
    expect(goes(idx(3, 4, 4), DOWN)).to.equal(idx(3, 4, 4));
    expect(goes(idx(3, 9, 9), UP)).to.equal(idx(4, 9, 9));
    expect(goes(idx(4, 9, 9), UP)).to.equal(idx(4, 9, 9));
    expect(goes(idx(3, 0, 0), UP)).to.equal(idx(3, 0, 0));
    expect(prob(k, idx(2, 0, 0) * 6 + DOWN, idx(1, 0, 0))).to.equal(1);
  });

  it('pays -eta·log(max(mu, eps)) + evac_r on the ground floor (hand-computed)', () => {
    const flow = meanFieldFlow(game, uniformPolicy(game));
    const out = new Float64Array(3000);
    game.reward(0, 0, [flow[0]!.subarray(0, 3000)], out); // mu_0 = 1/500 everywhere
    expect(out[idx(0, 3, 3) * 6]).to.be.closeTo(Math.log(500) + 10, 1e-13);
    expect(out[idx(4, 3, 3) * 6 + 5]).to.be.closeTo(Math.log(500), 1e-13);
    const empty = new Float64Array(3000);
    empty[idx(0, 0, 0) * 6] = 1;
    game.reward(0, 1, [empty], out);
    expect(out[idx(2, 2, 2) * 6]).to.be.closeTo(20 * Math.LN10, 1e-12); // max(0, 1e-20)
    expect(out[idx(0, 0, 0) * 6]).to.equal(10);
  });

  it('a one-epoch game cannot be exploited: the reward ignores the action', () => {
    const g = buildingEvacuation({ H: 1, floors: 2, L: 3, W: 3 });
    expect(evaluatePolicy(g, uniformPolicy(g)).exploitability).to.equal(0);
  });

  it('validates its kwargs, naming the bad one', () => {
    expectKwargsError('BuildingEvacuation-v0', { floors: 0 }, 'floors');
    expectKwargsError('BuildingEvacuation-v0', { L: 2.5 }, 'L');
    expectKwargsError('BuildingEvacuation-v0', { eps: -1 }, 'eps');
    expectKwargsError('BuildingEvacuation-v0', { n_floor: 5 }, 'n_floor');
  });
});
