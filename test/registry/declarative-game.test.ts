import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crowdModelling1D } from '../../envs/crowd-modelling-1d';
import { leftRight } from '../../envs/left-right';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy, greedyBestResponse, uniformPolicy, type TabularPolicy } from '../../src/core/tabular/index';
import { declarativeGame, type DeclarativeGameDocument } from '../../src/registry/declarative-game';
import { createSolver, runSolver } from '../../src/solvers/index';
import { finiteEnvInvariants, randomPolicy } from '../envs/finite-env-invariants';

// dist/test/registry -> the repository root.
const ROOT = path.resolve(__dirname, '../../..');
const readDoc = (name: string): DeclarativeGameDocument => JSON.parse(readFileSync(path.join(ROOT, 'envs/declarative', name), 'utf8'));

/** The policies both implementations are scored on: uniform, three random, and the best response to uniform. */
function policies(game: FiniteGame): [string, TabularPolicy][] {
  return [
    ['uniform', uniformPolicy(game)],
    ['random 1', randomPolicy(game, 1)],
    ['random 2', randomPolicy(game, 2)],
    ['random 3', randomPolicy(game, 3)],
    ['best response to uniform', greedyBestResponse(game, evaluatePolicy(game, uniformPolicy(game)).qStar)],
  ];
}

function expectSameGame(declared: FiniteGame, written: FiniteGame): void {
  for (const [name, pi] of policies(written)) {
    const a = evaluatePolicy(declared, pi);
    const b = evaluatePolicy(written, pi);
    expect(a.exploitability, name).to.be.closeTo(b.exploitability, 1e-12);
    expect(a.policyValue, name).to.be.closeTo(b.policyValue, 1e-12);
  }
}

/** The message of the MFG_ERR_REGISTRY_BAD_GAME_DOCUMENT a document raises. */
function errorOf(doc: unknown): string {
  try {
    declarativeGame(doc, 'test.json');
  } catch (e) {
    expect(e).to.be.instanceOf(MfgError);
    expect((e as MfgError).code).to.equal('MFG_ERR_REGISTRY_BAD_GAME_DOCUMENT');
    return (e as MfgError).message;
  }
  throw new Error('the document was accepted');
}

const tiny = (): DeclarativeGameDocument => ({
  id: 'test/Tiny-v0',
  description: 'two states, two actions',
  horizon: 3,
  numStates: 2,
  numActions: 2,
  mu0: [0.25, 0.75],
  transitions: { sparse: [[[[0, 1]], [[1, 0.5], [0, 0.5]]], [[[1, 1]], [[0, 1]]]] },
  rewards: [[1, 0], [0, 2]],
});

describe('declarative games (JSON documents)', () => {
  it('envs/declarative/left-right.json has the same exploitability as LeftRight in TypeScript (go-left 1, go-right 2, 2/3 left 0)', () => {
    const declared = declarativeGame(readDoc('left-right.json'));
    const written = leftRight();
    expectSameGame(declared, written);
    for (const [pLeft, want] of [[1, 1], [0, 2], [2 / 3, 0]] as const) {
      const pi = uniformPolicy(declared);
      pi[0]!.set([pLeft, 1 - pLeft], 0);
      expect(evaluatePolicy(declared, pi).exploitability).to.be.closeTo(want, 1e-15);
      expect(evaluatePolicy(declared, pi).exploitability).to.be.closeTo(evaluatePolicy(written, pi).exploitability, 1e-12);
    }
  });

  it('envs/declarative/crowd-modelling-1d.json has the same exploitability as CrowdModelling1D in TypeScript (5 policies)', () => {
    expectSameGame(declarativeGame(readDoc('crowd-modelling-1d.json')), crowdModelling1D());
  });

  it('fictitious play follows the same exploitability curve on both CrowdModelling1D implementations (20 iterations)', async () => {
    const a = await runSolver(declarativeGame(readDoc('crowd-modelling-1d.json')), createSolver('fp'), { iterations: 20 });
    const b = await runSolver(crowdModelling1D(), createSolver('fp'), { iterations: 20 });
    a.exploitability.forEach((e, i) => expect(e, `iteration ${i}`).to.be.closeTo(b.exploitability[i]!, 1e-12));
  });

  finiteEnvInvariants('declarative CrowdModelling1D', () => declarativeGame(readDoc('crowd-modelling-1d.json')));

  const everyTerm = (): DeclarativeGameDocument => ({
    id: 'test/EveryTerm-v0',
    description: 'every mean-field term, per-epoch tables, a legal mask',
    horizon: 3,
    numStates: 3,
    numActions: 2,
    stateShape: [3],
    mu0: [0.5, 0.3, 0.2],
    legal: [[1, 1], [true, false], [0, 1]],
    transitionsByEpoch: [
      { dense: [[[0.5, 0.5, 0], [0, 0, 1]], [[1, 0, 0], [1, 0, 0]], [[0, 0.5, 0.5], [0.2, 0.3, 0.5]]] },
      { deterministic: [[1, 2], [2, 0], [0, 1]] },
    ],
    rewardsByEpoch: [
      [[1, 2], [3, 4], [5, 6]],
      [[0, 0], [0, 0], [0, 0]],
      [[-1, -1], [-1, -1], [-1, -1]],
    ],
    meanFieldTerms: [
      { type: 'log', coef: 0.5, eps: 1e-3 },
      { type: 'linear', W: [[0, 1, 0], [-1, 0, 2], [0, 0, 3]] },
      { type: 'congestion', coef: 2, cost: [0, 1], epochs: [0, 2] },
      { type: 'power', coef: 3, exponent: 2, epochs: [2] },
    ],
  });
  finiteEnvInvariants('declarative game with every term', () => declarativeGame(everyTerm()));

  it('adds each term of the menu as documented (hand-computed at t = 0 and t = 2)', () => {
    const game = declarativeGame(everyTerm());
    const L = Float64Array.of(0.5, 0, 0.3, 0, 0, 0.2); // mu = (0.5, 0.3, 0.2)
    const out = new Float64Array(6);
    game.reward(0, 0, [L], out);
    const log = (m: number): number => -0.5 * Math.log(m + 1e-3);
    // s = 1, a = 1 at t = 0: base 4, log, (W mu)(1) = -0.5 + 0.4, congestion -2·0.3·1.
    expect(out[1 * 2 + 1]).to.be.closeTo(4 + log(0.3) - 0.1 - 0.6, 1e-12);
    // s = 0, a = 0 at t = 0: base 1, log, (W mu)(0) = 0.3, congestion cost 0.
    expect(out[0]).to.be.closeTo(1 + log(0.5) + 0.3, 1e-12);
    game.reward(0, 1, [L], out);
    expect(out[2 * 2 + 1]).to.be.closeTo(0 + log(0.2) + 0.6, 1e-12); // no congestion or power at t = 1
    game.reward(0, 2, [L], out);
    expect(out[2 * 2 + 1]).to.be.closeTo(-1 + log(0.2) + 0.6 - 2 * 0.2 - 3 * 0.04, 1e-12);
    expect([...game.populations[0]!.legal!]).to.deep.equal([1, 1, 1, 0, 0, 1]);
  });

  it('uses the per-epoch transition tables (dense at t = 0, deterministic at t = 1)', () => {
    const game = declarativeGame(everyTerm());
    const L = [new Float64Array(6)];
    const k0 = game.transition(0, 0, L);
    const k1 = game.transition(0, 1, L);
    expect([...k0.next.subarray(k0.rowStart[5]!, k0.rowStart[6]!)]).to.deep.equal([0, 1, 2]);
    expect([...k0.prob.subarray(k0.rowStart[5]!, k0.rowStart[6]!)]).to.deep.equal([0.2, 0.3, 0.5]);
    expect([...k1.next]).to.deep.equal([1, 2, 2, 0, 0, 1]);
  });

  describe('validation errors name the bad field', () => {
    const cases: [string, (d: DeclarativeGameDocument & Record<string, unknown>) => void, RegExp][] = [
      ['a transition row that does not sum to 1', (d) => ((d.transitions as { sparse: number[][][][] }).sparse[1]![0]![0]![1] = 0.9), /transitions\.sparse\[1\]\[0\] sums to 0\.9, expected 1/],
      ['a next state out of range', (d) => ((d.transitions as { sparse: number[][][][] }).sparse[0]![1]![1]![0] = 2), /transitions\.sparse\[0\]\[1\]\[1\]\[0\] = 2 is not a state \(0\.\.1\)/],
      ['a negative probability', (d) => ((d.transitions as { sparse: number[][][][] }).sparse[0]![1]![1]![1] = -0.5), /transitions\.sparse\[0\]\[1\]\[1\]\[1\] must be >= 0/],
      ['mu0 not summing to 1', (d) => (d.mu0 = [0.5, 0.6]), /mu0 sums to 1\.1, expected 1/],
      ['mu0 of the wrong length', (d) => (d.mu0 = [1]), /mu0 has length 1, expected 2/],
      ['an unknown field', (d) => (d['rewardz'] = []), /the document has an unknown field "rewardz"/],
      ['a missing required field', (d) => delete (d as Partial<DeclarativeGameDocument>).mu0, /is missing the required field "mu0"/],
      ['a malformed id', (d) => (d.id = 'no version'), /id must match pattern/],
      ['a reward row of the wrong length', (d) => (d.rewards = [[1, 0], [0]]), /rewards\[1\] has length 1, expected 2 \(numActions\)/],
      ['a non-number reward', (d) => (d.rewards = [[1, 0], [0, 'x' as unknown as number]]), /rewards\[1\]\[1\] must be number/],
      ['an unknown term type', (d) => (d.meanFieldTerms = [{ type: 'cubic' } as never]), /meanFieldTerms\[0\].*"log", "linear", "congestion", "power"/],
      ['a W of the wrong shape', (d) => (d.meanFieldTerms = [{ type: 'linear', W: [[1, 0], [0]] }]), /meanFieldTerms\[0\]\.W\[1\] has length 1, expected 2/],
      ['a congestion cost of the wrong length', (d) => (d.meanFieldTerms = [{ type: 'congestion', cost: [1] }]), /meanFieldTerms\[0\]\.cost has length 1, expected 2/],
      ['an epoch past the horizon', (d) => (d.meanFieldTerms = [{ type: 'log', epochs: [3] }]), /meanFieldTerms\[0\]\.epochs\[0\] = 3 is not an epoch \(0\.\.2\)/],
      ['a term field of the wrong type', (d) => (d.meanFieldTerms = [{ type: 'log', coef: '1' as unknown as number }]), /meanFieldTerms\[0\]\.coef must be number/],
      ['a state with no legal action', (d) => (d.legal = [[1, 1], [0, false]]), /legal\[1\] allows no action/],
      ['two transition forms at once', (d) => (d.transitions = { sparse: [], deterministic: [] } as never), /transitions must have exactly one of "dense", "sparse", "deterministic"/],
      ['both transitions and transitionsByEpoch', (d) => (d.transitionsByEpoch = [d.transitions!, d.transitions!]), /either transitions or transitionsByEpoch/],
      ['transitionsByEpoch of the wrong length', (d) => {
        d.transitionsByEpoch = [d.transitions!];
        delete d.transitions;
      }, /transitionsByEpoch has length 1, expected 2/],
      ['no transitions with H > 1', (d) => delete d.transitions, /needs transitions/],
      ['a stateShape that does not multiply to numStates', (d) => (d.stateShape = [3]), /stateShape \[3\] multiplies to 3, expected numStates = 2/],
    ];
    for (const [what, mutate, want] of cases) {
      it(what, () => {
        const d = tiny() as DeclarativeGameDocument & Record<string, unknown>;
        mutate(d);
        expect(errorOf(d)).to.match(want);
      });
    }

    it('prefixes messages with the file and the id', () => {
      const d = tiny();
      d.mu0 = [0.5, 0.6];
      expect(errorOf(d)).to.match(/^declarative game test\.json test\/Tiny-v0: /);
    });
  });

  it('accepts the minimal document (the control of the error cases) and scores it as computed by hand', () => {
    const game = declarativeGame(tiny());
    const e = evaluatePolicy(game, uniformPolicy(game));
    // Uniform policy: each epoch pays 0.5·mu_t(0) + mu_t(1); mu = (0.25, 0.75), (0.5625, 0.4375), (0.640625, 0.359375).
    expect(e.policyValue).to.be.closeTo(0.875 + 0.71875 + 0.6796875, 1e-15);
    expect(e.exploitability).to.be.greaterThan(0);
  });
});
