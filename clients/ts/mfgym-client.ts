import { Packr, Unpackr } from 'msgpackr';
import { Dealer, curveKeyPair } from 'zeromq';
import { RemoteEnv } from './remote-env';
import { float64Array, type NdArray, type WireArray } from './wire';

export const CLIENT_PROTOCOL_VERSION = '2.1';

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
  /** ZeroMQ routing identity of the DEALER (default: chosen by ZeroMQ). Tests use it to forge one. */
  routingId?: string;
  /** The server's CURVE public key (Z85) when it serves with --curve-key-file: the client makes a key pair of its own. */
  curveServerKey?: string;
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
  /** Continuous games (2.1): dtype of obs and rewards (default float32). */
  dtype?: 'float32' | 'float64';
  /** Continuous games (2.1): an action outside the Box is refused ('error', default) or clipped. */
  outOfBounds?: 'error' | 'clip';
  /** Agents simulated to build a particles/generative population, finite or continuous (default 10^4). */
  populationSamples?: number;
  /** The population's settings: the generative fit budget ({steps, maxRounds, discriminator: {steps}, ...}). */
  populationSettings?: Record<string, unknown>;
}

export interface Infos {
  /** Finite games only (continuous games have Box actions and no mask). */
  action_mask?: NdArray;
  t: NdArray;
  final_obs?: NdArray;
  _final_obs?: NdArray;
  final_info?: { action_mask?: NdArray; t: NdArray };
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
 * TypeScript client of an mfgym server: one DEALER socket, requests pipelined, replies matched
 * to their requests by id (a map of pending requests), so a timed-out request's late reply is
 * dropped and never shifts later ones. The first request says hello and keeps its session
 * token, which every later request carries.
 */
export class MfgClient {
  private readonly sock: Dealer;
  private readonly packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });
  private readonly unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
  private readonly pending = new Map<number, Pending>();
  /** Raw frames (sendRaw) carry ids of their own, or none: their replies are taken in order. */
  private readonly rawQueue: Pending[] = [];
  private nextId = 0;
  private sendChain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly timeoutMs: number;
  private helloDone: Promise<Record<string, any>> | null = null;
  /** The session token of this connection (after hello). */
  session: string | null = null;
  /** The hello result: server, protocol, session, limits. */
  serverInfo: Record<string, any> | null = null;

  private constructor(
    readonly endpoint: string,
    private readonly options: ClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const curve = options.curveServerKey === undefined ? {} : { curveServerKey: options.curveServerKey, ...clientKeys() };
    this.sock = new Dealer({ linger: 0, ...(options.routingId !== undefined ? { routingId: options.routingId } : {}), ...curve });
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
        const frame = frames[frames.length - 1]!;
        if (frame.byteLength === 0) continue; // the server's liveness probe
        let reply: Reply;
        try {
          reply = this.unpackr.unpack(frame) as Reply;
        } catch {
          continue;
        }
        const byId = typeof reply.id === 'number' ? this.pending.get(reply.id) : undefined;
        const p = byId ?? this.rawQueue.shift();
        if (!p) continue; // the late reply of a request that timed out
        if (byId) this.pending.delete(reply.id!);
        clearTimeout(p.timer);
        p.resolve(reply);
      }
    } catch (e) {
      this.failAll(e as Error);
    }
  }

  private failAll(e: Error): void {
    for (const p of [...this.pending.values(), ...this.rawQueue.splice(0)]) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  private wait(op: string, id: number | null): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const p: Pending = {
        op,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (id !== null) this.pending.delete(id);
          else this.rawQueue.splice(this.rawQueue.indexOf(p), 1);
          reject(new MfgTimeoutError(op, this.timeoutMs));
        }, this.timeoutMs),
      };
      if (id !== null) this.pending.set(id, p);
      else this.rawQueue.push(p);
    });
  }

  /**
   * Sends one frame as is and resolves to the next reply that no pending request claims by id
   * (tests use it for hostile frames, whose replies carry id null or an id of their own).
   */
  async sendRaw(frame: Uint8Array | Uint8Array[], op = 'raw'): Promise<Reply> {
    if (this.closed) throw new Error('client is closed');
    const reply = this.wait(op, null);
    this.enqueueSend(Array.isArray(frame) ? frame : [frame]);
    return reply;
  }

  /**
   * Sends go one after the other (ZeroMQ allows one blocked send at a time) and are not awaited
   * by the request: with no server to take them (down, or a failed CURVE handshake) a send
   * waits, and the request's timeout still fires.
   */
  private enqueueSend(frames: Uint8Array[]): void {
    this.sendChain = this.sendChain.then(
      () => this.sock.send(frames).catch(() => {}), // a send fails only when closing: the requests are failed there
    );
  }

  /** The hello of this connection, said once (every other request waits for it). */
  private ensureSession(): Promise<Record<string, any>> {
    this.helloDone ??= this.request('hello', { protocol: CLIENT_PROTOCOL_VERSION, client: this.options.clientName ?? 'mfgym-ts' }).then((r) => {
      if (!r.ok) {
        this.helloDone = null;
        throw new MfgRemoteError(r.error!.code, r.error!.message, r.error!.details);
      }
      return r.result!;
    });
    return this.helloDone;
  }

  private async send(op: string, fields: Record<string, unknown>): Promise<Reply> {
    if (this.closed) throw new Error('client is closed');
    const id = this.nextId++;
    const reply = this.wait(op, id);
    this.enqueueSend([this.packr.pack({ v: CLIENT_PROTOCOL_VERSION, id, op, ...fields })]);
    return reply;
  }

  /**
   * One request {v, id, op, session, ...fields}; resolves to the whole reply (ok or error). A
   * hello (sent first, by itself, if the caller did not) opens a new session whose token the
   * later requests carry.
   */
  async request(op: string, fields: Record<string, unknown> = {}): Promise<Reply> {
    if (op === 'hello') {
      const r = await this.send('hello', fields);
      if (r.ok) {
        this.session = r.result!.session;
        this.serverInfo = r.result!;
        this.helloDone = Promise.resolve(r.result!);
      }
      return r;
    }
    await this.ensureSession();
    return this.send(op, { session: this.session, ...fields });
  }

  /** A request with fields exactly as given (no session added): for tests of the server's checks. */
  requestAs(op: string, fields: Record<string, unknown>): Promise<Reply> {
    return this.send(op, fields);
  }

  /** msgpack of {v, id, op, session, ...fields} with a fresh id, for tests that send frames by hand. */
  pack(fields: Record<string, unknown>): Buffer {
    return this.packr.pack({ v: CLIENT_PROTOCOL_VERSION, session: this.session, ...fields });
  }

  /** One request; resolves to its result or throws MfgRemoteError. */
  async call(op: string, fields: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const r = await this.request(op, fields);
    if (!r.ok) throw new MfgRemoteError(r.error!.code, r.error!.message, r.error!.details);
    return r.result!;
  }

  /** Says hello (once per connection): resolves to {server, protocol, session, limits}. */
  hello(): Promise<Record<string, any>> {
    return this.ensureSession();
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
    if (o.dtype) options.dtype = o.dtype;
    if (o.outOfBounds) options.out_of_bounds = o.outOfBounds;
    if (o.populationSamples !== undefined) options.population_samples = o.populationSamples;
    if (o.populationSettings) options.population_settings = o.populationSettings;
    if (Object.keys(options).length > 0) fields.options = options;
    return new RemoteEnv(this, await this.call('make', fields));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('client closed'));
    this.sock.close();
  }
}

export type { WireArray, NdArray };

/** A fresh CURVE key pair for one connection. */
function clientKeys(): { curvePublicKey: string; curveSecretKey: string } {
  const k = curveKeyPair();
  return { curvePublicKey: k.publicKey, curveSecretKey: k.secretKey };
}
