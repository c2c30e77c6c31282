import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Router } from 'zeromq';
import { MfgError, toMfgError } from '../core/errors';
import { MAX_SEED } from '../core/rng';
import { decodeFrame, encodeFrame, isMap } from './codec';
import type { HandlerContext } from './handler-context';
import { HANDLERS } from './handlers/index';
import { DEFAULT_LIMITS, type ServerLimits } from './limits';
import { PROTOCOL_VERSION, checkProtocolVersion } from './protocol-version';
import { OPS, RequestValidator, packageRoot } from './request-validator';
import { SessionTable } from './session-table';
import { registerBuiltinEnvs } from '../../envs/index';

export interface ServerOptions {
  /** ZeroMQ endpoint; loopback by default. tcp://127.0.0.1:0 picks a free port (see `endpoint`). */
  bind?: string;
  limits?: Partial<ServerLimits>;
  /** One line per session event (default: stderr). */
  log?: (line: string) => void;
  /** Register the built-in environments (default true; idempotent). */
  registerBuiltins?: boolean;
}

export const DEFAULT_BIND = 'tcp://127.0.0.1:5555';
const MAX_MESSAGE_SLACK = 64 * 1024;

/**
 * The mfgym gym server: one ROUTER socket, one `for await` receive loop, every request decoded,
 * checked against the protocol's schemas and answered (a result or a typed error) before the
 * next one; sessions keyed by connection identity own their handles.
 */
export class MfgServer {
  readonly limits: Readonly<ServerLimits>;
  readonly sessions: SessionTable;
  private readonly validator: RequestValidator;
  private readonly log: (line: string) => void;
  private readonly version: string;
  private sock: Router | null = null;
  private loopDone: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** Requests answered so far (any outcome). */
  requests = 0;

  constructor(private readonly options: ServerOptions = {}) {
    if (os.endianness() !== 'LE') throw new MfgError('MFG_ERR_INTERNAL', 'the wire arrays are little-endian; this host is big-endian');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.log = options.log ?? ((line) => process.stderr.write(`mfgym serve: ${line}\n`));
    this.sessions = new SessionTable(this.log);
    this.validator = new RequestValidator();
    this.version = packageVersion();
    if (options.registerBuiltins ?? true) registerBuiltinEnvs();
  }

  /** Binds and starts the receive loop; resolves to the bound endpoint. */
  async start(): Promise<string> {
    // zeromq is a native addon: loaded when a server starts, not when 'mfgym' is imported.
    const { Router: RouterSocket } = await import('zeromq');
    // ZMQ_MAXMSGSIZE: libzmq stops reading (and drops the connection) at a frame header declaring
    // more than this, so a 100 MB frame is never read whole. The 64 KiB of slack keep the typed
    // MFG_ERR_PROTOCOL_TOO_LARGE reply for frames just over max_message_bytes.
    const sock = new RouterSocket({ maxMessageSize: this.limits.maxMessageBytes + MAX_MESSAGE_SLACK });
    const bind = this.options.bind ?? DEFAULT_BIND;
    await sock.bind(bind);
    this.sock = sock;
    this.loopDone = this.loop(sock);
    const every = Math.max(50, Math.min(1000, (this.limits.idleTimeoutS * 1000) / 4));
    this.idleTimer = setInterval(() => this.sessions.expireIdle(Date.now(), this.limits.idleTimeoutS * 1000), every);
    this.idleTimer.unref();
    const endpoint = sock.lastEndpoint ?? bind;
    this.log(`listening on ${endpoint} (protocol ${PROTOCOL_VERSION})`);
    return endpoint;
  }

  get endpoint(): string | null {
    return this.sock?.lastEndpoint ?? null;
  }

  private async loop(sock: Router): Promise<void> {
    try {
      for await (const [identity, ...frames] of sock) {
        const reply = await this.handleMessage(identity!, frames);
        try {
          await sock.send([identity!, reply]);
        } catch (e) {
          // The peer vanished or the socket is closing: nothing to answer to, the loop carries on.
          if (this.stopping) break;
          this.log(`could not reply to ${identity!.toString('hex')}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } catch (e) {
      if (!this.stopping) this.log(`receive loop stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * One request to one encoded reply; never throws. Exposed so tests can drive the dispatcher
   * without sockets.
   */
  async handleMessage(identity: Buffer, frames: Buffer[]): Promise<Buffer> {
    this.requests++;
    let id: number | null = null;
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
      const msg = decodeFrame(frame, { maxElements: this.limits.maxMessageElements, maxDepth: this.limits.maxMessageDepth });
      if (!isMap(msg)) {
        throw new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `a request is a msgpack map, got ${describe(msg)}`, { details: { got: describe(msg) } });
      }
      const rawId = msg.id;
      if (typeof rawId === 'number' && Number.isInteger(rawId) && rawId >= 0 && rawId <= MAX_SEED) id = rawId;
      this.validator.checkEnvelope(msg);
      checkProtocolVersion(msg.v as string);
      const op = msg.op as string;
      if (!this.validator.isOp(op)) {
        throw new MfgError('MFG_ERR_PROTOCOL_UNKNOWN_OP', `unknown op ${JSON.stringify(op.slice(0, 64))}; known ops: ${OPS.join(', ')}`, {
          details: { op: op.slice(0, 64), known: [...OPS] },
        });
      }
      this.validator.checkRequest(op, msg);
      const ctx: HandlerContext = {
        session: this.sessions.touch(identity.toString('hex'), Date.now()),
        sessions: this.sessions,
        limits: this.limits,
        serverVersion: this.version,
        log: this.log,
      };
      const result = await HANDLERS[op](msg, ctx);
      return encodeFrame({ v: PROTOCOL_VERSION, id, ok: true, result });
    } catch (e) {
      const err = toMfgError(e);
      if (err.code === 'MFG_ERR_INTERNAL') this.log(`internal error answering ${identity.toString('hex')}: ${err.message}`);
      return encodeFrame({ v: PROTOCOL_VERSION, id, ok: false, error: { code: err.code, message: err.message, details: jsonSafe(err.details) } });
    }
  }

  /** Stops the loop, closes every env and the socket. Safe to call twice. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.sessions.closeAll();
    this.sock?.close();
    await this.loopDone;
    this.log('closed');
  }
}

function describe(x: unknown): string {
  if (x === null) return 'nil';
  if (Array.isArray(x)) return 'an array';
  if (x instanceof Uint8Array) return 'bin';
  return typeof x;
}

/** Details go on the wire as msgpack: drop what msgpack cannot carry faithfully (functions, bigints, undefined). */
function jsonSafe(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details, (_k, v) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
