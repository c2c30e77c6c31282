import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../../envs/index';
import type { FiniteGame } from '../../../src/core/finite-game';
import { compactMaskPolicy, CompressedMaskPolicy, forwardStateFlow, MaskPolicy, stateFlowOf, streamingEvaluation, tabularPolicySource, toTabular } from '../../../src/core/streaming/index';
import { evaluatePolicy, greedyPolicy, meanFieldFlow, uniformPolicy, type TabularPolicy } from '../../../src/core/tabular/index';
import { ExactPopulation } from '../../../src/populations/exact-population';
import { list, makeGame } from '../../../src/registry/registry';
import { createSolver, runSolver } from '../../../src/solvers/index';

registerBuiltinEnvs();
// The instances run-solver.test.ts uses: small enough that every game takes milliseconds.
const SMALL: Record<string, Record<string, unknown>> = {
  'CrowdModelling2D-v0': { size: 5, H: 5 },
  'FourRooms-v0': { H: 5 },
  'Maze-v0': { H: 5 },
  'BuildingEvacuation-v0': { floors: 2 },
};

function small(id: string): FiniteGame {
  try {
    return makeGame(id, SMALL[id]) as FiniteGame;
  } catch {
    return makeGame(id) as FiniteGame;
  }
}

describe('streaming evaluation (epoch by epoch, no H·S·A table)', () => {
  for (const spec of list()) {
    if (spec.kind !== 'finite') continue;
    it(`${spec.id}: equals evaluatePolicy to 1e-12, and its masks are greedyPolicy's best response`, async () => {
      const game = small(spec.id);
      // The uniform policy, a mixed FP iterate and a softmax OMD iterate: three kinds of rows.
      const policies: TabularPolicy[] = [uniformPolicy(game), (await runSolver(game, createSolver('fp'), { iterations: 3 })).policy, (await runSolver(game, createSolver('omd'), { iterations: 3 })).policy];
      for (const pi of policies) {
        const reference = evaluatePolicy(game, pi);
        const source = tabularPolicySource(game, pi);
        const flow = forwardStateFlow(game, source);
        const s = streamingEvaluation(game, source, flow, { bestResponse: true });
        const gap = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));
        expect(gap(s.exploitability, reference.exploitability), spec.id).to.be.at.most(1e-12);
        expect(gap(s.policyValue, reference.policyValue)).to.be.at.most(1e-12);
        expect(gap(s.bestResponseValue, reference.bestResponseValue)).to.be.at.most(1e-12);
        s.populations.forEach((e, p) => expect(gap(e.exploitability, reference.populations[p]!.exploitability)).to.be.at.most(1e-12));
        // L_t rebuilt from the streamed marginals is meanFieldFlow's table.
        const table = meanFieldFlow(game, pi);
        game.populations.forEach((pop, p) => {
          const S = pop.numStates;
          const A = pop.numActions;
          for (let t = 0; t < game.horizon; t++) {
            for (let x = 0; x < S; x++) {
              let m = 0;
              for (let a = 0; a < A; a++) m += table[p]![(t * S + x) * A + a]!;
              expect(Math.abs(flow.mu[p]![t * S + x]! - m)).to.be.at.most(1e-12);
            }
          }
          // The compact best response is the greedy policy of Q* (uniform over exact maximisers).
          const greedy = greedyPolicy(reference.qStar[p]!, game.horizon, S, A, pop.legal);
          expect(Array.from(toTabular(game, s.bestResponse!)[p]!)).to.deep.equal(Array.from(greedy));
        });
      }
    });
  }

  it('two populations: each one\'s epoch is built before any reward reads it (two LeftRight copies coupled through L)', () => {
    const one = makeGame('LeftRight-v0') as FiniteGame;
    const pop = one.populations[0]!;
    // Population p is scored against the other's flow, so a stale epoch of either would show.
    const two: FiniteGame = {
      kind: 'finite',
      horizon: one.horizon,
      populations: [pop, { ...pop, name: 'second' }],
      dynamicsDependOnMeanField: false,
      reward: (p, t, L, out) => one.reward(0, t, [L[1 - p]!], out),
      transition: (p, t, L) => one.transition(0, t, [L[p]!]),
    };
    const pi = uniformPolicy(two);
    pi[1]!.set([0.9, 0.1], 0);
    const reference = evaluatePolicy(two, pi);
    const source = tabularPolicySource(two, pi);
    const s = streamingEvaluation(two, source, forwardStateFlow(two, source));
    expect(s.exploitability).to.equal(reference.exploitability);
    expect(s.populations.map((e) => e.policyValue)).to.deep.equal(reference.populations.map((e) => e.policyValue));
  });

  it('reads any representation\'s state masses (ExactPopulation gives the same values)', () => {
    const game = small('CrowdModelling2D-v0');
    const pi = uniformPolicy(game);
    const reference = evaluatePolicy(game, pi);
    const s = streamingEvaluation(game, tabularPolicySource(game, pi), stateFlowOf(game, ExactPopulation.fromPolicy(game, pi)));
    expect(Math.abs(s.exploitability - reference.exploitability)).to.be.below(1e-12);
    expect(s.bestResponse).to.equal(null);
  });

  it('a mask policy holds one byte per (t, s) and evaluates like its table', () => {
    const game = small('CrowdModelling2D-v0');
    const pi = uniformPolicy(game);
    const br = streamingEvaluation(game, tabularPolicySource(game, pi), forwardStateFlow(game, tabularPolicySource(game, pi)), { bestResponse: true }).bestResponse!;
    const S = game.populations[0]!.numStates;
    expect(br.memoryBytes()).to.equal(game.horizon * S);
    const table = toTabular(game, br);
    const viaMasks = streamingEvaluation(game, br, forwardStateFlow(game, br));
    expect(viaMasks.exploitability).to.equal(evaluatePolicy(game, table).exploitability);
    // The first maximiser is a legal action everywhere.
    for (let t = 0; t < game.horizon; t++) for (let x = 0; x < S; x++) expect(table[0]![(t * S + x) * 5 + br.action(0, t, x)]).to.be.above(0);
    expect(MaskPolicy.allocate(game).masks[0]).to.be.instanceOf(Uint8Array);
  });

  it('a deflated mask policy reads every epoch bit for bit as the masks it came from, in any order, on every finite game', () => {
    for (const spec of list()) {
      if (spec.kind !== 'finite') continue;
      const game = small(spec.id);
      const uniform = tabularPolicySource(game, uniformPolicy(game));
      const br = streamingEvaluation(game, uniform, forwardStateFlow(game, uniform), { bestResponse: true }).bestResponse;
      if (br === null) continue;
      const packed = CompressedMaskPolicy.of(br);
      game.populations.forEach((pop, p) => {
        const SA = pop.numStates * pop.numActions;
        const a = new Float64Array(SA);
        const b = new Float64Array(SA);
        // backward, then forward, then one epoch twice: the kept inflated epoch must follow t
        const order = [...Array.from({ length: game.horizon }, (_v, t) => game.horizon - 1 - t), ...Array.from({ length: game.horizon }, (_v, t) => t), 0, 0];
        for (const t of order) expect(Array.from(packed.epoch(p, t, a)), `${spec.id} p ${p} t ${t}`).to.deep.equal(Array.from(br.epoch(p, t, b)));
      });
    }
  });

  it('deflating the greedy masks of a 64² grid keeps a small fraction of their H·S bytes', () => {
    const game = makeGame('CrowdModelling2D-v0', { size: 64, H: 10 }) as FiniteGame;
    const uniform = tabularPolicySource(game, uniformPolicy(game));
    const br = streamingEvaluation(game, uniform, forwardStateFlow(game, uniform), { bestResponse: true }).bestResponse!;
    const packed = CompressedMaskPolicy.of(br);
    expect(br.memoryBytes()).to.equal(10 * 64 * 64);
    expect(packed.memoryBytes()).to.be.below(0.25 * br.memoryBytes());
    expect(compactMaskPolicy(br)).to.be.instanceOf(CompressedMaskPolicy);
    const tiny = makeGame('BeachBar-v0') as FiniteGame;
    const tinyUniform = tabularPolicySource(tiny, uniformPolicy(tiny));
    const tinyBr = streamingEvaluation(tiny, tinyUniform, forwardStateFlow(tiny, tinyUniform), { bestResponse: true }).bestResponse!;
    expect(compactMaskPolicy(tinyBr)).to.equal(tinyBr); // DEFLATE's per-chunk cost outweighs a few bytes an epoch
    expect(streamingEvaluation(game, packed, forwardStateFlow(game, packed)).exploitability).to.equal(streamingEvaluation(game, br, forwardStateFlow(game, br)).exploitability);
  });
});
