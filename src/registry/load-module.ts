import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MfgError } from '../core/errors';
import { declarativeGameSpec } from './declarative-game';
import type { EnvSpec } from './env-spec';
import { list, register } from './registry';

/**
 * Loads a user module that registers games (`--load ./my-games.js` on the CLI and the server).
 * The module may export `envs` (an array of EnvSpec objects, registered here) and/or a
 * function `register(api)` that is called with { register } to register games itself.
 * A `.json` file is a declarative game document, or an array of them
 * (src/registry/declarative-game.schema.json). Returns the ids it registered.
 */
export async function loadEnvModule(file: string): Promise<string[]> {
  const resolved = path.resolve(file);
  if (resolved.toLowerCase().endsWith('.json')) return loadDeclarativeFile(file, resolved);
  let mod: Record<string, unknown>;
  try {
    // require() keeps CommonJS user modules simple; ESM modules fall back to import().
    try {
      mod = require(resolved) as Record<string, unknown>;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw e;
      mod = (await import(resolved)) as Record<string, unknown>;
    }
  } catch (e) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_MODULE', `cannot load ${file}: ${(e as Error).message}`, { cause: e, details: { file: resolved } });
  }
  const ids: string[] = [];
  const envs = mod['envs'] ?? (mod['default'] as Record<string, unknown> | undefined)?.['envs'];
  if (Array.isArray(envs)) {
    for (const s of envs as EnvSpec<any>[]) {
      register(s);
      ids.push(s.id);
    }
  }
  const fn = mod['register'] ?? (mod['default'] as Record<string, unknown> | undefined)?.['register'];
  if (typeof fn === 'function') {
    await (fn as (api: { register: (s: EnvSpec<any>) => void }) => unknown)({
      register: (s) => {
        register(s);
        ids.push(s.id);
      },
    });
  }
  if (ids.length === 0) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_MODULE', `${file} registered no environment: export \`envs\` (an array of EnvSpec) or a function \`register(api)\``, {
      details: { file: resolved },
    });
  }
  return ids;
}

/**
 * Registers the games of a JSON file. Every document is checked and built before any is
 * registered, so a bad document leaves the registry as it was.
 */
function loadDeclarativeFile(file: string, resolved: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolved, 'utf8'));
  } catch (e) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_MODULE', `cannot load ${file}: ${(e as Error).message}`, { cause: e, details: { file: resolved } });
  }
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  if (docs.length === 0) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_MODULE', `${file} registered no environment: it holds an empty array of game documents`, { details: { file: resolved } });
  }
  const specs = docs.map((doc, i) => declarativeGameSpec(doc, Array.isArray(parsed) ? `${file}[${i}]` : file));
  const taken = new Set(list().map((s) => s.id));
  for (const s of specs) {
    if (taken.has(s.id)) {
      throw new MfgError('MFG_ERR_REGISTRY_DUPLICATE', `${file}: environment ${s.id} is already registered (or declared twice in the file)`, { details: { id: s.id, file: resolved } });
    }
    taken.add(s.id);
  }
  for (const s of specs) register(s);
  return specs.map((s) => s.id);
}
