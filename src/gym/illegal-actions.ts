import { MfgError } from '../core/errors';
import type { FinitePopulation } from '../core/finite-game';

/**
 * What the gym env does with an action that is in the action space but illegal in the agent's
 * state (a move into a wall):
 * - `noop` (default): it acts as the game's no-op there and is flagged in `infos.illegalAction`.
 *   Gymnasium agents sample from `action_space`, and most know nothing of masks, so an env must
 *   accept every action its space contains (gymnasium's env checker steps such samples).
 * - `error`: it is refused with MFG_ERR_ENV_BAD_ACTION (reason `illegal`), nothing is stepped.
 *
 * The no-op is the population's `noopAction` when it declares one (CrowdModelling2D, FourRooms,
 * Maze: `stay`, legal in every state). A game with illegal actions and no declared no-op uses
 * the first legal action of the agent's state, lowest index (deterministic, consumes no random
 * numbers). The substituted action is the one stepped everywhere: its reward, its transition,
 * the visits a fictitious refit counts and the live mean field. The exact solvers never see
 * any of this: their softmaxes and argmaxes range over legal actions only.
 */
export type IllegalActionsMode = 'noop' | 'error';

export const ILLEGAL_ACTIONS_MODES: readonly IllegalActionsMode[] = ['noop', 'error'];

export function checkIllegalActionsMode(x: unknown): IllegalActionsMode {
  if (ILLEGAL_ACTIONS_MODES.includes(x as IllegalActionsMode)) return x as IllegalActionsMode;
  throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `illegalActions must be one of ${ILLEGAL_ACTIONS_MODES.join(', ')}, got ${JSON.stringify(x)}`, {
    details: { option: 'illegal_actions', value: String(x) },
  });
}

/** The actions to step and, per agent, 1 where the agent's own action was illegal. */
export interface ResolvedActions {
  actions: ArrayLike<number>;
  illegal: Uint8Array;
}

/** Applies an IllegalActionsMode to a population's legal mask. */
export class IllegalActionRule {
  /** substitute[s]: the action an illegal one at s acts as; null when every action is legal. */
  private readonly substitute: Int32Array | null;

  constructor(
    private readonly pop: FinitePopulation,
    readonly mode: IllegalActionsMode,
  ) {
    this.substitute = pop.legal === null ? null : substitutes(pop, pop.legal);
  }

  /**
   * The actions of the agents with active[i] true, checked against their states (actions are
   * already known to be in range). Never mutates `actions`; returns it unchanged when nothing
   * is illegal. Throws in `error` mode before anything is stepped.
   */
  resolve(actions: ArrayLike<number>, state: Int32Array, active: (i: number) => boolean): ResolvedActions {
    const N = state.length;
    const illegal = new Uint8Array(N);
    const legal = this.pop.legal;
    if (legal === null || this.substitute === null) return { actions, illegal };
    const A = this.pop.numActions;
    let out: Int32Array | null = null;
    for (let i = 0; i < N; i++) {
      if (!active(i)) continue;
      const a = actions[i]!;
      const s = state[i]!;
      if (legal[s * A + a] === 1) continue;
      if (this.mode === 'error') {
        throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `action ${a} of agent ${i} is illegal in its state ${s}`, {
          details: { agent: i, value: a, reason: 'illegal', state: s },
        });
      }
      if (out === null) out = Int32Array.from(actions);
      out[i] = this.substitute[s]!;
      illegal[i] = 1;
    }
    return { actions: out ?? actions, illegal };
  }
}

function substitutes(pop: FinitePopulation, legal: Uint8Array): Int32Array {
  const A = pop.numActions;
  const out = new Int32Array(pop.numStates);
  for (let s = 0; s < pop.numStates; s++) {
    if (pop.noopAction !== undefined) out[s] = pop.noopAction;
    else {
      let a = 0;
      while (legal[s * A + a] === 0) a++;
      out[s] = a;
    }
  }
  return out;
}
