import { MfgError } from '../core/errors';
import type { AutoresetMode } from './modes';

// Agent status: before its first reset, inside an episode, or past its last epoch awaiting a reset.
export const NEVER_RESET = 0;
export const RUNNING = 1;
export const ENDED = 2;

/** Throws NEEDS_RESET when an agent was never reset, or ended with autoreset disabled (names up to 16). */
export function checkCanStep(status: Uint8Array, autoreset: AutoresetMode): void {
  const stuck: number[] = [];
  let count = 0;
  for (let i = 0; i < status.length; i++) {
    const st = status[i];
    if (st === NEVER_RESET || (st === ENDED && autoreset === 'disabled')) {
      if (stuck.length < 16) stuck.push(i);
      count++;
    }
  }
  if (count === 0) return;
  const never = status[stuck[0]!] === NEVER_RESET;
  throw new MfgError(
    'MFG_ERR_ENV_NEEDS_RESET',
    never
      ? `agent ${stuck[0]} was never reset: call reset() before step()`
      : `${count} agent(s) ended their episode and autoreset is disabled: reset them with reset(seed, {reset_mask})`,
    { details: { agents: stuck, count } },
  );
}
