import { Packr, Unpackr } from 'msgpackr';
import { Dealer } from 'zeromq';
import { boolArray, decodeArray, float64Array, int64Array, type NdArray, type WireArray } from './wire';

export const CLIENT_PROTOCOL_VERSION = '1.0';

/** A typed error reply of the server: the code of src/core/errors.ts, message and details. */
export class MfgRemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(`${code}: ${message}`);
    this.name = 'MfgRemoteError';
  }
}

/** No reply within the client's timeout. */
export class MfgTimeoutError extends Error {
  constructor(op: string, ms: number) {
    super(`no reply to ${op} within ${ms} ms`);
    this.name = 'MfgTimeoutError';
  }
}

export interface Reply {
  v: string;
  id: number | null;
  ok: boolean;
  result?: Record<string, any>;
  error?: { code: string; message: string; details: Record<string, unknown> };
}

export interface ClientOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Sent in hello. */
  clientName?: string;
}

export interface SpaceJSON {
  type: 'Discrete' | 'MultiDiscrete' | 'Box';
  [k: string]: unknown;
}

export interface MakeOptions {
  kwargs?: Record<string, unknown>;
  numAgents?: number;
  population?: 'exact' | 'particles' | 'generative';
  meanField?: 'fixed' | 'fictitious' | 'live';
  autoreset?: 'next_step' | 'same_step' | 'disabled';
  /** Population 0's policy pi_t(a|s), flat in [t][s][a] order, with its shape [H, S, A]: its flow is the initial mean field. */
  policy?: { data: ArrayLike<number>; shape: [number, number, number] };
  updateEvery?: number;
  /** Population-aware observations: obs rows gain features of mu_t (obs becomes <f8). */
  populationFeatures?: 'none' | 'moments' | 'histogram';
  histogramBins?: number;
}

export interface Infos {
  action_mask: NdArray;
  t: NdArray;
  final_obs?: NdArray;
  _final_obs?: NdArray;
  final_info?: { action_mask: NdArray; t: NdArray };
  _final_info?: NdArray;
}

export interface RemoteReset {
  obs: NdArray;
  infos: Infos;
}

export interface RemoteStep {
  obs: NdArray;
  rewards: NdArray;
  terminated: NdArray;
  truncated: NdArray;
  infos: Infos;
}

interface Pending {
  op: string;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * TypeScript client of an mfgym server: one DEALER socket, requests pipelined, replies read in
 * order (the server answers a connection's requests in the order it sent them) and checked by id.
 */
export class MfgClient {
  private readonly sock: Dealer;
  private readonly packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });
  private readonly unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  private readonly timeoutMs: number;

  private constructor(
    readonly endpoint: string,
    private readonly options: ClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sock = new Dealer({ linger: 0 });
    this.sock.connect(endpoint);
    void this.receiveLoop();
  }

  /** Connects (ZeroMQ connects lazily: the first request waits for the server). */
  static connect(endpoint: string, options: ClientOptions = {}): MfgClient {
    return new MfgClient(endpoint, options);
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.sock) {
        const p = this.queue.shift();
        if (!p) continue;
        clearTimeout(p.timer);
        try {
          p.resolve(this.unpackr.unpack(frames[frames.length - 1]!) as Reply);
        } catch (e) {
          p.reject(e as Error);
        }
      }
    } catch (e) {
      for (const p of this.queue.splice(0)) {
        clearTimeout(p.timer);
        p.reject(e as Error);
      }
    }
  }

  /** Sends one frame as is and resolves to the decoded reply (tests use it for hostile frames). */
  async sendRaw(frame: Uint8Array | Uint8Array[], op = 'raw'): Promise<Reply> {
    if (this.closed) throw new Error('client is closed');
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.queue.findIndex((p) => p.timer === timer);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new MfgTimeoutError(op, this.timeoutMs));
      }, this.timeoutMs);
      this.queue.push({ op, resolve, reject, timer });
    });
    await this.sock.send(Array.isArray(frame) ? frame : [frame]);
    return reply;
  }

  /** One request {v, id, op, ...fields}; resolves to the whole reply (ok or error). */
  async request(op: string, fields: Record<string, unknown> = {}): Promise<Reply> {
    const id = this.nextId++;
    const reply = await this.sendRaw(this.packr.pack({ v: CLIENT_PROTOCOL_VERSION, id, op, ...fields }), op);
    if (reply.id !== id && reply.id !== null) throw new Error(`reply id ${reply.id} does not answer request ${id}`);
    return reply;
  }

  /** One request; resolves to its result or throws MfgRemoteError. */
  async call(op: string, fields: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const r = await this.request(op, fields);
    if (!r.ok) throw new MfgRemoteError(r.error!.code, r.error!.message, r.error!.details);
    return r.result!;
  }

  hello(): Promise<Record<string, any>> {
    return this.call('hello', { protocol: CLIENT_PROTOCOL_VERSION, client: this.options.clientName ?? 'mfgym-ts' });
  }

  async ping(): Promise<boolean> {
    return (await this.call('ping')).pong === true;
  }

  async listEnvs(): Promise<{ id: string; description: string; kind: string; kwargs_schema: Record<string, unknown> }[]> {
    return (await this.call('list_envs')).envs;
  }

  async make(envId: string, o: MakeOptions = {}): Promise<RemoteEnv> {
    const fields: Record<string, unknown> = { env_id: envId };
    if (o.kwargs) fields.kwargs = o.kwargs;
    if (o.numAgents !== undefined) fields.num_agents = o.numAgents;
    if (o.population) fields.population = o.population;
    if (o.meanField) fields.mean_field = o.meanField;
    if (o.autoreset) fields.autoreset = o.autoreset;
    const options: Record<string, unknown> = {};
    if (o.updateEvery !== undefined) options.update_every = o.updateEvery;
    if (o.policy) options.policy = float64Array(o.policy.data, [...o.policy.shape]);
    if (o.populationFeatures) options.population_features = o.populationFeatures;
    if (o.histogramBins !== undefined) options.histogram_bins = o.histogramBins;
    if (Object.keys(options).length > 0) fields.options = options;
    return new RemoteEnv(this, await this.call('make', fields));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.queue.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new Error('client closed'));
    }
    this.sock.close();
  }
}

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
    const r = await this.client.call('step', { handle: this.handle, actions: int64Array(actions) });
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
  const out: Infos = { action_mask: decodeArray(w.action_mask), t: decodeArray(w.t) };
  if (w.final_obs) {
    out.final_obs = decodeArray(w.final_obs);
    out._final_obs = decodeArray(w._final_obs);
    out.final_info = { action_mask: decodeArray(w.final_info.action_mask), t: decodeArray(w.final_info.t) };
    out._final_info = decodeArray(w._final_info);
  }
  return out;
}

export type { WireArray, NdArray };
