import { MfgError } from '../core/errors';
import { DEFAULT_TABLE_BUDGET_BYTES } from '../gym/stepping/stepping-path';
import { DEFAULT_NUM_AGENTS } from '../populations/make-population';
import { LARGE_GRID_STATES, VALIDATION_ROWS } from '../populations/generative/fit-settings';
import { ROW_SUMMARY_BYTES, summarisesRows, summaryBytes } from '../populations/generative/row-summary-cache';
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

/**
 * The table-free path (issue 7): per-agent stepping against a sample-based population simulated
 * under the default (uniform) policy. Nothing is H x S x A; what is allocated, per population:
 * the game's own S x A arrays (destinations, legal masks, one uniform policy epoch), the M x H
 * simulated agents and what a fit derives from them (examples, splits, per-axis coordinates),
 * and for the generative kind the generator (weights as float32 + float64, its bounded row
 * caches) and the TensorFlow.js runtime. Coefficients measured on CrowdModelling2D (RSS growth
 * of makeEnv at 256²-1024², H = 20-200) and rounded up.
 */
const BYTES_PER_SA_GAME = 24;
const BYTES_PER_SAMPLE = { particles: 12, generative: 64 } as const;
const BYTES_PER_STEPPING_AGENT = 256;
const TFJS_BYTES = 192 << 20;
const ROW_CACHE_BYTES = 16 << 20;
/**
 * Large grids train on count rows and score up to VALIDATION_ROWS dense rows of the widest axis
 * at each check; the tfjs wasm heap grows to hold that step's tensors and never shrinks. Float32
 * rows of that shape, times this many: measured at 1024², H = 200 (the heap was 712 MiB after a
 * make, 20 such row sets), rounded up.
 */
const VALIDATION_ROW_SETS = 20;

/** What a make asks for beyond the kwargs: the choices that decide the path and its size. */
export interface MakeShape {
  numAgents: number;
  population: string;
  meanField: string;
  /** options.policy was given (its flow is built from the H x S x A table). */
  policyGiven: boolean;
  /** Simulated agents per population (default DEFAULT_NUM_AGENTS). */
  samples?: number;
  /** The generator's widths (defaults 64 and 16) and its training minibatch (default 512). */
  hidden?: number;
  embedding?: number;
  batchSize?: number;
}

/** The bytes a make will allocate, which path it takes, and the figure an error names. */
export interface MakeEstimate {
  bytes: number;
  path: 'tables' | 'per-agent';
  figure: string;
}

/**
 * The estimate of what the chosen path really allocates: the table-free one when the env will
 * take it (the spec declares perAgent, the population is particles or generative in fixed mode
 * under the default policy, and the reward tables exceed the env's table budget, so 'auto' steps
 * per agent), else estimateEnvBytes' tables. Pure arithmetic on the declared cost: nothing is built.
 */
export function estimateMake(cost: EnvCost, shape: MakeShape): MakeEstimate {
  const { states: S, actions: A, horizon: H } = cost;
  const P = cost.populations ?? 1;
  const kind = shape.population;
  const tableFree =
    cost.perAgent === true && (kind === 'particles' || kind === 'generative') && shape.meanField === 'fixed' && !shape.policyGiven && 8 * H * S * A > DEFAULT_TABLE_BUDGET_BYTES;
  if (!tableFree) {
    const bytes = estimateEnvBytes(cost, shape.numAgents)!;
    return { bytes, path: 'tables', figure: `${H} x ${S} x ${A} (H x S x A) ~ ${mib(bytes)} MiB` };
  }
  const M = shape.samples ?? DEFAULT_NUM_AGENTS;
  let model = 0;
  if (kind === 'generative') {
    const axes = [...(cost.stateShape ?? [S]), A];
    const hidden = shape.hidden ?? 64;
    const e = shape.embedding ?? 16;
    let params = H * e;
    axes.forEach((n, k) => {
      // emb{k}_{j} (j < k), w1, b1, w2, b2 and the per-epoch bias row of axis k
      params += e * axes.slice(0, k).reduce((x, y) => x + y, 0) + e * (k + 1) * hidden + hidden + hidden * n + n + H * n;
    });
    const batch = shape.batchSize ?? 512;
    const sumAxes = axes.reduce((x, y) => x + y, 0);
    // float32 tensors of one training step: one-hots, logits, their softmax and gradients per axis, hidden layers
    const training = 4 * batch * (8 * sumAxes + 4 * hidden * axes.length);
    const contexts = Math.min(VALIDATION_ROWS, H * axes[0]!);
    const validation = S >= LARGE_GRID_STATES ? VALIDATION_ROW_SETS * 4 * contexts * Math.max(...axes) : 0;
    // Summaries are kept for rows wider than twice the hidden layer, at most one per context (t, x_<k).
    let summaries = 0;
    let contextsOfAxis = H;
    axes.forEach((n, k) => {
      if (k > 0 && summarisesRows(n, hidden)) summaries += Math.min(ROW_SUMMARY_BYTES, contextsOfAxis * summaryBytes(hidden));
      contextsOfAxis *= n;
    });
    model = P * (12 * params + 8 * H * axes[0]! + ROW_CACHE_BYTES * (axes.length - 1) + summaries) + training + validation + TFJS_BYTES;
  }
  const samples = P * BYTES_PER_SAMPLE[kind] * M * H;
  const bytes = P * BYTES_PER_SA_GAME * S * A + samples + model + BYTES_PER_STEPPING_AGENT * shape.numAgents + FIXED_BYTES;
  const figure =
    `per-agent stepping (no H x S x A table), ${kind} population of ${M} x ${H} simulated agents` +
    (kind === 'generative' ? ` and a generator ~ ${mib(model)} MiB` : '') +
    `, ${shape.numAgents} agents, S = ${S} ~ ${mib(bytes)} MiB`;
  return { bytes, path: 'per-agent', figure };
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
export function checkEnvBytes(envId: string, cost: EnvCost, bytes: number, inUse: number, budget: MemoryBudget, figure = `${cost.horizon} x ${cost.states} x ${cost.actions} (H x S x A) ~ ${mib(bytes)} MiB`): void {
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
