/** The limits a server enforces and announces in hello (protocol/PROTOCOL.md §7). */
export interface ServerLimits {
  maxMessageBytes: number;
  /** Values per request (keys included) and nesting depth, checked before decoding. */
  maxMessageElements: number;
  maxMessageDepth: number;
  maxAgentsPerEnv: number;
  maxEnvsPerConnection: number;
  idleTimeoutS: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxMessageElements: 65_536,
  maxMessageDepth: 32,
  maxAgentsPerEnv: 1 << 20,
  maxEnvsPerConnection: 64,
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
    idle_timeout_s: l.idleTimeoutS,
  };
}
