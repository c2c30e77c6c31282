import { MfgError } from '../core/errors';

/**
 * Validates one step's actions: one per agent, each an integer in Discrete(A) and legal in
 * the agent's state. Agents with running[i] = 0 (being reset by next_step) are not checked:
 * their action is ignored. This is the one place the env decides what a bad action is.
 */
export function checkActions(actions: ArrayLike<number>, N: number, A: number, legal: Uint8Array | null, state: Int32Array, running: (i: number) => boolean): void {
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
    if (legal !== null && legal[state[i]! * A + a] === 0) {
      throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `action ${a} of agent ${i} is illegal in its state ${state[i]}`, {
        details: { agent: i, value: a, reason: 'illegal', state: state[i] },
      });
    }
  }
}

function numberForJson(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
