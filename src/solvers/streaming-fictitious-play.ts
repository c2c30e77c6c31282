import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { TieBreak } from '../core/tabular/index';
import { collectLeaves, compactMaskPolicy, FlowMixturePolicy, forwardStateFlow, MixtureStateFlow, streamingEvaluation, uniformPolicySource, type PolicySource, type StateFlow } from '../core/streaming/index';
import { evaluationPath, type EvaluationPath } from './memory-budget';
import { monteCarloExploitability } from './monte-carlo-exploitability';
import { checkRunLength, type StopReason } from './run-solver';
import type { StreamingFlowSource } from './streaming-flow-source';

export interface StreamingFpOptions {
  readonly iterations: number;
  /** Mixing weight of the new best response; 0 (default) means 1/(i+2) at step i. */
  readonly alpha?: number;
  /** How the greedy best responses split exact ties (default 'uniform', as fp's). */
  readonly tieBreak?: TieBreak;
  readonly flows: StreamingFlowSource;
  /**
   * Take the mixture's flow as the same mixture of its parts' flows (no new estimate) instead of
   * asking the source; an identity only when the dynamics ignore the mean field (default then).
   */
  readonly averageFlows?: boolean;
  /** Bytes the exploitability reference may use; decides the path per evaluationPath (default 2 GiB). */
  readonly memoryBudget: number;
  /** Agents per policy of the Monte Carlo estimate, where it runs (default 10^4), and its seed. */
  readonly mcAgents?: number;
  readonly seed?: number;
  readonly onIteration?: (p: StreamingFpProgress) => void;
  readonly signal?: AbortSignal;
}

/** How one iterate's exploitability was obtained. */
export interface ExploitabilityRecord {
  readonly value: number;
  /** 'streaming': exact, by the forward equation and a backward pass (what the table path gives, to 1e-12); 'estimated': Monte Carlo. */
  readonly path: Exclude<EvaluationPath, 'table'>;
  readonly estimated: boolean;
  /** Monte Carlo standard error (null when exact). */
  readonly standardError: number | null;
}

export interface StreamingFpProgress {
  readonly iteration: number;
  readonly exploitability: ExploitabilityRecord;
  /** The exploitability as the solver sees it: against the source's flow. */
  readonly estimatedExploitability: number;
  readonly seconds: number;
}

export interface StreamingFpResult {
  readonly exploitability: ExploitabilityRecord[];
  readonly estimatedExploitability: number[];
  readonly seconds: number[];
  readonly iterations: number;
  readonly stopped: StopReason;
  /** The final average policy: the flow mixture of the initial policy and every best response. */
  readonly policy: FlowMixturePolicy;
  readonly flow: StateFlow;
  /** Bytes held by the policy and its flow at the end (masks + marginals or generators). */
  readonly memoryBytes: number;
  readonly flowUpdate: 'average' | 'refit';
}

/**
 * Fictitious play without a table of size S·A·H anywhere (issue 7): the current average policy
 * is a FlowMixturePolicy (pi_{k+1} = mix(pi_k with its flow, BR_k with its flow), the form of
 * mixPolicies), best responses are greedy masks from the streaming backward pass against the
 * source's flow, and each flow comes from a StreamingFlowSource (the forward equation's marginals,
 * or a fitted population). Its iterates are exact fp's (greedy, 1/(i+2) or a fixed alpha) up to
 * rounding when the source is exact. The exploitability of every iterate is exact on the
 * streaming path when the marginals fit the memory budget, else a Monte Carlo estimate.
 */
export async function runStreamingFp(game: FiniteGame, options: StreamingFpOptions): Promise<StreamingFpResult> {
  const { iterations, flows } = options;
  checkRunLength(iterations, undefined);
  const alpha = options.alpha ?? 0;
  const average = options.averageFlows ?? !game.dynamicsDependOnMeanField;
  const path = evaluationPath(game, options.memoryBudget) === 'estimated' ? 'estimated' : 'streaming';
  const t0 = performance.now();
  const out = { exploitability: [] as ExploitabilityRecord[], estimatedExploitability: [] as number[], seconds: [] as number[] };

  let policy: PolicySource = uniformPolicySource(game);
  let flow: StateFlow = await flows.flowOf(policy);
  let mixture = new FlowMixturePolicy(game, [{ policy, flow, weight: 1 }]);
  let stopped: StopReason = 'completed';
  try {
    for (let i = 0; ; i++) {
      const view = streamingEvaluation(game, policy, flow, { bestResponse: true, tieBreak: options.tieBreak ?? 'uniform' });
      const record = flows.exact ? exact(view.exploitability) : measure(game, policy, flow, view.bestResponse!, path, options, i);
      out.exploitability.push(record);
      out.estimatedExploitability.push(view.exploitability);
      out.seconds.push((performance.now() - t0) / 1000);
      options.onIteration?.({ iteration: i, exploitability: record, estimatedExploitability: view.exploitability, seconds: out.seconds[i]! });
      if (i === iterations) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        stopped = 'interrupted';
        break;
      }
      // Held deflated: ten raw masks were 2.1 GB at 1024², H = 200.
      const br = compactMaskPolicy(view.bestResponse!);
      const brFlow = await flows.flowOf(br);
      const w = alpha === 0 ? 1 / (i + 2) : alpha;
      // Averaged flows: one flat mixture of pi_0 and every best response, so an epoch of the
      // policy reads each component's flow once (nesting the previous mixture as a component read
      // the older flows again at every level: quadratic in the iteration). With refitted flows the
      // previous mixture is a component with its own (refitted) flow, mixPolicies' form.
      mixture = average
        ? mixture.extend({ policy: br, flow: brFlow }, w)
        : new FlowMixturePolicy(game, [
            { policy, flow, weight: 1 - w },
            { policy: br, flow: brFlow, weight: w },
          ]);
      const next = average ? new MixtureStateFlow(game, mixture.components) : await flows.flowOf(mixture);
      policy = mixture;
      flow = next;
    }
  } catch (e) {
    if (!(e instanceof MfgError && e.code === 'MFG_ERR_GENERATIVE_ABORTED' && out.exploitability.length > 0)) throw e;
    stopped = 'interrupted';
  }
  return {
    ...out,
    iterations: out.exploitability.length - 1,
    stopped,
    policy: mixture,
    flow,
    memoryBytes: heldBytes(mixture, flow),
    flowUpdate: average ? 'average' : 'refit',
  };
}

/** Bytes of the policy and its flow, each shared leaf once. */
function heldBytes(policy: FlowMixturePolicy, flow: StateFlow): number {
  const leaves = new Set<{ memoryBytes(): number }>();
  collectLeaves(policy, leaves);
  collectLeaves(flow, leaves);
  let bytes = 0;
  for (const leaf of leaves) bytes += leaf.memoryBytes();
  return bytes;
}

function exact(value: number): ExploitabilityRecord {
  return { value, path: 'streaming', estimated: false, standardError: null };
}

/** The exact streaming reference where it fits, else Monte Carlo against the learned flow. */
function measure(game: FiniteGame, policy: PolicySource, learned: StateFlow, br: PolicySource, path: 'streaming' | 'estimated', options: StreamingFpOptions, i: number): ExploitabilityRecord {
  if (path === 'streaming') return exact(streamingEvaluation(game, policy, forwardStateFlow(game, policy)).exploitability);
  const mc = monteCarloExploitability(game, policy, learned, br, { numAgents: options.mcAgents ?? 10_000, seed: (options.seed ?? 0) * 1000 + i });
  return { value: mc.value, path: 'estimated', estimated: true, standardError: mc.standardError };
}
