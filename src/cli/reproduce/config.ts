import * as fs from 'node:fs';
import * as path from 'node:path';
import { MfgError } from '../../core/errors';

/**
 * A reproduce config: one JSON file that says which run to make (env, kwargs, solver, params,
 * iterations, seed) and which published figures the run must land on, each with its source.
 * Shipped configs live in src/cli/reproduce/configs/ (listed in package.json "files"); adding
 * one is adding a file there.
 */
export interface ReproduceConfig {
  /** The file name without .json; how `mfgym reproduce NAME` finds a shipped config. */
  name: string;
  title: string;
  description: string;
  env: string;
  kwargs: Record<string, unknown>;
  /** "solver": an exact solver run; "lq-closed-form": particles under the LQ closed-form control. */
  kind: 'solver' | 'lq-closed-form';
  algo?: string;
  params?: Record<string, unknown>;
  iterations?: number;
  /** Stop once the exploitability is <= tol (MFGLib's atol + rtol·expl_0 rule, precomputed). */
  tol?: number;
  /** "uniform" or a policy file, relative to the config's directory. */
  initialPolicy?: string;
  /** lq-closed-form: number of simulated agents. */
  samples?: number;
  seed: number;
  /** Part of the CI suite (a few seconds at most); the others run with MFGYM_REPRODUCE_ALL=1. */
  fast: boolean;
  references: Reference[];
}

export type Quantity = 'exploitability' | 'policyValue' | 'bestResponseValue' | 'actionProbability' | 'stateMass' | 'mean' | 'variance';

export interface Reference {
  quantity: Quantity;
  /** exploitability/policyValue/bestResponseValue: which iterate (default: the last one). */
  iteration?: number;
  population?: number;
  epoch?: number;
  state?: number;
  action?: number;
  value: number;
  /** |obtained - value| <= tolerance is a match. */
  tolerance: number;
  /** false when the source's game or convention differs: shown side by side, never judged. */
  comparable?: boolean;
  /** Where the number comes from: a URL and file, or a derivation. */
  source: string;
  note?: string;
}

const QUANTITIES: readonly Quantity[] = ['exploitability', 'policyValue', 'bestResponseValue', 'actionProbability', 'stateMass', 'mean', 'variance'];

/** The package root (dist/src/cli/reproduce -> four levels up; src/cli/reproduce under ts-node -> three). */
function packageRoot(): string {
  for (const up of ['../../../..', '../../..']) {
    const dir = path.resolve(__dirname, up);
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'src/cli/reproduce/configs'))) return dir;
  }
  return path.resolve(__dirname, '../../../..');
}

export function shippedConfigDir(): string {
  return path.join(packageRoot(), 'src/cli/reproduce/configs');
}

export function shippedConfigNames(): string[] {
  return fs
    .readdirSync(shippedConfigDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A shipped config by name, or a JSON file by path. Returns the config and the file it came from. */
export function loadConfig(spec: string): { config: ReproduceConfig; file: string } {
  const shipped = path.join(shippedConfigDir(), `${spec}.json`);
  const file = fs.existsSync(shipped) && !spec.includes('/') ? shipped : path.resolve(spec);
  if (!fs.existsSync(file)) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `no reproduce config ${JSON.stringify(spec)}: not a shipped config (${shippedConfigNames().join(', ')}) nor a file`, {
      details: { config: spec },
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `reproduce config ${file} is not valid JSON: ${(e as Error).message}`, { cause: e, details: { file } });
  }
  return { config: checkConfig(raw, path.basename(file, '.json'), file), file };
}

function bad(file: string, what: string): MfgError {
  return new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `reproduce config ${file}: ${what}`, { details: { file } });
}

/** Checks the shape at the edge, with messages that name the field; defaults filled in. */
export function checkConfig(raw: unknown, name: string, file: string): ReproduceConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(file, 'expected a JSON object');
  const o = raw as Record<string, unknown>;
  const str = (k: string, required = true): string | undefined => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') throw bad(file, `"${k}" must be a non-empty string`);
    return v;
  };
  const num = (k: string, integer: boolean): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 0))) throw bad(file, `"${k}" must be a ${integer ? 'non-negative integer' : 'finite number'}`);
    return v;
  };
  const kind = o['kind'] ?? 'solver';
  if (kind !== 'solver' && kind !== 'lq-closed-form') throw bad(file, `"kind" must be "solver" or "lq-closed-form", got ${JSON.stringify(kind)}`);
  const kwargs = o['kwargs'] ?? {};
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw bad(file, '"kwargs" must be an object');
  const params = o['params'] ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw bad(file, '"params" must be an object');
  if (!Array.isArray(o['references'])) throw bad(file, '"references" must be an array (possibly empty)');
  const references = (o['references'] as unknown[]).map((r, i) => checkReference(r, `${file} references[${i}]`));
  const config: ReproduceConfig = {
    name,
    title: str('title')!,
    description: str('description')!,
    env: str('env')!,
    kwargs: kwargs as Record<string, unknown>,
    kind,
    params: params as Record<string, unknown>,
    seed: num('seed', true) ?? 0,
    fast: o['fast'] === true,
    references,
  };
  if (kind === 'solver') {
    config.algo = str('algo')!;
    const iterations = num('iterations', true);
    if (iterations === undefined) throw bad(file, '"iterations" is required for a solver run');
    config.iterations = iterations;
    const tol = num('tol', false);
    if (tol !== undefined) config.tol = tol;
    const initialPolicy = str('initialPolicy', false);
    config.initialPolicy = initialPolicy === undefined || initialPolicy === 'uniform' ? 'uniform' : path.resolve(path.dirname(file), initialPolicy);
  } else {
    const samples = num('samples', true);
    if (!samples) throw bad(file, '"samples" (a positive integer) is required for an lq-closed-form run');
    config.samples = samples;
  }
  return config;
}

function checkReference(raw: unknown, where: string): Reference {
  if (typeof raw !== 'object' || raw === null) throw bad(where, 'a reference must be an object');
  const r = raw as Record<string, unknown>;
  if (!QUANTITIES.includes(r['quantity'] as Quantity)) throw bad(where, `"quantity" must be one of ${QUANTITIES.join(', ')}`);
  for (const k of ['value', 'tolerance']) if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) throw bad(where, `"${k}" must be a finite number`);
  if (typeof r['source'] !== 'string' || r['source'] === '') throw bad(where, '"source" must say where the figure comes from');
  for (const k of ['iteration', 'population', 'epoch', 'state', 'action']) {
    if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isInteger(r[k]) || (r[k] as number) < 0)) throw bad(where, `"${k}" must be a non-negative integer`);
  }
  return r as unknown as Reference;
}
