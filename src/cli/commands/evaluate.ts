import { Command } from 'commander';
import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';
import { forwardStateFlow, streamingEvaluation, tabularPolicySource, uniformPolicySource } from '../../core/streaming/index';
import { evaluatePolicy, uniformPolicy, type PopulationEvaluation, type TabularPolicy } from '../../core/tabular/index';
import { evaluationPath, parseMemoryBudget } from '../../solvers/memory-budget';
import { addEnvOptions, resolveEnv, type EnvOptions } from '../env-options';
import { readPolicyFile } from '../policy-file';

interface EvaluateOptions extends EnvOptions {
  policy: string;
  json?: boolean;
  memoryBudget: string;
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
    .option('--memory-budget <bytes>', 'above this (e.g. 2G), evaluate streaming: epoch by epoch, no flow or Q table (the same values to 1e-12)', '2G')
    .action(async (opts: EvaluateOptions) => {
      const { id, kwargs, game } = await resolveEnv(opts);
      const finite = requireFiniteGame(game, id);
      const path = evaluationPath(finite, parseMemoryBudget(opts.memoryBudget)) === 'table' ? 'table' : 'streaming';
      let e: { exploitability: number; policyValue: number; bestResponseValue: number; populations: PopulationEvaluation[] };
      if (path === 'table') e = evaluatePolicy(finite, loadPolicy(opts.policy, finite, id));
      else {
        // The uniform policy needs no table at all; a policy file is read whole, but nothing else is.
        const source = opts.policy === 'uniform' ? uniformPolicySource(finite) : tabularPolicySource(finite, loadPolicy(opts.policy, finite, id));
        e = streamingEvaluation(finite, source, forwardStateFlow(finite, source));
      }
      const result = {
        env: id,
        kwargs,
        policy: opts.policy,
        exploitability: e.exploitability,
        policyValue: e.policyValue,
        bestResponseValue: e.bestResponseValue,
        populations: finite.populations.map((pop, p) => ({ name: pop.name, ...e.populations[p]! })),
        path,
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
          `  evaluated          ${path === 'table' ? 'with tables' : 'streaming (tables over --memory-budget)'}`,
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
