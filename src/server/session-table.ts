import { MfgError } from '../core/errors';
import type { MfgVectorEnv } from '../gym/vector-env';

/** One connection (one ROUTER identity) and the handles it made. */
export interface Session {
  readonly key: string;
  lastSeen: number;
  /** Handles of this session whose env is still open. */
  readonly open: Set<string>;
}

/** What a handle points to: its owner, and its env until closed. */
export interface HandleEntry {
  readonly handle: string;
  readonly owner: string;
  readonly envId: string;
  env: MfgVectorEnv | null;
  closedReason: 'closed' | 'idle' | null;
}

/**
 * Sessions keyed by connection identity, and every handle ever issued (closed ones are kept, a
 * few bytes each, so a late request on them gets MFG_ERR_SESSION_CLOSED rather than "unknown").
 */
export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private readonly handles = new Map<string, HandleEntry>();
  private counter = 0;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** The session of a connection, opened on its first request. */
  touch(key: string, now: number): Session {
    let s = this.sessions.get(key);
    if (!s) {
      s = { key, lastSeen: now, open: new Set() };
      this.sessions.set(key, s);
      this.log(`session ${key} opened`);
    }
    s.lastSeen = now;
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  add(session: Session, env: MfgVectorEnv, envId: string): string {
    const handle = `h${++this.counter}`;
    this.handles.set(handle, { handle, owner: session.key, envId, env, closedReason: null });
    session.open.add(handle);
    return handle;
  }

  /**
   * The open env behind a handle of this session: never issued → UNKNOWN_HANDLE, another
   * session's → FORBIDDEN, closed or expired → CLOSED.
   */
  env(session: Session, handle: string): MfgVectorEnv {
    const e = this.entry(session, handle);
    if (e.env === null) {
      throw new MfgError('MFG_ERR_SESSION_CLOSED', `handle ${handle} was closed${e.closedReason === 'idle' ? ' when its session idled out' : ''}`, {
        details: { handle, reason: e.closedReason ?? 'closed' },
      });
    }
    return e.env;
  }

  /** Idempotent close of a handle this session made. */
  close(session: Session, handle: string): void {
    const e = this.entry(session, handle);
    if (e.env !== null) {
      e.env.close();
      e.env = null;
      e.closedReason = 'closed';
      session.open.delete(handle);
      this.log(`session ${session.key} closed ${handle} (${e.envId})`);
    }
  }

  /** Closes and forgets the sessions idle for longer than timeoutMs; returns their keys. */
  expireIdle(now: number, timeoutMs: number): string[] {
    const expired: string[] = [];
    for (const s of this.sessions.values()) {
      if (now - s.lastSeen < timeoutMs) continue;
      this.drop(s, 'idle');
      expired.push(s.key);
      this.log(`session ${s.key} expired after ${Math.round((now - s.lastSeen) / 1000)} s idle`);
    }
    return expired;
  }

  /** Closes every env of every session (server shutdown). */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) this.drop(s, 'closed');
  }

  private drop(s: Session, reason: 'closed' | 'idle'): void {
    for (const h of s.open) {
      const e = this.handles.get(h)!;
      e.env?.close();
      e.env = null;
      e.closedReason = reason;
    }
    s.open.clear();
    this.sessions.delete(s.key);
  }

  private entry(session: Session, handle: string): HandleEntry {
    const e = this.handles.get(handle);
    if (!e) throw new MfgError('MFG_ERR_SESSION_UNKNOWN_HANDLE', `no env was ever made under handle ${JSON.stringify(handle)}`, { details: { handle } });
    if (e.owner !== session.key) {
      throw new MfgError('MFG_ERR_SESSION_FORBIDDEN', `handle ${handle} belongs to another connection`, { details: { handle } });
    }
    return e;
  }
}
