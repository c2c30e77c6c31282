import * as os from 'node:os';

/** The limits a server enforces and announces in hello (protocol/PROTOCOL.md §7). */
export interface ServerLimits {
  maxMessageBytes: number;
  /** Values per request (keys included) and nesting depth, checked before decoding. */
  maxMessageElements: number;
  maxMessageDepth: number;
  maxAgentsPerEnv: number;
  maxEnvsPerConnection: number;
  /** Open envs across every connection. */
  maxEnvsTotal: number;
  /** Sessions (hellos not yet closed or expired) across every connection. */
  maxSessions: number;
  /** Estimated bytes of one env (from its spec's declared cost), and of all open envs. */
  maxEnvBytes: number;
  maxTotalBytes: number;
  /** Requests of one connection received and not yet answered; more get MFG_ERR_SESSION_BUSY. */
  maxInFlight: number;
  /** Deadlines of a make and of any other env request run in a worker (seconds). */
  makeDeadlineS: number;
  requestDeadlineS: number;
  idleTimeoutS: number;
}

const GiB = 1024 * 1024 * 1024;
/** Half the machine's memory, at most 8 GiB: the default for all envs together. */
const totalDefault = Math.min(8 * GiB, Math.floor(os.totalmem() / 2));

export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxMessageElements: 65_536,
  maxMessageDepth: 32,
  maxAgentsPerEnv: 1 << 20,
  maxEnvsPerConnection: 64,
  maxEnvsTotal: 1024,
  maxSessions: 4096,
  maxEnvBytes: Math.min(2 * GiB, totalDefault),
  maxTotalBytes: totalDefault,
  maxInFlight: 1024,
  makeDeadlineS: 600,
  requestDeadlineS: 120,
  idleTimeoutS: 600,
};

/** The wire form (snake_case) of the limits. */
export function limitsToWire(l: ServerLimits): Record<string, number> {
  return {
    max_message_bytes: l.maxMessageBytes,
    max_message_elements: l.maxMessageElements,
    max_message_depth: l.maxMessageDepth,
    max_agents_per_env: l.maxAgentsPerEnv,
    max_envs_per_connection: l.maxEnvsPerConnection,
    max_envs_total: l.maxEnvsTotal,
    max_sessions: l.maxSessions,
    max_env_bytes: l.maxEnvBytes,
    max_total_bytes: l.maxTotalBytes,
    max_in_flight: l.maxInFlight,
    make_deadline_s: l.makeDeadlineS,
    request_deadline_s: l.requestDeadlineS,
    idle_timeout_s: l.idleTimeoutS,
  };
}
