import type { Infos, MfgClient, RemoteReset, RemoteStep, SpaceJSON } from './mfgym-client';
import { boolArray, decodeArray, float64Array, int64Array, type NdArray } from './wire';

/** A vector env living on the server, behind a handle of this client's connection. */
export class RemoteEnv {
  readonly handle: string;
  readonly numAgents: number;
  readonly horizon: number;
  readonly observationSpace: SpaceJSON;
  readonly actionSpace: SpaceJSON;
  readonly kwargs: Record<string, unknown>;

  constructor(
    private readonly client: MfgClient,
    readonly info: Record<string, any>,
  ) {
    this.handle = info.handle;
    this.numAgents = info.num_agents;
    this.horizon = info.horizon;
    this.observationSpace = info.observation_space;
    this.actionSpace = info.action_space;
    this.kwargs = info.kwargs;
  }

  async reset(seed: number | number[] | null = null, options: { resetMask?: ArrayLike<number | boolean> } = {}): Promise<RemoteReset> {
    const fields: Record<string, unknown> = { handle: this.handle, seed };
    if (options.resetMask) fields.options = { reset_mask: boolArray(options.resetMask) };
    const r = await this.client.call('reset', fields);
    return { obs: decodeArray(r.obs), infos: decodeInfos(r.infos) };
  }

  async step(actions: ArrayLike<number>): Promise<RemoteStep> {
    // Box actions (continuous games, protocol 2.1) travel as <f8 [N, dA]; Discrete ones as <i8 [N].
    const box = this.actionSpace.type === 'Box' ? (this.actionSpace.shape as number[]) : null;
    const wire = box ? float64Array(actions, [this.numAgents, box.reduce((a, b) => a * b, 1)]) : int64Array(actions);
    const r = await this.client.call('step', { handle: this.handle, actions: wire });
    return {
      obs: decodeArray(r.obs),
      rewards: decodeArray(r.rewards),
      terminated: decodeArray(r.terminated),
      truncated: decodeArray(r.truncated),
      infos: decodeInfos(r.infos),
    };
  }

  populationUpdate(): Promise<Record<string, any>> {
    return this.client.call('population_update', { handle: this.handle });
  }

  async populationReport(): Promise<Record<string, any> & { mu: NdArray }> {
    const r = await this.client.call('population_report', { handle: this.handle });
    return { ...r, mu: decodeArray(r.mu) };
  }

  async close(): Promise<void> {
    await this.client.call('close', { handle: this.handle });
  }
}

function decodeInfos(w: Record<string, any>): Infos {
  // Continuous games (Box actions) carry no action_mask.
  const out: Infos = { ...(w.action_mask ? { action_mask: decodeArray(w.action_mask) } : {}), t: decodeArray(w.t) };
  if (w.final_obs) {
    out.final_obs = decodeArray(w.final_obs);
    out._final_obs = decodeArray(w._final_obs);
    out.final_info = { ...(w.final_info.action_mask ? { action_mask: decodeArray(w.final_info.action_mask) } : {}), t: decodeArray(w.final_info.t) };
    out._final_info = decodeArray(w._final_info);
  }
  return out;
}
