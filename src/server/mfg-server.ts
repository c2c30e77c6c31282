import * as os from 'node:os';
import type { Router } from 'zeromq';
import { MfgError, toMfgError, type ErrorCode } from '../core/errors';
import { decodeFrame, encodeFrame, isMap } from './codec';
import { collectGarbageSoon } from './collect-garbage';
import type { HandlerContext } from './handler-context';
import { HANDLERS } from './handlers/index';
import { DEFAULT_LIMITS, type ServerLimits } from './limits';
import { Connection, Outbox } from './outbox';
import { PROTOCOL_VERSION, checkProtocolVersion } from './protocol-version';
import { OPS, RequestValidator } from './request-validator';
import { packageVersion } from './package-version';
import { describe, errorReply, validId } from './reply-frame';
import { SessionTable, type Closable, type Session } from './session-table';
import type { WorkerJob } from './env-worker';
import { planMake } from './handlers/make';
import { WorkerEnvRef, WorkerPool } from './worker-pool';
import { registerBuiltinEnvs } from '../../envs/index';

export interface ServerOptions {
  /** ZeroMQ endpoint; loopback by default. tcp://127.0.0.1:0 picks a free port (see `endpoint`). */
  bind?: string;
  limits?: Partial<ServerLimits>;
  /** One line per session event (default: stderr). */
  log?: (line: string) => void;
  /** Register the built-in environments (default true; idempotent). */
  registerBuiltins?: boolean;
  /** How often connections with sessions are probed for liveness (ms, default 1000). */
  probeIntervalMs?: number;
  /**
   * Worker threads that build and step the envs (default: the cores, between 2 and 4). 0 runs
   * every op in the main thread (a slow make then delays every connection).
   */
  workers?: number;
  /** Modules each worker loads to register extra envs (`--load`; tests' fixture envs). */
  workerModules?: string[];
  /**
   * ZeroMQ CURVE: the server's secret key (Z85, 40 characters). Traffic is then encrypted and a
   * client must know the server's public key to connect (clients are not authenticated).
   */
  curveSecretKey?: string;
}

/** The ops that touch an env: run in the worker that holds it. */
const WORKER_OPS = new Set(['make', 'reset', 'step', 'population_update', 'population_report']);

export const DEFAULT_BIND = 'tcp://127.0.0.1:5555';
const MAX_MESSAGE_SLACK = 64 * 1024;
/** A busy client is told to come back after this long (a hint, PROTOCOL.md §7). */
const BUSY_RETRY_MS = 50;

/**
 * The mfgym gym server: one ROUTER socket and one receive loop that never waits for a request
 * to be handled. Each connection's requests run in order on its own chain, different
 * connections interleave; replies leave through the Outbox (never dropped silently); sessions
 * are opened by hello and named by a random token; connections that vanish are noticed by
 * liveness probes and their envs freed.
 */
export class MfgServer {
  readonly limits: Readonly<ServerLimits>;
  readonly sessions: SessionTable<Closable>;
  private pool: WorkerPool | null = null;
  private readonly validator: RequestValidator;
  private readonly log: (line: string) => void;
  private readonly version: string;
  private readonly connections = new Map<string, Connection>();
  private sock: Router | null = null;
  private outbox: Outbox | null = null;
  private loopDone: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  /** Requests answered so far (any outcome). */
  requests = 0;

  constructor(private readonly options: ServerOptions = {}) {
    if (os.endianness() !== 'LE') throw new MfgError('MFG_ERR_INTERNAL', 'the wire arrays are little-endian; this host is big-endian');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.log = options.log ?? ((line) => process.stderr.write(`mfgym serve: ${line}\n`));
    this.sessions = new SessionTable<Closable>(this.log);
    this.validator = new RequestValidator();
    this.version = packageVersion();
    if (options.registerBuiltins ?? true) registerBuiltinEnvs();
  }

  /** Binds and starts the receive loop; resolves to the bound endpoint. */
  async start(): Promise<string> {
    // zeromq is a native addon: loaded when a server starts, not when 'mfgym' is imported.
    const { Router: RouterSocket } = await import('zeromq');
    const sock = new RouterSocket({
      // ZMQ_MAXMSGSIZE: libzmq stops reading (and drops the connection) at a frame header declaring
      // more than this, so a 100 MB frame is never read whole. The 64 KiB of slack keep the typed
      // MFG_ERR_PROTOCOL_TOO_LARGE reply for frames just over max_message_bytes.
      maxMessageSize: this.limits.maxMessageBytes + MAX_MESSAGE_SLACK,
      // Replies are never dropped silently: a full peer is EAGAIN (retried by the Outbox), a gone one EHOSTUNREACH.
      mandatory: true,
      sendTimeout: 0,
      // ZMTP heartbeats close connections whose peer stopped answering (a half-open TCP connection).
      heartbeatInterval: 2000,
      heartbeatTimeout: 6000,
      linger: 0,
      ...(this.options.curveSecretKey !== undefined ? { curveServer: true, curveSecretKey: this.options.curveSecretKey } : {}),
    });
    const workers = this.options.workers ?? Math.max(2, Math.min(4, os.availableParallelism()));
    if (workers > 0) {
      this.pool = new WorkerPool(
        workers,
        { modules: this.options.workerModules ?? [], registerBuiltins: this.options.registerBuiltins ?? true, limits: { ...this.limits }, serverVersion: this.version },
        this.log,
        (slot, generation) => this.sessions.closeWhere((e) => e instanceof WorkerEnvRef && e.slot === slot && e.generation === generation, 'worker'),
      );
      await this.pool.ready();
    }
    const bind = this.options.bind ?? DEFAULT_BIND;
    await sock.bind(bind);
    this.sock = sock;
    this.outbox = new Outbox(sock, (c) => this.connectionGone(c), this.log);
    this.loopDone = this.loop(sock);
    const every = Math.max(50, Math.min(1000, (this.limits.idleTimeoutS * 1000) / 4));
    this.every(every, () => {
      if (this.sessions.expireIdle(Date.now(), this.limits.idleTimeoutS * 1000).length > 0) collectGarbageSoon();
    });
    this.every(this.options.probeIntervalMs ?? 1000, () => void this.probeAll());
    void this.watchDisconnects(sock);
    const endpoint = sock.lastEndpoint ?? bind;
    this.log(`listening on ${endpoint} (protocol ${PROTOCOL_VERSION})`);
    return endpoint;
  }

  get endpoint(): string | null {
    return this.sock?.lastEndpoint ?? null;
  }

  private every(ms: number, f: () => void): void {
    const t = setInterval(f, ms);
    t.unref();
    this.timers.push(t);
  }

  private async loop(sock: Router): Promise<void> {
    try {
      for await (const [identity, ...frames] of sock) this.receive(identity!, frames);
    } catch (e) {
      if (!this.stopping) this.log(`receive loop stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Never waits: the request joins its connection's chain, or is answered busy at once. */
  private receive(identity: Buffer, frames: Buffer[]): void {
    const hex = identity.toString('hex');
    let c = this.connections.get(hex);
    if (!c) {
      c = new Connection(identity, hex);
      this.connections.set(hex, c);
    }
    c.lastActivity = Date.now();
    const conn = c;
    if (conn.inFlight >= this.limits.maxInFlight) {
      this.outbox!.send(conn, this.busyReply(frames, conn), false);
      return;
    }
    conn.inFlight++;
    conn.chain = conn.chain.then(async () => {
      const reply = await this.handleMessage(identity, frames);
      if (this.stopping) return;
      this.outbox!.send(conn, reply, true);
    });
  }

  private busyReply(frames: Buffer[], c: Connection): Buffer {
    this.requests++;
    let id: number | null = null;
    try {
      const msg = frames.length === 1 && frames[0]!.byteLength <= this.limits.maxMessageBytes ? this.decode(frames[0]!) : null;
      if (isMap(msg)) id = validId(msg.id);
    } catch {
      // an undecodable request gets its busy reply with id null
    }
    const err = new MfgError('MFG_ERR_SESSION_BUSY', `this connection has ${c.inFlight} requests in flight (max_in_flight ${this.limits.maxInFlight}); retry after ${BUSY_RETRY_MS} ms`, {
      details: { limit: 'max_in_flight', max: this.limits.maxInFlight, retry_after_ms: BUSY_RETRY_MS },
    });
    return errorReply(id, err);
  }

  private decode(frame: Buffer): unknown {
    return decodeFrame(frame, { maxElements: this.limits.maxMessageElements, maxDepth: this.limits.maxMessageDepth });
  }

  /**
   * One request to one encoded reply; never throws. Exposed so tests can drive the dispatcher
   * without sockets.
   */
  async handleMessage(identity: Buffer, frames: Buffer[]): Promise<Buffer> {
    this.requests++;
    let id: number | null = null;
    let session: Session | null = null;
    try {
      if (frames.length !== 1) {
        throw new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `a request is exactly one frame, got ${frames.length}`, { details: { frames: frames.length } });
      }
      const frame = frames[0]!;
      if (frame.byteLength > this.limits.maxMessageBytes) {
        throw new MfgError('MFG_ERR_PROTOCOL_TOO_LARGE', `request of ${frame.byteLength} bytes exceeds max_message_bytes ${this.limits.maxMessageBytes}`, {
          details: { bytes: frame.byteLength, max: this.limits.maxMessageBytes },
        });
      }
      const msg = this.decode(frame);
      if (!isMap(msg)) {
        throw new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `a request is a msgpack map, got ${describe(msg)}`, { details: { got: describe(msg) } });
      }
      id = validId(msg.id);
      this.validator.checkEnvelope(msg);
      checkProtocolVersion(msg.v as string);
      const op = msg.op as string;
      if (!this.validator.isOp(op)) {
        throw new MfgError('MFG_ERR_PROTOCOL_UNKNOWN_OP', `unknown op ${JSON.stringify(op.slice(0, 64))}; known ops: ${OPS.join(', ')}`, {
          details: { op: op.slice(0, 64), known: [...OPS] },
        });
      }
      this.validator.checkRequest(op, msg);
      const hex = identity.toString('hex');
      const now = Date.now();
      if (op === 'hello') checkProtocolVersion(msg.protocol as string); // before a session is opened for it
      session = op === 'hello' ? this.sessions.open(hex, now, this.limits.maxSessions) : this.sessions.byToken(msg.session, hex, now);
      session.running++;
      if (this.pool !== null && WORKER_OPS.has(op)) return await this.inWorker(this.pool, op, msg, session, id);
      const ctx: HandlerContext = { session, sessions: this.sessions as unknown as SessionTable, limits: this.limits, serverVersion: this.version, log: this.log };
      const result = await HANDLERS[op](msg, ctx);
      return encodeFrame({ v: PROTOCOL_VERSION, id, ok: true, result });
    } catch (e) {
      const err = toMfgError(e);
      if (err.code === 'MFG_ERR_INTERNAL') this.log(`internal error answering ${identity.toString('hex')}: ${err.message}`);
      return errorReply(id, err);
    } finally {
      if (session !== null) {
        session.running = Math.max(0, session.running - 1);
        session.lastSeen = Date.now();
      }
    }
  }

  /**
   * An env op in the pool: make plans here (limits and budget, across sessions), builds in the
   * least-loaded worker and registers the handle here; the others go to the env's worker.
   */
  private async inWorker(pool: WorkerPool, op: string, msg: Record<string, unknown>, session: Session, id: number | null): Promise<Buffer> {
    const job = { op: op as WorkerJob['op'], id, msg, key: session.key };
    if (op === 'make') {
      const plan = planMake(msg, { session, sessions: this.sessions, limits: this.limits });
      const release = this.sessions.reserve(plan.bytes);
      try {
        const handle = this.sessions.newHandle();
        const slot = pool.pick();
        const ref = new WorkerEnvRef(pool, slot, pool.generation(slot), handle);
        const r = await pool.run(slot, { ...job, handle, plan }, this.limits.makeDeadlineS * 1000);
        if (r.error) throw new MfgError(r.error.code as ErrorCode, r.error.message, { details: r.error.details });
        pool.added(ref);
        this.sessions.add(session, ref, plan.envId, plan.bytes, handle);
        return Buffer.from(r.frame!.buffer, r.frame!.byteOffset, r.frame!.byteLength);
      } finally {
        release();
      }
    }
    const handle = msg.handle as string;
    const ref = this.sessions.env(session, handle) as WorkerEnvRef;
    const r = await pool.run(ref.slot, { ...job, handle }, this.limits.requestDeadlineS * 1000);
    if (r.error) throw new MfgError(r.error.code as ErrorCode, r.error.message, { details: r.error.details });
    return Buffer.from(r.frame!.buffer, r.frame!.byteOffset, r.frame!.byteLength);
  }

  /** Probes every connection that holds sessions; the ones gone have their sessions dropped. */
  private async probeAll(): Promise<void> {
    if (this.stopping || !this.outbox) return;
    const live = this.sessions.identities();
    for (const [hex, c] of this.connections) {
      if (!live.has(hex)) {
        if (c.inFlight === 0 && c.queued === 0) this.connections.delete(hex);
        continue;
      }
      if (!(await this.outbox.probe(c))) this.connectionGone(c);
    }
  }

  /** The socket monitor reports a TCP disconnect (without saying whose): probe at once. */
  private async watchDisconnects(sock: Router): Promise<void> {
    try {
      for await (const event of sock.events) {
        if (this.stopping) break;
        if (event.type === 'disconnect') void this.probeAll();
      }
    } catch {
      // the socket closed
    }
  }

  private connectionGone(c: Connection): void {
    this.connections.delete(c.hex);
    const envs = this.sessions.dropIdentity(c.hex);
    if (envs > 0) collectGarbageSoon();
  }

  /** Stops the loop, closes every env and the socket. Safe to call twice. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.outbox?.close();
    this.sessions.closeAll();
    this.sock?.close();
    await this.loopDone;
    await this.pool?.close();
    this.log('closed');
  }
}
