import { expect } from 'chai';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame, MeanFieldQuery } from '../../src/core/finite-game';
import { checkKernel } from '../../src/core/kernel';
import { Rng } from '../../src/core/rng';
import { stateMarginal } from '../../src/core/single-population-game';
import { epochView, meanFieldFlow, uniformPolicy, type TabularPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import '../../src/index';

/** A seeded random policy: positive weights on legal actions, normalised per (t, s). */
export function randomPolicy(game: FiniteGame, seed: number): TabularPolicy {
  const rng = new Rng(seed);
  return game.populations.map((pop) => {
    const { numStates: S, numActions: A, legal } = pop;
    const pi = new Float64Array(game.horizon * S * A);
    for (let row = 0; row < game.horizon * S; row++) {
      const s = row % S;
      let total = 0;
      for (let a = 0; a < A; a++) {
        const w = legal === null || legal[s * A + a] === 1 ? rng.random() + 0.01 : 0;
        pi[row * A + a] = w;
        total += w;
      }
      for (let a = 0; a < A; a++) pi[row * A + a]! /= total;
    }
    return pi;
  });
}

/**
 * The invariants every finite env keeps, checked under the uniform policy and two random
 * ones, for every population: every kernel row is a distribution over the states, the flow has
 * mass 1 at every epoch, and rewardAt (when the game has it) equals reward() entry by entry.
 */
export function finiteEnvInvariants(label: string, build: () => FiniteGame): void {
  describe(`${label}: invariants`, () => {
    const game = build();
    const pops = game.populations;
    const policies: [string, TabularPolicy][] = [
      ['uniform', uniformPolicy(game)],
      ['random seed 1', randomPolicy(game, 1)],
      ['random seed 2', randomPolicy(game, 2)],
    ];
    const each = (p: number): string => (pops.length > 1 ? ` of population ${p}` : '');

    it('mu0 and the stateShape are consistent', () => {
      pops.forEach((pop, p) => {
        expect(pop.stateShape.reduce((x, y) => x * y, 1), `stateShape${each(p)}`).to.equal(pop.numStates);
        expect(pop.mu0.reduce((x, y) => x + y, 0), `mu0${each(p)}`).to.be.closeTo(1, 1e-12);
      });
    });

    for (const [name, pi] of policies) {
      it(`every kernel row sums to 1 and the flow has mass 1 at every epoch (${name} policy)`, () => {
        const flow = meanFieldFlow(game, pi);
        for (let t = 0; t < game.horizon; t++) {
          const Lt = epochView(game, flow, t);
          pops.forEach((pop, p) => {
            const mass = Lt[p]!.reduce((x, y) => x + y, 0);
            expect(mass, `mass${each(p)} at t=${t}`).to.be.closeTo(1, 1e-12);
            if (t + 1 < game.horizon) checkKernel(game.transition(p, t, Lt), pop.numStates, `${label}${each(p)} t=${t}`, 1e-12);
          });
        }
      });
    }

    const rewardAt = game.rewardAt;
    if (rewardAt) {
      for (const [name, pi] of policies) {
        it(`rewardAt equals reward() at every (t, s, a) (${name} policy flow)`, () => {
          const flow = meanFieldFlow(game, pi);
          for (let t = 0; t < game.horizon; t++) {
            const Lt = epochView(game, flow, t);
            const mus = pops.map((pop, p) => stateMarginal(Lt[p]!, pop.numStates, pop.numActions));
            const q: MeanFieldQuery = { stateMass: (p, s) => mus[p]![s]! };
            pops.forEach((pop, p) => {
              const { numStates: S, numActions: A } = pop;
              const out = new Float64Array(S * A);
              game.reward(p, t, Lt, out);
              for (let s = 0; s < S; s++) {
                for (let a = 0; a < A; a++) {
                  const want = out[s * A + a]!;
                  expect(Number.isFinite(want), `reward${each(p)} finite at t=${t} s=${s} a=${a}`).to.equal(true);
                  expect(rewardAt(p, t, s, a, q), `${each(p)} t=${t} s=${s} a=${a}`).to.be.closeTo(want, 1e-12 * Math.max(1, Math.abs(want)));
                }
              }
            });
          }
        });
      }
    }

    it(`the kernel ${game.dynamicsDependOnMeanField ? 'changes' : 'does not change'} with the mean field, as dynamicsDependOnMeanField says`, () => {
      // Two opposite extremes (everyone in the first state vs everyone in the last one), and the
      // flows of two policies (a point mass may sit where the dynamics ignore it, as a routing
      // game's arrived vehicles do).
      const sameKernels = (La: Float64Array[], Lb: Float64Array[], t: number): boolean =>
        pops.every((_pop, p) => {
          const k1 = game.transition(p, t, La);
          const k2 = game.transition(p, t, Lb);
          return k1.next.length === k2.next.length && k1.prob.every((x, j) => x === k2.prob[j] && k1.next[j] === k2.next[j]);
        });
      const L1 = pops.map((pop) => pointMassOf(pop.numStates, pop.numActions, 0, 0));
      const L2 = pops.map((pop) => pointMassOf(pop.numStates, pop.numActions, pop.numStates - 1, pop.numActions - 1));
      const flows = [policies[0]![1], policies[1]![1], extremePolicy(game, 'first'), extremePolicy(game, 'last')].map((pi) => meanFieldFlow(game, pi));
      let differs = false;
      for (let t = 0; t + 1 < game.horizon; t++) {
        if (!sameKernels(L1, L2, t)) differs = true;
        for (let i = 1; i < flows.length; i++) if (!sameKernels(epochView(game, flows[0]!, t) as Float64Array[], epochView(game, flows[i]!, t) as Float64Array[], t)) differs = true;
      }
      expect(differs).to.equal(game.dynamicsDependOnMeanField);
    });
  });
}

/** The deterministic policy taking the first (or last) legal action everywhere. */
function extremePolicy(game: FiniteGame, which: 'first' | 'last'): TabularPolicy {
  return game.populations.map((pop) => {
    const { numStates: S, numActions: A, legal } = pop;
    const pi = new Float64Array(game.horizon * S * A);
    for (let row = 0; row < game.horizon * S; row++) {
      const s = row % S;
      const ok = [...Array(A).keys()].filter((a) => legal === null || legal[s * A + a] === 1);
      pi[row * A + (which === 'first' ? ok[0]! : ok[ok.length - 1]!)] = 1;
    }
    return pi;
  });
}

function pointMassOf(S: number, A: number, s: number, a: number): Float64Array {
  const L = new Float64Array(S * A);
  L[s * A + a] = 1;
  return L;
}

/**
 * Asserts makeGame(id, kwargs) fails with MFG_ERR_REGISTRY_BAD_KWARGS and a message naming
 * `kwarg` (ajv names an array item "c.2", which counts).
 */
export function expectKwargsError(id: string, kwargs: Record<string, unknown>, kwarg: string): void {
  let caught: unknown = null;
  try {
    makeGame(id, kwargs);
  } catch (e) {
    caught = e;
  }
  expect(caught, `${id} ${JSON.stringify(kwargs)} should be rejected`).to.be.instanceOf(MfgError);
  expect((caught as MfgError).code).to.equal('MFG_ERR_REGISTRY_BAD_KWARGS');
  expect((caught as MfgError).message).to.match(new RegExp(`"${kwarg}["./]`));
}

/** L_t of a one-population game with all the mass on one (s, a). */
export function pointMass(game: FiniteGame, s: number, a: number): Float64Array {
  const { numStates: S, numActions: A } = game.populations[0]!;
  const L = new Float64Array(S * A);
  L[s * A + a] = 1;
  return L;
}

/** Reads P(s' | s, a) from a kernel row (0 when s' is not in the row's support). */
export function prob(kernel: { rowStart: Int32Array; next: Int32Array; prob: Float64Array }, row: number, next: number): number {
  let p = 0;
  for (let j = kernel.rowStart[row]!; j < kernel.rowStart[row + 1]!; j++) if (kernel.next[j] === next) p += kernel.prob[j]!;
  return p;
}
