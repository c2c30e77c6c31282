import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { Rng } from '../core/rng';
import { tabularPolicySource, type PolicySource } from '../core/streaming/policy-source';
import type { TabularPolicy } from '../core/tabular/policy';
import type { FiniteFlowSamples } from './population';
import { sampleFromCdf } from './state-mass';

/**
 * Monte Carlo samples of a finite game's flow under a policy: n agents per population, moved
 * with the game's own sampled dynamics. Each epoch's kernel P_t(. | s, a; L_t) reads the
 * EMPIRICAL L_t of the agents (histogram / n), not the exact flow: this is the N-player game
 * the mean field approximates, so on games whose dynamics depend on the mean field the samples
 * carry the N-player bias as well as Monte Carlo noise (both vanish as n grows).
 *
 * Draw order, fixed so a seed gives the same samples bit for bit: per epoch, per population,
 * per agent, the state (at t=0 from mu0 by its cdf, later from the kernel row) then the action.
 */
export function simulateAgents(game: FiniteGame, policy: TabularPolicy, n: number, rng: Rng): FiniteFlowSamples {
  return simulateAgentsFrom(game, tabularPolicySource(game, policy), n, rng);
}

/**
 * The same simulation reading the policy one epoch at a time (a compact best response, a flow
 * mixture): no H·S·A table. A tabular source gives simulateAgents' samples bit for bit.
 */
export function simulateAgentsFrom(game: FiniteGame, policy: PolicySource, n: number, rng: Rng): FiniteFlowSamples {
  if (!Number.isInteger(n) || n < 1) {
    throw new MfgError('MFG_ERR_POPULATION_BAD_PARAM', `the number of simulated agents must be a positive integer, got ${n}`, {
      details: { numAgents: n },
    });
  }
  const H = game.horizon;
  const pops = game.populations;
  const cells = pops.map(() => Array.from({ length: H }, () => new Int32Array(n)));
  // One empirical L_t per population, reused across epochs (the kernels read them).
  const empirical = pops.map((pop) => new Float64Array(pop.numStates * pop.numActions));
  const inv = 1 / n;
  const rows = pops.map((pop) => new Float64Array(pop.numStates * pop.numActions));

  pops.forEach((pop, p) => {
    const A = pop.numActions;
    const pi = policy.epoch(p, 0, rows[p]!);
    const out = cells[p]![0]!;
    // mu0 by binary search on its cdf: O(log S) a draw, not O(S) (a 512x512 grid has 262144 states).
    const cdf = new Float64Array(pop.numStates);
    let acc = 0;
    for (let s = 0; s < cdf.length; s++) cdf[s] = acc += pop.mu0[s]!;
    const one = new Int32Array(1);
    for (let i = 0; i < n; i++) {
      const s = sampleFromCdf(cdf, 1, rng, one)[0]!;
      out[i] = s * A + rng.categorical(pi, s * A, A);
    }
  });

  // Dynamics that ignore L, answered one kernel row at a time (transitionRow: the kernel's row,
  // same entries in the same order): the same draws with no S·A·B kernel and no empirical L.
  const rowOf = !game.dynamicsDependOnMeanField && game.transitionRow ? game.transitionRow.bind(game) : null;
  for (let t = 0; t + 1 < H; t++) {
    if (rowOf !== null) {
      pops.forEach((pop, p) => {
        const A = pop.numActions;
        const pi = policy.epoch(p, t + 1, rows[p]!);
        const from = cells[p]![t]!;
        const to = cells[p]![t + 1]!;
        for (let i = 0; i < n; i++) {
          const row = from[i]!;
          const r = rowOf(p, t, (row / A) | 0, row % A);
          const s2 = r.next[r.start + rng.categorical(r.prob, r.start, r.end - r.start)]!;
          to[i] = s2 * A + rng.categorical(pi, s2 * A, A);
        }
      });
      continue;
    }
    pops.forEach((_pop, p) => {
      const L = empirical[p]!;
      L.fill(0);
      const c = cells[p]![t]!;
      for (let i = 0; i < n; i++) L[c[i]!]! += inv;
    });
    pops.forEach((pop, p) => {
      const A = pop.numActions;
      const kernel = game.transition(p, t, empirical);
      const { rowStart, next, prob } = kernel;
      const pi = policy.epoch(p, t + 1, rows[p]!);
      const from = cells[p]![t]!;
      const to = cells[p]![t + 1]!;
      for (let i = 0; i < n; i++) {
        const row = from[i]!;
        const start = rowStart[row]!;
        const s2 = next[start + rng.categorical(prob, start, rowStart[row + 1]! - start)]!;
        to[i] = s2 * A + rng.categorical(pi, s2 * A, A);
      }
    });
  }
  return { horizon: H, cells };
}
