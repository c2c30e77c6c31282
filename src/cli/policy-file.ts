import * as fs from 'node:fs';
import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { checkPolicy, type TabularPolicy } from '../core/tabular/index';

/**
 * The policy file (`--policy-out` writes it, `--policy` reads it), JSON:
 *
 *   {
 *     "format": "mfgym-policy", "version": 1,
 *     "env": "LeftRight-v0", "kwargs": { ...the env's resolved kwargs },
 *     "horizon": 2,
 *     "populations": [
 *       { "name": "agents", "numStates": 3, "numActions": 2, "shape": [2, 3, 2],
 *         "data": [ pi_t(a|s) flattened row-major over (t, s, a): H*S*A numbers ] }
 *     ],
 *     "meta": { ...optional: what produced it (algo, params, exploitability) }
 *   }
 *
 * Rows are probability distributions over the legal actions (checked with checkPolicy on
 * load); grid states are flattened row-major as everywhere in mfgym. JSON numbers round-trip
 * float64 exactly, so a saved policy evaluates to the same exploitability bit for bit.
 */
export interface PolicyFile {
  format: 'mfgym-policy';
  version: 1;
  env: string;
  kwargs: Record<string, unknown>;
  horizon: number;
  populations: { name: string; numStates: number; numActions: number; shape: [number, number, number]; data: number[] }[];
  meta?: Record<string, unknown>;
}

export const POLICY_FORMAT = 'mfgym-policy';

export function policyToFile(game: FiniteGame, env: string, kwargs: Record<string, unknown>, policy: TabularPolicy, meta?: Record<string, unknown>): PolicyFile {
  return {
    format: POLICY_FORMAT,
    version: 1,
    env,
    kwargs,
    horizon: game.horizon,
    populations: game.populations.map((pop, p) => ({
      name: pop.name,
      numStates: pop.numStates,
      numActions: pop.numActions,
      shape: [game.horizon, pop.numStates, pop.numActions],
      data: Array.from(policy[p]!),
    })),
    ...(meta ? { meta } : {}),
  };
}

export function writePolicyFile(file: string, content: PolicyFile): void {
  fs.writeFileSync(file, `${JSON.stringify(content)}\n`);
}

/**
 * Reads and checks a policy file for a game: the format, that it was written for the same env
 * id, the shapes, and that every row is a distribution over legal actions.
 */
export function readPolicyFile(file: string, game: FiniteGame, env: string): { policy: TabularPolicy; content: PolicyFile } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new MfgError('MFG_ERR_POLICY_BAD_FILE', `cannot read policy file ${file}: ${(e as Error).message}`, { cause: e, details: { file } });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MfgError('MFG_ERR_POLICY_BAD_FILE', `policy file ${file} is not JSON: ${(e as Error).message}`, { cause: e, details: { file } });
  }
  const bad = (what: string): MfgError =>
    new MfgError('MFG_ERR_POLICY_BAD_FILE', `policy file ${file}: ${what} (expected the "${POLICY_FORMAT}" format written by --policy-out)`, { details: { file } });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('not a JSON object');
  const d = doc as Partial<PolicyFile>;
  if (d.format !== POLICY_FORMAT) throw bad(`format is ${JSON.stringify(d.format)}`);
  if (d.version !== 1) throw bad(`version ${JSON.stringify(d.version)} is not supported (only 1)`);
  if (d.env !== env) throw bad(`it was written for ${JSON.stringify(d.env)}, not ${env}`);
  if (!Array.isArray(d.populations)) throw bad('"populations" is missing or not an array');
  const policy = d.populations.map((pop, p) => {
    if (typeof pop !== 'object' || pop === null || !Array.isArray(pop.data)) throw bad(`populations[${p}].data is missing or not an array`);
    if (!pop.data.every((v) => typeof v === 'number')) throw bad(`populations[${p}].data holds a value that is not a number`);
    return Float64Array.from(pop.data);
  });
  checkPolicy(game, policy);
  return { policy, content: d as PolicyFile };
}
