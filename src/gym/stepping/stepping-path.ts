import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';

/** How an env evaluates a step: reward tables read by index, or the game asked per agent. */
export type SteppingPath = 'table' | 'per-agent';
export type SteppingChoice = 'auto' | SteppingPath;

/** Default bytes the reward tables may take before 'auto' steps per agent. */
export const DEFAULT_TABLE_BUDGET_BYTES = 256 * 1024 * 1024;

export interface SteppingReport {
  path: SteppingPath;
  /** Bytes the reward tables r_t(s, a), t = 0..H-1, take (or would take) for the agents' population. */
  tableBytes: number;
  budgetBytes: number;
  /** Whether the game can be stepped per agent (rewardAt, and dynamics that ignore the mean field). */
  perAgentSupported: boolean;
}

/** Per-agent stepping needs r_t(s, a) from state masses (rewardAt) and a kernel that ignores L. */
export function supportsPerAgent(game: FiniteGame): boolean {
  return game.rewardAt !== undefined && !game.dynamicsDependOnMeanField;
}

/**
 * The path of an env of population p: forced by `choice`, or on 'auto' tables while their
 * H·S·A doubles fit the budget (or when the game cannot be stepped per agent), else per agent.
 */
export function chooseStepping(game: FiniteGame, p: number, choice: SteppingChoice = 'auto', budgetBytes = DEFAULT_TABLE_BUDGET_BYTES): SteppingReport {
  if (!['auto', 'table', 'per-agent'].includes(choice)) {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `stepping must be auto, table or per-agent, got ${JSON.stringify(choice)}`, { details: { option: 'stepping', value: String(choice) } });
  }
  if (!(budgetBytes >= 0) || !Number.isFinite(budgetBytes)) {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `tableBudgetBytes must be a non-negative number, got ${budgetBytes}`, { details: { option: 'table_budget_bytes', value: String(budgetBytes) } });
  }
  const pop = game.populations[p]!;
  const tableBytes = game.horizon * pop.numStates * pop.numActions * 8;
  const perAgentSupported = supportsPerAgent(game);
  if (choice === 'per-agent' && !perAgentSupported) {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', 'per-agent stepping needs a game with rewardAt whose dynamics ignore the mean field', {
      details: { option: 'stepping', hasRewardAt: game.rewardAt !== undefined, dynamicsDependOnMeanField: game.dynamicsDependOnMeanField },
    });
  }
  const path: SteppingPath = choice !== 'auto' ? choice : tableBytes <= budgetBytes || !perAgentSupported ? 'table' : 'per-agent';
  return { path, tableBytes, budgetBytes, perAgentSupported };
}
