import { MfgError } from '../core/errors';

/**
 * How the mean field follows the agents (DESIGN §4):
 * - `fixed`: the flow is given and never changes;
 * - `fictitious`: the env records the agents' visits and refits the flow by fictitious-play averaging;
 * - `live`: the N agents are the population (their empirical distribution is L_t).
 */
export type MeanFieldMode = 'fixed' | 'fictitious' | 'live';

/** Gymnasium 1.x `AutoresetMode` (gymnasium/vector/vector_env.py), in the protocol's spelling. */
export type AutoresetMode = 'next_step' | 'same_step' | 'disabled';

export const MEAN_FIELD_MODES: readonly MeanFieldMode[] = ['fixed', 'fictitious', 'live'];
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next_step', 'same_step', 'disabled'];

export function checkMeanFieldMode(x: unknown): MeanFieldMode {
  if (MEAN_FIELD_MODES.includes(x as MeanFieldMode)) return x as MeanFieldMode;
  throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `meanField must be one of ${MEAN_FIELD_MODES.join(', ')}, got ${JSON.stringify(x)}`, {
    details: { option: 'meanField', value: String(x) },
  });
}

export function checkAutoresetMode(x: unknown): AutoresetMode {
  if (AUTORESET_MODES.includes(x as AutoresetMode)) return x as AutoresetMode;
  throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `autoreset must be one of ${AUTORESET_MODES.join(', ')}, got ${JSON.stringify(x)}`, {
    details: { option: 'autoreset', value: String(x) },
  });
}
