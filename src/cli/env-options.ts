import type { Command } from 'commander';
import { registerBuiltinEnvs } from '../../envs/index';
import { MfgError } from '../core/errors';
import type { Game } from '../core/game';
import { loadEnvModule } from '../registry/load-module';
import { makeGame, resolveKwargs } from '../registry/registry';

/** The options every command that takes --env shares. */
export interface EnvOptions {
  env: string;
  kwargs?: string;
  load?: string[];
}

export interface ResolvedEnv {
  id: string;
  /** Validated kwargs with every default filled in (what results files record). */
  kwargs: Record<string, unknown>;
  game: Game;
}

/** Adds --env, --kwargs and the repeatable --load to a command. */
export function addEnvOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--env <id>', 'environment id, e.g. BeachBar-v0 (see `mfgym list`)')
    .option('--kwargs <json>', 'environment kwargs as a JSON object, e.g. \'{"size": 20}\'')
    .option('--load <module>', 'a JS module registering extra games (repeatable)', collect, []);
}

/** Repeatable-option accumulator for commander. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers the built-ins, then the user's modules, so a module can see the built-ins. */
export async function registerEnvs(load: readonly string[] = []): Promise<void> {
  registerBuiltinEnvs();
  for (const file of load) await loadEnvModule(file);
}

/** Registers, parses --kwargs and builds the game; every failure is an MfgError naming the input. */
export async function resolveEnv(opts: EnvOptions): Promise<ResolvedEnv> {
  await registerEnvs(opts.load);
  const given = parseKwargs(opts.kwargs);
  const kwargs = resolveKwargs(opts.env, given);
  return { id: opts.env, kwargs, game: makeGame(opts.env, given) };
}

export function parseKwargs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `--kwargs is not valid JSON (${(e as Error).message}); expected an object such as '{"size": 20}'`, {
      details: { kwargs: text },
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `--kwargs must be a JSON object, got ${text}`, { details: { kwargs: text } });
  }
  return value as Record<string, unknown>;
}
