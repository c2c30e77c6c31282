import { expect } from 'chai';
import { meanFieldNFG, type MeanFieldNFGName } from '../../envs/mean-field-nfg';
import { evaluatePolicy, uniformPolicy } from '../../src/core/tabular/index';
import { expectKwargsError, finiteEnvInvariants } from './finite-env-invariants';

/** The policy playing (p0, p1, p2) at the start. */
function mixed(game: MeanFieldNFGName, p: [number, number, number]): number {
  const g = meanFieldNFG({ game });
  const pi = uniformPolicy(g);
  pi[0]!.set(p, 0);
  return evaluatePolicy(g, pi).exploitability;
}

describe('MeanFieldNFG-v0', () => {
  for (const game of ['coop', 'dom', 'biased_indirect_rps'] as const) finiteEnvInvariants(`MeanFieldNFG-v0 ${game}`, () => meanFieldNFG({ game }));

  it('coop: the uniform mix is worth (-10/3 - 2380/3 + 0)/3 while action c earns 0 (hand-computed)', () => {
    const e = evaluatePolicy(meanFieldNFG(), uniformPolicy(meanFieldNFG()));
    expect(e.policyValue).to.be.closeTo(-2390 / 9, 1e-12);
    expect(e.exploitability).to.be.closeTo(2390 / 9, 1e-12);
  });

  it('dom: action c is dominated; (1/2, 1/2, 0) is an equilibrium and uniform has exploitability 7/36', () => {
    expect(mixed('dom', [1 / 3, 1 / 3, 1 / 3])).to.be.closeTo(7 / 36, 1e-15);
    expect(mixed('dom', [0.5, 0.5, 0])).to.be.closeTo(0, 1e-15);
    expect(mixed('dom', [0.4, 0.6, 0])).to.be.closeTo(0.6 - (0.4 * 0.4 + 0.6 * 0.6), 1e-15);
  });

  it('biased indirect RPS: equilibrium where 0.7·nu_a = 0.5·nu_b = 0.3·nu_c', () => {
    const w = [1 / 0.7, 1 / 0.5, 1 / 0.3];
    const z = w[0]! + w[1]! + w[2]!;
    expect(mixed('biased_indirect_rps', [w[0]! / z, w[1]! / z, w[2]! / z])).to.be.closeTo(0, 1e-15);
    expect(mixed('biased_indirect_rps', [1 / 3, 1 / 3, 1 / 3])).to.be.closeTo(0.2 / 3, 1e-15);
  });

  it('rejects an unknown game, naming the kwarg', () => {
    expectKwargsError('MeanFieldNFG-v0', { game: 'rps' }, 'game');
  });
});
