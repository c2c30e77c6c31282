import { MfgError } from '../core/errors';
import type { EnvCost } from '../registry/env-spec';
import { resolveKwargs, spec as lookup } from '../registry/registry';

/**
 * Bytes per H x S x A entry and per S x A x branching transition entry, measured on the
 * built-in games (RSS growth of makeEnv: 27-43 B per HSA entry for CrowdModelling2D, Garnet,
 * PeriodicAversion) and rounded up, plus per-agent state and a fixed overhead.
 */
const BYTES_PER_HSA = 40;
const BYTES_PER_TRANSITION = 16;
const BYTES_PER_AGENT = 64;
const FIXED_BYTES = 1 << 20;

/** The estimated bytes of one env, or null when its spec declares no cost. */
export function estimateEnvBytes(cost: EnvCost | null, numAgents: number): number | null {
  if (cost === null) return null;
  const { states: S, actions: A, horizon: H } = cost;
  const B = cost.branching ?? A;
  const P = cost.populations ?? 1;
  return P * (BYTES_PER_HSA * H * S * A + BYTES_PER_TRANSITION * S * A * B) + BYTES_PER_AGENT * numAgents + FIXED_BYTES;
}

/** The cost an env's spec declares for these (raw) kwargs, after schema validation and defaults. */
export function declaredCost(envId: string, kwargs: Record<string, unknown>): EnvCost | null {
  const s = lookup(envId);
  if (s.cost === undefined) return null;
  return s.cost(resolveKwargs(envId, kwargs));
}

/** The memory the live envs of the server may hold: per env and in total (announced in hello). */
export interface MemoryBudget {
  maxEnvBytes: number;
  maxTotalBytes: number;
}

/**
 * MFG_ERR_SESSION_LIMIT naming the figure when an env of `bytes` would not fit (checked before
 * the game is built, so a `size: 3000` grid never allocates).
 */
export function checkEnvBytes(envId: string, cost: EnvCost, bytes: number, inUse: number, budget: MemoryBudget): void {
  const figure = `${cost.horizon} x ${cost.states} x ${cost.actions} (H x S x A) ~ ${mib(bytes)} MiB`;
  if (bytes > budget.maxEnvBytes) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `${envId} with these kwargs needs ${figure}, over this server's max_env_bytes ${mib(budget.maxEnvBytes)} MiB`, {
      details: { limit: 'max_env_bytes', value: bytes, max: budget.maxEnvBytes, states: cost.states, actions: cost.actions, horizon: cost.horizon },
    });
  }
  if (inUse + bytes > budget.maxTotalBytes) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `${envId} needs ${figure}; the server's envs already hold ${mib(inUse)} MiB of max_total_bytes ${mib(budget.maxTotalBytes)} MiB`, {
      details: { limit: 'max_total_bytes', value: inUse + bytes, max: budget.maxTotalBytes, in_use: inUse },
    });
  }
}

function mib(b: number): string {
  return (b / (1 << 20)).toFixed(b < 10 << 20 ? 1 : 0);
}
