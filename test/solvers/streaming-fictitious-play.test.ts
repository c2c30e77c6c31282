import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { leftRight } from '../../envs/left-right';
import { maze } from '../../envs/maze';
import { susceptibleInfected } from '../../envs/susceptible-infected';
import { MaskPolicy, forwardStateFlow, streamingEvaluation, tabularPolicySource, toTabular, uniformPolicySource } from '../../src/core/streaming/index';
import { evaluatePolicy } from '../../src/core/tabular/index';
import { Rng } from '../../src/core/rng';
import { createSolver, runSolver } from '../../src/solvers/index';
import { evaluationPath, parseMemoryBudget, streamingBytes, tableBytes } from '../../src/solvers/memory-budget';
import { monteCarloExploitability } from '../../src/solvers/monte-carlo-exploitability';
import { exactStreamingSource, FittedStreamingSource } from '../../src/solvers/streaming-flow-source';
import { runStreamingFp } from '../../src/solvers/streaming-fictitious-play';

const GIB = 2 ** 30;

describe('streaming fictitious play (flow-mixture average policy, compact best responses)', function () {
  this.timeout(30_000);

  for (const [name, game, alpha] of [
    ['BeachBar', beachBar(), 0],
    ['LeftRight', leftRight(), 0],
    ['SusceptibleInfected (dynamics read the mean field: refit)', susceptibleInfected(), 0],
    ['BeachBar, alpha 0.3', beachBar(), 0.3],
  ] as const) {
    it(`${name}: the iterates are exact fp's, to 1e-9 (exploitability and policy)`, async () => {
      const K = 12;
      const reference = await runSolver(game, createSolver('fp', { alpha }), { iterations: K });
      const s = await runStreamingFp(game, { iterations: K, alpha, flows: exactStreamingSource(game), memoryBudget: GIB });
      expect(s.exploitability).to.have.length(K + 1);
      s.exploitability.forEach((r, i) => {
        expect(r.path).to.equal('streaming');
        expect(r.estimated).to.equal(false);
        expect(Math.abs(r.value - reference.exploitability[i]!), `iteration ${i}`).to.be.below(1e-9);
      });
      const pi = toTabular(game, s.policy)[0]!;
      const ref = reference.policy[0]!;
      for (let j = 0; j < pi.length; j++) expect(Math.abs(pi[j]! - ref[j]!)).to.be.below(1e-9);
      expect(s.flowUpdate).to.equal(game.dynamicsDependOnMeanField ? 'refit' : 'average');
    });
  }

  it("the 'first' tie rule streams too: on Maze-v0 (exact ties everywhere) the iterates are exact fp's with --tie-break first, to 1e-9, and part from 'uniform'", async () => {
    const game = maze();
    const K = 3;
    const reference = await runSolver(game, createSolver('fp', {}, { tieBreak: 'first' }), { iterations: K });
    const first = await runStreamingFp(game, { iterations: K, tieBreak: 'first', flows: exactStreamingSource(game), memoryBudget: GIB });
    const uniform = await runStreamingFp(game, { iterations: K, flows: exactStreamingSource(game), memoryBudget: GIB });
    first.exploitability.forEach((r, i) => expect(Math.abs(r.value - reference.exploitability[i]!), `iteration ${i}`).to.be.below(1e-9 * reference.exploitability[i]!));
    expect(Math.abs(uniform.exploitability[1]!.value - first.exploitability[1]!.value)).to.be.above(1e-3);
  });

  it('Monte Carlo exploitability: unbiased against the exact flow (within 4 standard errors), error ~ 1/sqrt(N)', () => {
    const game = beachBar();
    const pi = uniformPolicySource(game);
    const flow = forwardStateFlow(game, pi);
    const view = streamingEvaluation(game, pi, flow, { bestResponse: true });
    const exactValue = evaluatePolicy(game, toTabular(game, pi)).exploitability;
    const small = monteCarloExploitability(game, pi, flow, view.bestResponse!, { numAgents: 2_000, seed: 1 });
    const big = monteCarloExploitability(game, pi, flow, view.bestResponse!, { numAgents: 32_000, seed: 2 });
    expect(small.estimated).to.equal(true);
    expect(Math.abs(big.value - exactValue)).to.be.below(4 * big.standardError);
    expect(Math.abs(small.value - exactValue)).to.be.below(4 * small.standardError);
    // 16x the agents: 4x smaller error bar (to sampling noise of the variance itself).
    expect(small.standardError / big.standardError).to.be.within(3.3, 4.8);
    expect(Math.abs(big.bestResponseValue - view.bestResponseValue)).to.be.below(5 * big.standardError + 1e-9);
  });

  it('above the memory budget the exploitability is estimated, labelled so, with its error bar; within it, exact', async () => {
    const game = beachBar();
    const flows = () => new FittedStreamingSource(game, 'particles', { numAgents: 20_000, seeds: new Rng(3), settings: {}, warmStart: true });
    const reference = await runSolver(game, createSolver('fp'), { iterations: 4 });
    const tiny = await runStreamingFp(game, { iterations: 4, flows: flows(), memoryBudget: 256, mcAgents: 20_000 });
    const roomy = await runStreamingFp(game, { iterations: 4, flows: flows(), memoryBudget: GIB });
    for (const r of tiny.exploitability) {
      expect(r.path).to.equal('estimated');
      expect(r.estimated).to.equal(true);
      expect(r.standardError).to.be.above(0);
    }
    // The estimate carries the particle flow's bias as well: checked against 4 SE + 0.01.
    expect(Math.abs(tiny.exploitability[0]!.value - reference.exploitability[0]!)).to.be.below(4 * tiny.exploitability[0]!.standardError! + 0.01);
    for (const r of roomy.exploitability) expect([r.path, r.estimated, r.standardError]).to.deep.equal(['streaming', false, null]);
    // The first iterate is the uniform policy in both: its exact value is exact fp's.
    expect(Math.abs(roomy.exploitability[0]!.value - reference.exploitability[0]!)).to.be.below(1e-12);
  });

  it('with generative fits as the flow source: tracks exact fp like the table path\'s gd-fp (25% + 0.01), honesty recorded per fit', async function () {
    this.timeout(120_000);
    const game = beachBar();
    const settings = { steps: 300, maxRounds: 1, discriminator: { steps: 50 } };
    const source = new FittedStreamingSource(game, 'generative', { numAgents: 5000, seeds: new Rng(7), settings, warmStart: false });
    const r = await runStreamingFp(game, { iterations: 3, flows: source, memoryBudget: GIB });
    const reference = await runSolver(game, createSolver('fp'), { iterations: 3 });
    for (let i = 1; i <= 3; i++) expect(Math.abs(r.exploitability[i]!.value - reference.exploitability[i]!)).to.be.at.most(0.25 * reference.exploitability[i]! + 0.01, `iteration ${i}`);
    expect(r.exploitability.every((e) => e.path === 'streaming' && !e.estimated)).to.equal(true);
    expect(source.fits).to.equal(4); // pi_0, then one best response per iteration (average mode)
    for (const f of source.reports) expect(f!.c2stAccuracy).to.be.within(0.4, 0.6);
  });

  it('memory budget: table, streaming or estimated by size; sizes parse in binary units', () => {
    const game = beachBar();
    expect(evaluationPath(game, tableBytes(game))).to.equal('table');
    expect(evaluationPath(game, tableBytes(game) - 1)).to.equal('streaming');
    expect(evaluationPath(game, streamingBytes(game) - 1)).to.equal('estimated');
    expect(parseMemoryBudget('2G')).to.equal(2 * GIB);
    expect(parseMemoryBudget('512M')).to.equal(512 * 2 ** 20);
    expect(parseMemoryBudget('1000')).to.equal(1000);
    expect(() => parseMemoryBudget('lots')).to.throw(/--memory-budget "lots" is not a size/);
  });

  it('holds each best response as H·S bytes and each exact flow as H·S float64, nothing of size H·S·A', async () => {
    const game = beachBar();
    const { horizon: H } = game;
    const { numStates: S, numActions: A } = game.populations[0]!;
    const K = 6;
    const r = await runStreamingFp(game, { iterations: K, flows: exactStreamingSource(game), memoryBudget: GIB });
    // The uniform start's one row, K masks (H·S bytes each: BeachBar's are too small for DEFLATE to
    // shrink), and K + 1 forward flows (average mode: mixtures of them are views).
    const masks = r.policy.components.slice(1).map((c) => c.policy);
    for (const m of masks) expect(m).to.be.instanceOf(MaskPolicy);
    const maskBytes = K * H * S;
    expect(r.memoryBytes).to.equal(8 * S * A + maskBytes + (K + 1) * 8 * H * S);
    // Average mode: one flat mixture of pi_0 and the K best responses, each weighted 1/(K+1) (fp's 1/(i+2) steps).
    expect(r.policy.components).to.have.length(K + 1);
    for (const c of r.policy.components) expect(Math.abs(c.weight - 1 / (K + 1))).to.be.below(1e-15);
  });

  it('a tabular policy source streams what its table holds', () => {
    const game = leftRight();
    const pi = toTabular(game, uniformPolicySource(game));
    expect(Array.from(toTabular(game, tabularPolicySource(game, pi))[0]!)).to.deep.equal(Array.from(pi[0]!));
  });
});
