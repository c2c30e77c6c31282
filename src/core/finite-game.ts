/**
 * The finite mean-field game model (DESIGN §1): epochs t = 0..H-1, one or more populations,
 * rewards at every epoch including the last, transitions for t < H-1, both depending on the
 * joint state-action mean field L_t of every population.
 *
 * Conventions shared by every kernel:
 * - a population's tables are flat Float64Arrays indexed row-major: L_t[s*A + a];
 * - time-indexed tables (policies, flows, Q) stack epochs: X[t*S*A + s*A + a];
 * - multi-dimensional states (grids) are flattened row-major (see MultiDiscrete.flatten).
 */

/**
 * One epoch's transition kernel in compressed sparse rows: row r = s*A + a lists the next
 * states `next[rowStart[r] .. rowStart[r+1])` with probabilities `prob[...]` (summing to 1).
 * Grid games have a handful of entries per row, so a 200x200 grid stays cheap.
 */
export interface SparseKernel {
  readonly numRows: number;
  readonly rowStart: Int32Array;
  readonly next: Int32Array;
  readonly prob: Float64Array;
}

/**
 * One row P_t(. | s, a) of a kernel, as a view: entries [start, end) of next/prob. Games return
 * a reused object (valid until their next call), so a caller copies what it keeps.
 */
export interface KernelRow {
  readonly next: Int32Array;
  readonly prob: Float64Array;
  readonly start: number;
  readonly end: number;
}

/** L_t of every population at one epoch (each S_p*A_p, joint (s, a), row-major). */
export type MeanFieldAt = readonly Float64Array[];

/** The static description of one population. */
export interface FinitePopulation {
  readonly name: string;
  readonly numStates: number;
  readonly numActions: number;
  /** [numStates] or the grid dimensions whose row-major flattening gives the state index. */
  readonly stateShape: readonly number[];
  /** [numActions] or the factors of a composite action (row-major). */
  readonly actionShape: readonly number[];
  /** Initial state distribution mu_0 (length numStates, sums to 1). */
  readonly mu0: Float64Array;
  /** legal[s*A + a] = 1 where a is legal at s; null when every action is legal everywhere. */
  readonly legal: Uint8Array | null;
  /**
   * The game's own no-op (e.g. `stay`), legal in every state: what the gym env steps instead of
   * an action that is illegal in the agent's state (src/gym/illegal-actions.ts). Optional.
   */
  readonly noopAction?: number;
  readonly stateLabels?: readonly string[];
  readonly actionLabels?: readonly string[];
}

/**
 * What a game may ask of a population about one epoch when it scores a single agent, without
 * a full table (used by sampled and generative populations over large spaces).
 */
export interface MeanFieldQuery {
  /** mu_t(s) of population p. */
  stateMass(p: number, s: number): number;
}

export interface FiniteGame {
  readonly kind: 'finite';
  readonly horizon: number;
  readonly populations: readonly FinitePopulation[];
  /** False when transition() ignores L: kernels may then be computed once per epoch and reused. */
  readonly dynamicsDependOnMeanField: boolean;
  /** Writes r_t(s, a; L_t) of population p into out (length S_p*A_p). */
  reward(p: number, t: number, L: MeanFieldAt, out: Float64Array): void;
  /** P_t(. | s, a; L_t) of population p, for t < horizon - 1. */
  transition(p: number, t: number, L: MeanFieldAt): SparseKernel;
  /**
   * Optional: r_t(s, a) of one agent where the reward depends on the mean field only through
   * per-state masses. Games that define it can be scored against populations that never
   * materialise a table; it must agree with reward().
   */
  rewardAt?(p: number, t: number, s: number, a: number, q: MeanFieldQuery): number;
  /**
   * Optional, for games whose dynamics ignore the mean field: the row s*A + a of
   * transition(p, t, ·), the same entries in the same order, computed for one (s, a). An env
   * stepping agents one by one then never builds the S·A-row kernel (5·10^6 rows at 1024²).
   */
  transitionRow?(p: number, t: number, s: number, a: number): KernelRow;
}
