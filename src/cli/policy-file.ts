import * as fs from 'node:fs';
import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { toTabular, type PolicySource } from '../core/streaming/index';
import { checkPolicy, type TabularPolicy } from '../core/tabular/index';
import { isBinaryPolicyFile, readBinaryPolicyFile, writeBinaryPolicyFile } from './binary-policy-file';

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
 *
 * Large policies go to the binary format instead (binary-policy-file.ts: the same header, raw
 * float64 blocks): savePolicy picks it by extension (.mfgpol, .bin) or, for any other name, when
 * the policy holds more than JSON_POLICY_MAX_VALUES numbers. readPolicyFile reads both, whatever
 * the name, by the file's first bytes.
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
 * Above this many values a policy is written in binary unless the name ends in .json: about
 * 20 MB of JSON text, far below V8's string limit (~512 MB, what 512² × H = 50 × 5 actions passes).
 */
export const JSON_POLICY_MAX_VALUES = 1 << 20;

export type PolicyEncoding = 'json' | 'binary';

/** The encoding savePolicy uses for a file name and a policy size. */
export function policyEncodingFor(file: string, values: number): PolicyEncoding {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.(mfgpol|bin)$/i.test(file)) return 'binary';
  return values > JSON_POLICY_MAX_VALUES ? 'binary' : 'json';
}

/** Writes a policy file in the encoding its name and size call for; returns which one. */
export function savePolicy(file: string, game: FiniteGame, env: string, kwargs: Record<string, unknown>, policy: TabularPolicy | PolicySource, meta?: Record<string, unknown>): PolicyEncoding {
  const values = game.populations.reduce((n, pop) => n + game.horizon * pop.numStates * pop.numActions, 0);
  const encoding = policyEncodingFor(file, values);
  try {
    if (encoding === 'binary') writeBinaryPolicyFile(file, game, env, kwargs, policy, meta);
    else writePolicyFile(file, policyToFile(game, env, kwargs, Array.isArray(policy) ? policy : toTabular(game, policy as PolicySource), meta));
  } catch (e) {
    if (e instanceof MfgError) throw e;
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `cannot write policy file ${file}: ${(e as Error).message}`, { cause: e, details: { file, encoding } });
  }
  return encoding;
}

/**
 * Reads and checks a policy file for a game: the format, that it was written for the same env
 * id, the shapes, and that every row is a distribution over legal actions.
 */
export function readPolicyFile(file: string, game: FiniteGame, env: string): { policy: TabularPolicy; content: PolicyFile } {
  const bad = (what: string): MfgError =>
    new MfgError('MFG_ERR_POLICY_BAD_FILE', `policy file ${file}: ${what} (expected the "${POLICY_FORMAT}" format written by --policy-out)`, { details: { file } });
  let text: string;
  try {
    if (isBinaryPolicyFile(file)) {
      const { header, policy } = readBinaryPolicyFile(file, bad);
      checkHeader(header, env, bad);
      checkPolicy(game, policy);
      // The content without its data arrays (the values are in `policy`).
      return { policy, content: { ...header, populations: header.populations.map((pop) => ({ ...pop, data: [] })) } as unknown as PolicyFile };
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MfgError) throw e;
    throw new MfgError('MFG_ERR_POLICY_BAD_FILE', `cannot read policy file ${file}: ${(e as Error).message}`, { cause: e, details: { file } });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MfgError('MFG_ERR_POLICY_BAD_FILE', `policy file ${file} is not JSON: ${(e as Error).message}`, { cause: e, details: { file } });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('not a JSON object');
  const d = doc as Partial<PolicyFile>;
  checkHeader(d, env, bad);
  if (!Array.isArray(d.populations)) throw bad('"populations" is missing or not an array');
  const policy = d.populations.map((pop, p) => {
    if (typeof pop !== 'object' || pop === null || !Array.isArray(pop.data)) throw bad(`populations[${p}].data is missing or not an array`);
    if (!pop.data.every((v) => typeof v === 'number')) throw bad(`populations[${p}].data holds a value that is not a number`);
    return Float64Array.from(pop.data);
  });
  checkPolicy(game, policy);
  return { policy, content: d as PolicyFile };
}

/** The header fields both encodings share: format, version, env. */
function checkHeader(d: { format?: unknown; version?: unknown; env?: unknown }, env: string, bad: (what: string) => MfgError): void {
  if (d.format !== POLICY_FORMAT) throw bad(`format is ${JSON.stringify(d.format)}`);
  if (d.version !== 1) throw bad(`version ${JSON.stringify(d.version)} is not supported (only 1)`);
  if (d.env !== env) throw bad(`it was written for ${JSON.stringify(d.env)}, not ${env}`);
}
