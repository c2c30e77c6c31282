import { MfgError } from './errors';
import type { FiniteGame, FinitePopulation, KernelRow, MeanFieldAt, MeanFieldQuery, SparseKernel } from './finite-game';

/** The pieces of a one-population finite game, with L_t passed directly. */
export interface SinglePopulationDefinition {
  readonly name?: string;
  readonly horizon: number;
  readonly numStates: number;
  readonly numActions: number;
  readonly stateShape?: readonly number[];
  readonly actionShape?: readonly number[];
  readonly mu0: Float64Array;
  readonly legal?: Uint8Array | null;
  /** The no-op an illegal action acts as in the gym env (FinitePopulation.noopAction). */
  readonly noopAction?: number;
  readonly stateLabels?: readonly string[];
  readonly actionLabels?: readonly string[];
  readonly dynamicsDependOnMeanField: boolean;
  reward(t: number, L: Float64Array, out: Float64Array): void;
  transition(t: number, L: Float64Array): SparseKernel;
  rewardAt?(t: number, s: number, a: number, q: MeanFieldQuery): number;
  transitionRow?(t: number, s: number, a: number): KernelRow;
}

/** Wraps a one-population definition as a FiniteGame, checking its shapes once. */
export function singlePopulationGame(def: SinglePopulationDefinition): FiniteGame {
  const population: FinitePopulation = {
    name: def.name ?? 'population',
    numStates: def.numStates,
    numActions: def.numActions,
    stateShape: def.stateShape ?? [def.numStates],
    actionShape: def.actionShape ?? [def.numActions],
    mu0: def.mu0,
    legal: def.legal ?? null,
    ...(def.noopAction !== undefined ? { noopAction: def.noopAction } : {}),
    ...(def.stateLabels ? { stateLabels: def.stateLabels } : {}),
    ...(def.actionLabels ? { actionLabels: def.actionLabels } : {}),
  };
  checkPopulation(population);
  if (!Number.isInteger(def.horizon) || def.horizon < 1) {
    throw new MfgError('MFG_ERR_GAME_INVALID', `horizon must be a positive integer, got ${def.horizon}`);
  }
  const rewardAt = def.rewardAt;
  const transitionRow = def.transitionRow;
  return {
    kind: 'finite',
    horizon: def.horizon,
    populations: [population],
    dynamicsDependOnMeanField: def.dynamicsDependOnMeanField,
    reward: (_p: number, t: number, L: MeanFieldAt, out: Float64Array) => def.reward(t, L[0]!, out),
    transition: (_p: number, t: number, L: MeanFieldAt) => def.transition(t, L[0]!),
    ...(rewardAt ? { rewardAt: (_p: number, t: number, s: number, a: number, q: MeanFieldQuery) => rewardAt(t, s, a, q) } : {}),
    ...(transitionRow ? { transitionRow: (_p: number, t: number, s: number, a: number) => transitionRow(t, s, a) } : {}),
  };
}

/** Checks a population's shapes, mu0 and legal mask (every state needs a legal action). */
export function checkPopulation(pop: FinitePopulation): void {
  const { numStates: S, numActions: A } = pop;
  const bad = (msg: string): never => {
    throw new MfgError('MFG_ERR_GAME_INVALID', `population ${pop.name}: ${msg}`);
  };
  if (!Number.isInteger(S) || S < 1) bad(`numStates must be a positive integer, got ${S}`);
  if (!Number.isInteger(A) || A < 1) bad(`numActions must be a positive integer, got ${A}`);
  if (pop.stateShape.reduce((x, y) => x * y, 1) !== S) bad(`stateShape [${pop.stateShape.join(', ')}] does not multiply to ${S}`);
  if (pop.actionShape.reduce((x, y) => x * y, 1) !== A) bad(`actionShape [${pop.actionShape.join(', ')}] does not multiply to ${A}`);
  if (pop.mu0.length !== S) bad(`mu0 has length ${pop.mu0.length}, expected ${S}`);
  let total = 0;
  for (let s = 0; s < S; s++) {
    if (!(pop.mu0[s]! >= 0)) bad(`mu0[${s}] = ${pop.mu0[s]} is not a probability`);
    total += pop.mu0[s]!;
  }
  if (Math.abs(total - 1) > 1e-9) bad(`mu0 sums to ${total}, expected 1`);
  if (pop.legal) {
    if (pop.legal.length !== S * A) bad(`legal mask has length ${pop.legal.length}, expected ${S * A}`);
    for (let s = 0; s < S; s++) {
      let any = false;
      for (let a = 0; a < A; a++) any ||= pop.legal[s * A + a] === 1;
      if (!any) bad(`state ${s} has no legal action`);
    }
  }
  const noop = pop.noopAction;
  if (noop !== undefined) {
    if (!Number.isInteger(noop) || noop < 0 || noop >= A) bad(`noopAction must be an action index in [0, ${A}), got ${noop}`);
    for (let s = 0; s < S && pop.legal; s++) if (pop.legal[s * A + noop] !== 1) bad(`noopAction ${noop} must be legal in every state, and is not in state ${s}`);
  }
}

/** State marginal mu_t(s) = sum_a L_t(s, a), into out (length S). */
export function stateMarginal(L: Float64Array, numStates: number, numActions: number, out = new Float64Array(numStates)): Float64Array {
  for (let s = 0; s < numStates; s++) {
    let m = 0;
    const base = s * numActions;
    for (let a = 0; a < numActions; a++) m += L[base + a]!;
    out[s] = m;
  }
  return out;
}
