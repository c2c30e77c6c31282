import { MfgError } from '../core/errors';
import { makeAnyEnv, type AnyVectorEnv, type MakeEnvOptions } from './make-env';
import { MfgVectorEnv } from './vector-env';

export interface SingleStepResult {
  /** The agent's state coordinates then its epoch t. */
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  /** illegalAction: the action was illegal in the agent's state and acted as the no-op (illegal-actions.ts). */
  info: { actionMask: Uint8Array; t: number; illegalAction: boolean };
}

/**
 * The representative agent as a plain Gymnasium env (DESIGN §4): reset(seed, options) -> (obs,
 * info), step(action) -> (obs, reward, terminated, truncated, info). It is a vector env of one
 * agent with autoreset disabled: after `terminated`, call reset() as with any Gymnasium env.
 */
export class MfgEnv {
  constructor(readonly vector: MfgVectorEnv) {
    if (vector.numAgents !== 1 || vector.autoreset !== 'disabled') {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', 'a single-agent env wraps a vector env of 1 agent with autoreset disabled', {
        details: { numAgents: vector.numAgents, autoreset: vector.autoreset },
      });
    }
  }

  get observationSpace() {
    return this.vector.observationSpace;
  }

  get actionSpace() {
    return this.vector.actionSpace;
  }

  reset(seed?: number | null): { obs: number[]; info: { actionMask: Uint8Array; t: number } } {
    const r = this.vector.reset(seed ?? null);
    return { obs: Array.from(r.obs), info: { actionMask: r.infos.actionMask, t: r.infos.t[0]! } };
  }

  step(action: number): SingleStepResult {
    const s = this.vector.step([action]);
    return {
      obs: Array.from(s.obs),
      reward: s.rewards[0]!,
      terminated: s.terminated[0] === 1,
      truncated: s.truncated[0] === 1,
      info: { actionMask: s.infos.actionMask, t: s.infos.t[0]!, illegalAction: s.infos.illegalAction![0] === 1 },
    };
  }

  /** fictitious mode: see MfgVectorEnv.updatePopulation. */
  updatePopulation() {
    return this.vector.updatePopulation();
  }

  report() {
    return this.vector.report();
  }

  close(): void {
    this.vector.close();
  }
}

/** make(id, ...) for one representative agent. */
export async function makeSingleEnv(id: string, options: Omit<MakeEnvOptions, 'numAgents' | 'autoreset'> = {}): Promise<MfgEnv> {
  const env: AnyVectorEnv = await makeAnyEnv(id, { ...options, numAgents: 1, autoreset: 'disabled' });
  if (!(env instanceof MfgVectorEnv)) {
    env.close();
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${id} is a continuous game: MfgEnv steps finite games; use makeEnv(id, { numAgents: 1 }) (a ContinuousVectorEnv)`, { details: { env_id: id } });
  }
  return new MfgEnv(env);
}
