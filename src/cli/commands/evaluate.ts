import { Command } from 'commander';
import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';
import { evaluatePolicy, uniformPolicy, type TabularPolicy } from '../../core/tabular/index';
import { addEnvOptions, resolveEnv, type EnvOptions } from '../env-options';
import { readPolicyFile } from '../policy-file';

interface EvaluateOptions extends EnvOptions {
  policy: string;
  json?: boolean;
}

/**
 * `mfgym evaluate --env ID [--kwargs JSON] [--policy uniform|FILE] [--json]`: the exploitability,
 * policy value and best-response value of a policy against its own mean field.
 */
export function evaluateCommand(): Command {
  return addEnvOptions(new Command('evaluate'))
    .description('evaluate a policy exactly: exploitability, policy value and best-response value against its own mean field')
    .option('--policy <uniform|file>', 'the policy: "uniform" over legal actions, or a policy file written by `solve --policy-out`', 'uniform')
    .option('--json', 'print one JSON object on stdout')
    .action(async (opts: EvaluateOptions) => {
      const { id, kwargs, game } = await resolveEnv(opts);
      const finite = requireFiniteGame(game, id);
      const policy = loadPolicy(opts.policy, finite, id);
      const e = evaluatePolicy(finite, policy);
      const result = {
        env: id,
        kwargs,
        policy: opts.policy,
        exploitability: e.exploitability,
        policyValue: e.policyValue,
        bestResponseValue: e.bestResponseValue,
        populations: finite.populations.map((pop, p) => ({ name: pop.name, ...e.populations[p]! })),
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(
        [
          `${id} ${JSON.stringify(kwargs)}, policy ${opts.policy}`,
          `  exploitability      ${e.exploitability}`,
          `  policy value        ${e.policyValue}`,
          `  best-response value ${e.bestResponseValue}`,
          '',
        ].join('\n'),
      );
    });
}

/** "uniform" or a policy file (checked against the game). */
export function loadPolicy(spec: string, game: FiniteGame, env: string): TabularPolicy {
  return spec === 'uniform' ? uniformPolicy(game) : readPolicyFile(spec, game, env).policy;
}

export function requireFiniteGame(game: { kind: string }, id: string): FiniteGame {
  if (game.kind !== 'finite') {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${id} is a ${game.kind} game; exact evaluation and the exact solvers need a finite one (see \`mfgym population\`)`, {
      details: { env: id, kind: game.kind },
    });
  }
  return game as FiniteGame;
}
