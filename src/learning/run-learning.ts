import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { uniformPolicy } from '../core/tabular/policy';
import { MfgVectorEnv } from '../gym/vector-env';
import { ExactPopulation } from '../populations/exact-population';
import { resolveParams } from '../solvers/solver';
import { readCheckpoint, writeCheckpoint, type CheckpointArray } from './checkpoint';
import { checkLearnable, type LearningResult } from './learning-result';
import { learningSolverDefinition } from './learning-solvers';
import { runSampledFictitiousPlay, type SampledFpState } from './sampled-fictitious-play';

export interface RunLearningOptions {
  iterations: number;
  seed: number;
  /** Parameters given by the user (the solver fills in its defaults). */
  params?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
  onIteration?: (iteration: number, exploitability: number) => void;
  /** Write a checkpoint to this folder after every iteration. */
  checkpointDir?: string;
  /** Resume from the checkpoint in this folder (same game, algorithm, parameters and seed). */
  resumeFrom?: string;
  /** params.generative = 1: passed to every generative fit untouched (gd-fp's --settings), default {}. */
  settings?: Readonly<Record<string, unknown>>;
}

/**
 * Runs a learning solver (q-fp, dqn-fp, d-afp, d-momd) on a finite single-population game. The
 * learners see only a vector env of the game (reset/step/infos, the flow set between
 * iterations); the game itself is read only to evaluate each output policy exactly.
 */
export async function runLearningSolver(game: FiniteGame, name: string, options: RunLearningOptions): Promise<LearningResult> {
  const def = learningSolverDefinition(name);
  const params = resolveParams(def, options.params ?? {});
  checkLearnable(game, def.name);
  const env = new MfgVectorEnv(game, {
    numAgents: params['agents']!,
    meanField: 'fixed',
    population: ExactPopulation.fromPolicy(game, uniformPolicy(game)),
    entropySeed: options.seed,
  });
  // A generative run's fit settings shape its flows, so a checkpoint is of that run only. (Its
  // generator is not checkpointed: with generativeWarmStart a resumed run's first fit starts cold.)
  const identity = { algo: def.name, params, seed: options.seed, horizon: game.horizon, numStates: env.numStates, numActions: env.numActions, ...(params['generative'] === 1 ? { settings: options.settings ?? {} } : {}) };
  const resume = options.resumeFrom === undefined ? undefined : stateFromCheckpoint(options.resumeFrom, identity);
  const { learner, backend } = await def.createLearner(env, params, options.seed);
  const fp = await runSampledFictitiousPlay(env, learner, {
    iterations: options.iterations,
    popBatches: params['popBatches']!,
    exactFlow: params['exactFlow'] === 1,
    generative: params['generative'] === 1 ? { settings: options.settings ?? {}, warmStart: params['generativeWarmStart'] === 1 } : undefined,
    seed: options.seed,
    signal: options.signal,
    onIteration: options.onIteration,
    resume,
    onCheckpoint: options.checkpointDir === undefined ? undefined : async (state) => writeCheckpoint(options.checkpointDir!, { identity, ...stateMeta(state) }, stateArrays(state)),
  });
  env.close();
  return {
    solver: def.name,
    params: { ...params },
    seed: options.seed,
    exploitability: fp.exploitability,
    exploitabilityKind: 'exact',
    seconds: fp.seconds,
    iterations: fp.exploitability.length - 1,
    stopped: fp.stopped,
    policy: [fp.policy],
    evaluation: fp.recorder.evaluation!,
    curves: fp.curves,
    backend,
    generative: fp.generative,
  };
}

function stateMeta(s: SampledFpState): Record<string, unknown> {
  return { iteration: s.iteration, rng: s.rng, exploitability: s.exploitability, seconds: s.seconds, curves: s.curves, learner: s.learner.meta };
}

function stateArrays(s: SampledFpState): Record<string, CheckpointArray> {
  const out: Record<string, CheckpointArray> = { avgFlow: s.avgFlow, policy: s.policy };
  for (const [k, v] of Object.entries(s.learner.arrays)) out[`learner.${k}`] = v;
  return out;
}

function stateFromCheckpoint(dir: string, identity: Record<string, unknown>): SampledFpState {
  const { meta, arrays } = readCheckpoint(dir);
  const saved = JSON.stringify(meta['identity']);
  if (saved !== JSON.stringify(identity)) {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `the checkpoint ${dir} is of another run: ${saved}, this run is ${JSON.stringify(identity)}`, {
      details: { dir, checkpoint: meta['identity'], run: identity },
    });
  }
  const learnerArrays: SampledFpState['learner']['arrays'] = {};
  for (const [k, v] of Object.entries(arrays)) if (k.startsWith('learner.')) learnerArrays[k.slice('learner.'.length)] = v;
  return {
    iteration: meta['iteration'] as number,
    rng: meta['rng'] as number[],
    avgFlow: arrays['avgFlow'] as Float64Array,
    policy: arrays['policy'] as Float64Array,
    exploitability: meta['exploitability'] as number[],
    seconds: meta['seconds'] as number[],
    curves: meta['curves'] as SampledFpState['curves'],
    learner: { meta: meta['learner'] as Record<string, unknown>, arrays: learnerArrays },
  };
}

