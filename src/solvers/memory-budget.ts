import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';

/**
 * Which evaluation a memory budget affords (issue 7), cheapest last:
 * - 'table': the solver's and evaluatePolicy's tables (TABLE_PATH_TABLES of H·S·A float64 per population);
 * - 'streaming': the exact forward state marginals (H·S float64) and one epoch of working tables;
 * - 'estimated': neither fits; a best response against the learned flow, evaluated by Monte Carlo.
 */
export type EvaluationPath = 'table' | 'streaming' | 'estimated';

/** 2 GiB: a quarter of a small machine, and the server budget. */
export const DEFAULT_MEMORY_BUDGET = 2 * 2 ** 30;

/**
 * Tables of H·S·A float64 the table path holds at its peak: the policy, its flow, Q* and Q^pi,
 * the solver's best response, its flow and the next policy, and V8's garbage not yet collected
 * (`mfgym solve` fp at 512², H = 50 peaked at 5.8 GB RSS, 11 tables of 524 MB).
 */
export const TABLE_PATH_TABLES = 12;

/** Bytes of the table path (solver and its exact evaluation). */
export function tableBytes(game: FiniteGame): number {
  return game.populations.reduce((n, pop) => n + TABLE_PATH_TABLES * 8 * game.horizon * pop.numStates * pop.numActions, 0);
}

/** Bytes of the exact streaming evaluation: the marginals, plus eight epoch buffers. */
export function streamingBytes(game: FiniteGame): number {
  return game.populations.reduce((n, pop) => n + 8 * game.horizon * pop.numStates + 8 * 8 * pop.numStates * pop.numActions, 0);
}

/** The most exact path within the budget. */
export function evaluationPath(game: FiniteGame, budget: number): EvaluationPath {
  if (tableBytes(game) <= budget) return 'table';
  if (streamingBytes(game) <= budget) return 'streaming';
  return 'estimated';
}

/** "2G", "512M", "64k" or a plain number of bytes (binary units), checked at the edge. */
export function parseMemoryBudget(text: string, flag = '--memory-budget'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)i?[bB]?\s*$/.exec(text);
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[(m?.[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const v = m ? Number(m[1]) * unit : Number.NaN;
  if (!(Number.isFinite(v) && v > 0)) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `${flag} ${JSON.stringify(text)} is not a size (e.g. 2G, 512M, or bytes)`, { details: { flag, value: text } });
  }
  return Math.floor(v);
}
