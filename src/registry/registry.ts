import { MfgError } from '../core/errors';
import type { Game } from '../core/game';
import { formatEnvId, parseEnvId } from './env-id';
import type { EnvSpec } from './env-spec';
import { compileKwargs } from './kwargs-validator';

interface Entry {
  spec: EnvSpec<any>;
  check: (kwargs: unknown) => Record<string, unknown>;
}

const entries = new Map<string, Entry>();

/** Registers an environment; its kwargs schema is compiled once, here. */
export function register(spec: EnvSpec<any>, options: { override?: boolean } = {}): void {
  const id = formatEnvId(parseEnvId(spec.id));
  if (id !== spec.id) throw new MfgError('MFG_ERR_REGISTRY_BAD_ID', `environment id ${JSON.stringify(spec.id)} is not in canonical form (${id})`);
  if (entries.has(id) && !options.override) {
    throw new MfgError('MFG_ERR_REGISTRY_DUPLICATE', `environment ${id} is already registered`, { details: { id } });
  }
  entries.set(id, { spec, check: compileKwargs(id, spec.kwargsSchema) });
}

/** Removes a registration (tests, reloading user modules). */
export function unregister(id: string): boolean {
  return entries.delete(id);
}

/** The spec registered under an id; an unknown id names the closest registered ones. */
export function spec(id: string): EnvSpec<any> {
  return entry(id).spec;
}

/** Every registered spec, sorted by id. */
export function list(): EnvSpec<any>[] {
  return [...entries.values()].map((e) => e.spec).sort((a, b) => a.id.localeCompare(b.id));
}

/** Validated kwargs with defaults filled in (what the factory receives). */
export function resolveKwargs(id: string, kwargs?: unknown): Record<string, unknown> {
  return entry(id).check(kwargs);
}

/** Builds the game registered under id with the given kwargs (validated, defaults filled). */
export function makeGame(id: string, kwargs?: unknown): Game {
  const e = entry(id);
  return e.spec.create(e.check(kwargs));
}

function entry(id: string): Entry {
  parseEnvId(id);
  const e = entries.get(id);
  if (e) return e;
  const { name } = parseEnvId(id);
  const similar = [...entries.keys()].filter((k) => k.toLowerCase().includes(name.toLowerCase().slice(0, 4)));
  throw new MfgError('MFG_ERR_REGISTRY_UNKNOWN_ENV', `no environment registered as ${JSON.stringify(id)}${similar.length ? `; did you mean ${similar.slice(0, 3).join(', ')}?` : ''} (see \`mfgym list\`)`, {
    details: { id, similar },
  });
}
