import { expect } from 'chai';
import { crowdModelling2D } from '../../envs/crowd-modelling-2d';
import { susceptibleInfected } from '../../envs/susceptible-infected';
import { Rng } from '../../src/core/rng';
import { forwardStateFlow, streamingEvaluation, tabularPolicySource, toTabular, uniformPolicySource } from '../../src/core/streaming/index';
import { simulateAgents, simulateAgentsFrom } from '../../src/populations/simulate-agents';

describe('simulateAgentsFrom (a policy read epoch by epoch)', () => {
  it('a compact best response and its table give the same agents bit for bit (CrowdModelling2D, SusceptibleInfected)', () => {
    for (const game of [crowdModelling2D({ size: 7, H: 6 }), susceptibleInfected()]) {
      const pi = uniformPolicySource(game);
      const br = streamingEvaluation(game, pi, forwardStateFlow(game, pi), { bestResponse: true }).bestResponse!;
      const fromMasks = simulateAgentsFrom(game, br, 3000, new Rng(5));
      const fromTable = simulateAgents(game, toTabular(game, br), 3000, new Rng(5));
      const viaSource = simulateAgentsFrom(game, tabularPolicySource(game, toTabular(game, br)), 3000, new Rng(5));
      for (let t = 0; t < game.horizon; t++) {
        expect(Array.from(fromMasks.cells[0]![t]!)).to.deep.equal(Array.from(fromTable.cells[0]![t]!));
        expect(Array.from(viaSource.cells[0]![t]!)).to.deep.equal(Array.from(fromTable.cells[0]![t]!));
      }
    }
  });

  it('the empirical state marginals approach the exact ones (TV ~ 1/sqrt(N))', () => {
    const game = crowdModelling2D({ size: 5, H: 5 });
    const pi = uniformPolicySource(game);
    const exact = forwardStateFlow(game, pi);
    const S = game.populations[0]!.numStates;
    const A = game.populations[0]!.numActions;
    const n = 40_000;
    const samples = simulateAgentsFrom(game, pi, n, new Rng(1));
    for (let t = 0; t < game.horizon; t++) {
      const hist = new Float64Array(S);
      for (const c of samples.cells[0]![t]!) hist[Math.floor(c / A)]! += 1 / n;
      let tv = 0;
      for (let s = 0; s < S; s++) tv += Math.abs(hist[s]! - exact.mu[0]![t * S + s]!) / 2;
      expect(tv, `t = ${t}`).to.be.below(0.03);
    }
  });
});
