import type { FiniteGame } from '../finite-game';
import { pushForward } from '../tabular/forward-flow';
import type { PolicySource } from './policy-source';

/**
 * The state marginals mu_t of a flow, read one epoch at a time (issue 7). With the policy's
 * epoch, L_t(s, a) = mu_t(s)·pi_t(a | s) is rebuilt for one epoch only, so nothing of size
 * S·A·H is held. `statesAt` returns `out` or a view, valid until the next call.
 */
export interface StateFlow {
  statesAt(p: number, t: number, out: Float64Array): Float64Array;
  memoryBytes(): number;
}

/**
 * The exact state marginals of a policy by the forward equation, walking epochs forward with
 * one epoch of L at a time: H·S numbers held per population instead of H·S·A. The arithmetic is
 * meanFieldFlow's, so L_t rebuilt from these marginals equals its table bit for bit.
 */
export function forwardStateFlow(game: FiniteGame, policy: PolicySource): StateFlow & { readonly mu: readonly Float64Array[] } {
  const H = game.horizon;
  const pops = game.populations;
  const mu = pops.map((pop) => new Float64Array(H * pop.numStates));
  const L = pops.map((pop) => new Float64Array(pop.numStates * pop.numActions));
  const pi = pops.map((pop) => new Float64Array(pop.numStates * pop.numActions));
  pops.forEach((pop, p) => mu[p]!.set(pop.mu0, 0));
  for (let t = 0; t < H; t++) {
    pops.forEach((pop, p) => jointAt(mu[p]!.subarray(t * pop.numStates, (t + 1) * pop.numStates), policy.epoch(p, t, pi[p]!), pop.numActions, L[p]!));
    if (t + 1 === H) break;
    pops.forEach((pop, p) => pushForward(L[p]!, game.transition(p, t, L), mu[p]!.subarray((t + 1) * pop.numStates, (t + 2) * pop.numStates)));
  }
  return {
    mu,
    statesAt: (p, t) => {
      const S = pops[p]!.numStates;
      return mu[p]!.subarray(t * S, (t + 1) * S);
    },
    memoryBytes: () => mu.reduce((n, x) => n + x.byteLength, 0),
  };
}

/** A representation that answers per-state masses (any FinitePopulationFlow) as a StateFlow. */
export function stateFlowOf(game: FiniteGame, population: { stateMass(p: number, t: number, s: number): number; memoryBytes(): number }): StateFlow {
  return {
    statesAt: (p, t, out) => {
      const S = game.populations[p]!.numStates;
      for (let s = 0; s < S; s++) out[s] = population.stateMass(p, t, s);
      return out;
    },
    memoryBytes: () => population.memoryBytes(),
  };
}

/** L(s, a) = mu(s)·pi(a | s) for one epoch, into out. */
export function jointAt(mu: Float64Array, pi: Float64Array, A: number, out: Float64Array): Float64Array {
  for (let s = 0, S = mu.length; s < S; s++) {
    const m = mu[s]!;
    const row = s * A;
    for (let a = 0; a < A; a++) out[row + a] = m * pi[row + a]!;
  }
  return out;
}
