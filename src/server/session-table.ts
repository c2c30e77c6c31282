import { randomBytes } from 'node:crypto';
import { MfgError } from '../core/errors';
import type { AnyVectorEnv } from '../gym/make-env';

export type ClosedReason = 'closed' | 'idle' | 'disconnected' | 'worker';

/**
 * One session: opened by hello on one connection, named by a random token only that
 * connection was told. Every later request must carry the token and come from the same
 * connection (routing identity), so neither a forged ROUTING_ID nor a leaked token alone can
 * reach its envs.
 */
export interface Session {
  readonly token: string;
  /** Hex of the ZeroMQ routing identity that said hello. */
  readonly identity: string;
  /** What logs show: never the token itself. */
  readonly key: string;
  lastSeen: number;
  /** Requests of this session being handled now: an idle timer never expires a busy session. */
  running: number;
  /** Handles of this session whose env is still open. */
  readonly open: Set<string>;
  /** Set once the session is dropped: an env finished afterwards is closed, not added. */
  dropped: ClosedReason | null;
  /** The protocol version negotiated in hello (MAJOR.MINOR; unset reads as 2.0). */
  protocol?: string;
}

/** What a session holds: an env in this thread, or a reference to one in a worker. */
export interface Closable {
  close(): void;
}

/** What a handle points to: its owner, and its env until closed. */
export interface HandleEntry<E extends Closable = AnyVectorEnv> {
  readonly handle: string;
  readonly owner: string;
  readonly envId: string;
  /** The estimated bytes of the env (0 when its spec declares no cost). */
  readonly bytes: number;
  env: E | null;
  closedReason: ClosedReason | null;
}

/** Most handles remembered after closing (so late requests on them answer SESSION_CLOSED). */
const CLOSED_HANDLES_KEPT = 100_000;

/**
 * Sessions keyed by token, and every handle issued by this server process. Handles are random
 * with a per-boot prefix, so a handle from before a restart never names someone else's env.
 */
export class SessionTable<E extends Closable = AnyVectorEnv> {
  private readonly sessions = new Map<string, Session>();
  private readonly handles = new Map<string, HandleEntry<E>>();
  private readonly closedOrder: string[] = [];
  /** Dropped sessions, remembered (a few bytes each, at most CLOSED_HANDLES_KEPT) to say why. */
  private readonly retired = new Map<string, Session>();
  /** Per-boot prefix of every handle. */
  readonly boot = randomBytes(4).toString('hex');
  /** Estimated bytes of the open envs, and of makes under way (reserved before building). */
  private bytes = 0;
  private reserved = 0;
  private openEnvs = 0;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** A new session for this connection (hello). */
  open(identity: string, now: number, maxSessions: number): Session {
    if (this.sessions.size >= maxSessions) {
      throw new MfgError('MFG_ERR_SESSION_LIMIT', `this server already has ${this.sessions.size} sessions (max_sessions)`, {
        details: { limit: 'max_sessions', value: this.sessions.size + 1, max: maxSessions },
      });
    }
    const token = randomBytes(16).toString('hex');
    const s: Session = { token, identity, key: `${identity.slice(0, 10)}/${token.slice(0, 4)}`, lastSeen: now, running: 0, open: new Set(), dropped: null };
    this.sessions.set(token, s);
    this.log(`session ${s.key} opened`);
    return s;
  }

  /**
   * The session a request's token names, if it was opened by this connection: else
   * MFG_ERR_SESSION_TOKEN. A dropped (idle, disconnected) session is still found for a while,
   * so its handles answer MFG_ERR_SESSION_CLOSED with the reason.
   */
  byToken(token: unknown, identity: string, now: number): Session {
    const s = typeof token === 'string' ? (this.sessions.get(token) ?? this.retired.get(token)) : undefined;
    if (s === undefined || s.identity !== identity) {
      throw new MfgError('MFG_ERR_SESSION_TOKEN', token === undefined ? 'the request carries no session token: send hello first and put its result.session in every request' : 'session token unknown, expired, or issued to another connection', {
        details: { reason: token === undefined ? 'missing' : 'unknown' },
      });
    }
    s.lastSeen = now;
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Open envs across every session, and their estimated bytes (makes under way included). */
  get envCount(): number {
    return this.openEnvs;
  }

  get bytesInUse(): number {
    return this.bytes + this.reserved;
  }

  /** Holds `bytes` of the budget while a make builds its env; returns the release function. */
  reserve(bytes: number): () => void {
    this.reserved += bytes;
    let done = false;
    return () => {
      if (!done) (done = true), (this.reserved -= bytes);
    };
  }

  /** A fresh handle: the per-boot prefix and 64 random bits. */
  newHandle(): string {
    return `h${this.boot}-${randomBytes(8).toString('hex')}`;
  }

  /** Registers a built env under a (fresh) handle; an env finished for a dropped session is closed instead. */
  add(session: Session, env: E, envId: string, bytes: number, handle = this.newHandle()): string {
    if (session.dropped !== null) {
      env.close();
      throw new MfgError('MFG_ERR_SESSION_CLOSED', `the session was closed (${session.dropped}) while its make was running`, { details: { reason: session.dropped } });
    }
    this.handles.set(handle, { handle, owner: session.token, envId, bytes, env, closedReason: null });
    session.open.add(handle);
    this.bytes += bytes;
    this.openEnvs++;
    return handle;
  }

  /**
   * The open env behind a handle of this session: never issued → UNKNOWN_HANDLE, another
   * session's → FORBIDDEN, closed or expired → CLOSED.
   */
  env(session: Session, handle: string): E {
    const e = this.entry(session, handle);
    if (e.env === null) {
      const why = { closed: '', idle: ' when its session idled out', disconnected: ' when its connection dropped', worker: ' when its worker thread was stopped (deadline or crash)' }[e.closedReason ?? 'closed'];
      throw new MfgError('MFG_ERR_SESSION_CLOSED', `handle ${handle} was closed${why}`, { details: { handle, reason: e.closedReason ?? 'closed' } });
    }
    return e.env;
  }

  /** Idempotent close of a handle this session made. */
  close(session: Session, handle: string): void {
    const e = this.entry(session, handle);
    if (e.env !== null) {
      this.release(e, 'closed');
      session.open.delete(handle);
      this.log(`session ${session.key} closed ${handle} (${e.envId})`);
    }
  }

  /** Closes and forgets the sessions idle for longer than timeoutMs (none with a request running). */
  expireIdle(now: number, timeoutMs: number): string[] {
    const expired: string[] = [];
    for (const s of [...this.sessions.values()]) {
      if (s.running > 0 || now - s.lastSeen < timeoutMs) continue;
      this.drop(s, 'idle');
      expired.push(s.key);
      this.log(`session ${s.key} expired after ${Math.round((now - s.lastSeen) / 1000)} s idle`);
    }
    return expired;
  }

  /** Open envs of every session of one connection (max_envs_per_connection counts them all). */
  openOfIdentity(identity: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.identity === identity) n += s.open.size;
    return n;
  }

  /** Identities (hex) that have at least one session: the connections worth probing. */
  identities(): Set<string> {
    return new Set([...this.sessions.values()].map((s) => s.identity));
  }

  /** Drops every session of a connection that is gone; returns how many envs were closed. */
  dropIdentity(identity: string): number {
    let envs = 0;
    for (const s of [...this.sessions.values()]) {
      if (s.identity !== identity) continue;
      envs += s.open.size;
      this.drop(s, 'disconnected');
      this.log(`session ${s.key} closed: its connection dropped`);
    }
    return envs;
  }

  /** Closes every env of every session (server shutdown). */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) this.drop(s, 'closed');
  }

  private drop(s: Session, reason: ClosedReason): void {
    for (const h of s.open) this.release(this.handles.get(h)!, reason);
    s.open.clear();
    s.dropped = reason;
    this.sessions.delete(s.token);
    this.retired.set(s.token, s);
    if (this.retired.size > CLOSED_HANDLES_KEPT) this.retired.delete(this.retired.keys().next().value!);
  }

  /** Closes every open env matching `pred` (a worker that died takes its envs with it). */
  closeWhere(pred: (env: E) => boolean, reason: ClosedReason): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      for (const h of [...s.open]) {
        const e = this.handles.get(h)!;
        if (e.env !== null && pred(e.env)) {
          this.release(e, reason);
          s.open.delete(h);
          n++;
        }
      }
    }
    return n;
  }

  private release(e: HandleEntry<E>, reason: ClosedReason): void {
    e.env?.close();
    e.env = null;
    e.closedReason = reason;
    this.bytes -= e.bytes;
    this.openEnvs--;
    this.closedOrder.push(e.handle);
    // Closed handles are kept to answer SESSION_CLOSED, but not without bound.
    if (this.closedOrder.length > CLOSED_HANDLES_KEPT) this.handles.delete(this.closedOrder.shift()!);
  }

  private entry(session: Session, handle: string): HandleEntry<E> {
    const e = this.handles.get(handle);
    if (!e) throw new MfgError('MFG_ERR_SESSION_UNKNOWN_HANDLE', `no env was ever made under handle ${JSON.stringify(handle.slice(0, 64))}`, { details: { handle } });
    if (e.owner !== session.token) {
      throw new MfgError('MFG_ERR_SESSION_FORBIDDEN', `handle ${handle} belongs to another session`, { details: { handle } });
    }
    return e;
  }
}
