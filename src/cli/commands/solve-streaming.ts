import * as fs from 'node:fs';
import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';
import type { TieBreak } from '../../core/tabular/index';
import { Rng } from '../../core/rng';
import { streamingBytes, tableBytes, type EvaluationPath } from '../../solvers/memory-budget';
import { exactStreamingSource, FittedStreamingSource } from '../../solvers/streaming-flow-source';
import { runStreamingFp, type StreamingFpResult } from '../../solvers/streaming-fictitious-play';
import { savePolicy } from '../policy-file';
import { runInfo } from '../run-info';

export interface StreamingSolveOptions {
  id: string;
  kwargs: Record<string, unknown>;
  algo: string;
  params: Record<string, number | null>;
  tieBreak: TieBreak;
  iterations: number;
  seed: number;
  memoryBudget: number;
  path: Exclude<EvaluationPath, 'table'>;
  population: string;
  samples: number;
  settings: Readonly<Record<string, unknown>>;
  warmFits: boolean;
  policy: string;
  out?: string;
  policyOut?: string;
  json?: boolean;
  signal: AbortSignal;
}

/**
 * `mfgym solve` where the tables do not fit the memory budget (issue 7): fp and gd-fp run as
 * streaming fictitious play (runStreamingFp) with the forward equation or a fitted population
 * as the flow source; nothing of size S·A·H is held. Other solvers, softmax best responses and
 * initial policy files need the tables, and say so.
 */
export async function solveStreaming(game: FiniteGame, o: StreamingSolveOptions): Promise<StreamingFpResult> {
  const need = tableBytes(game);
  const refuse = (why: string): MfgError =>
    new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `${o.algo} needs its tables (${need} bytes), over --memory-budget ${o.memoryBudget}: ${why}; raise --memory-budget, or use fp/gd-fp (greedy), which run streaming`, {
      details: { algo: o.algo, tableBytes: need, memoryBudget: o.memoryBudget },
    });
  if (o.algo !== 'fp' && o.algo !== 'gd-fp') throw refuse('only fp and gd-fp have a streaming form');
  if ((o.params['temperature'] ?? 0) !== 0) throw refuse('a softmax best response is not compact (temperature must be 0)');
  if (o.policy !== 'uniform') throw refuse('a streaming run starts from the uniform policy');
  const gd = o.algo === 'gd-fp';
  if (gd && o.population === 'exact') throw refuse('gd-fp with --population exact is fp; use --algo fp');
  const flows = gd ? new FittedStreamingSource(game, o.population, { numAgents: o.samples, seeds: new Rng(o.seed), settings: o.settings, warmStart: o.warmFits, signal: o.signal }) : exactStreamingSource(game);
  // fp holds its iterates' exact marginals anyway, so its exploitability is always exact.
  const exploitabilityPath = gd ? o.path : 'streaming';
  process.stderr.write(`mfgym: the tables (${need} bytes) exceed --memory-budget ${o.memoryBudget}: streaming ${o.algo}, exploitability ${exploitabilityPath === 'streaming' ? 'exact (streaming)' : 'estimated (Monte Carlo)'}\n`);
  const result = await runStreamingFp(game, { iterations: o.iterations, alpha: o.params['alpha'] ?? 0, tieBreak: o.tieBreak, flows, memoryBudget: o.memoryBudget, seed: o.seed, signal: o.signal });
  const last = result.exploitability[result.exploitability.length - 1]!;
  const report = {
    env: o.id,
    kwargs: o.kwargs,
    algo: o.algo,
    params: { ...o.params, tieBreak: o.tieBreak },
    seed: o.seed,
    iterations: o.iterations,
    completedIterations: result.iterations,
    stopped: result.stopped,
    initialPolicy: o.policy,
    evaluation: { path: 'streaming', exploitabilityPath, memoryBudget: o.memoryBudget, tableBytes: need, streamingBytes: streamingBytes(game), policyBytes: result.memoryBytes },
    exploitability: result.exploitability.map((r) => r.value),
    estimated: result.exploitability.map((r) => r.estimated),
    standardError: result.exploitability.map((r) => r.standardError),
    estimatedExploitability: result.estimatedExploitability,
    seconds: result.seconds,
    final: { exploitability: last.value, estimated: last.estimated, standardError: last.standardError },
    ...(gd ? { population: o.population, samples: o.samples, flowUpdate: result.flowUpdate, fits: (flows as FittedStreamingSource).fits, fitSeconds: (flows as FittedStreamingSource).seconds, fitReports: (flows as FittedStreamingSource).reports } : {}),
    ...runInfo(),
    date: new Date().toISOString(),
  };
  if (o.out) fs.writeFileSync(o.out, `${JSON.stringify(report, null, 2)}\n`);
  if (o.policyOut) savePolicy(o.policyOut, game, o.id, o.kwargs, result.policy, { algo: o.algo, params: o.params, iterations: result.iterations, exploitability: last.value, estimated: last.estimated });
  if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const f = (r: { value: number; standardError: number | null }): string => (r.standardError === null ? r.value.toPrecision(6) : `${r.value.toPrecision(4)} ± ${r.standardError.toPrecision(2)} (estimated)`);
    process.stdout.write(
      [
        `${o.id} · ${o.algo} (streaming: tables of ${need} bytes exceed the budget of ${o.memoryBudget}) · ${result.iterations} iterations in ${result.seconds[result.seconds.length - 1]!.toFixed(3)} s`,
        `exploitability ${f(result.exploitability[0]!)} -> ${f(last)}`,
        `policy held as a flow mixture of ${result.iterations + 1} compact components: ${result.memoryBytes} bytes`,
        ...(o.out ? [`results written to ${o.out}`] : []),
        ...(o.policyOut ? [`policy written to ${o.policyOut}`] : []),
        '',
      ].join('\n'),
    );
  }
  return result;
}
