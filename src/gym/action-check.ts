import { MfgError } from '../core/errors';

/**
 * Validates one step's actions: one per agent, each an integer in Discrete(A). Agents with
 * running[i] = 0 (being reset by next_step) are not checked: their action is ignored. An action
 * in the space but illegal in the agent's state is not an error here: illegal-actions.ts decides
 * (the game's no-op by default, or a refusal).
 */
export function checkActions(actions: ArrayLike<number>, N: number, A: number, running: (i: number) => boolean): void {
  if (actions.length !== N) {
    throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `expected ${N} actions (one per agent), got ${actions.length}`, {
      details: { reason: 'shape', expected: [N], got: [actions.length] },
    });
  }
  for (let i = 0; i < N; i++) {
    if (!running(i)) continue;
    const a = actions[i]!;
    if (a !== (a | 0) || a < 0 || a >= A) {
      const reason = Number.isNaN(a) ? 'nan' : Number.isInteger(a) ? 'range' : 'dtype';
      throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `action of agent ${i} is ${a}, outside Discrete(${A})`, { details: { agent: i, value: numberForJson(a), reason } });
    }
  }
}

function numberForJson(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
