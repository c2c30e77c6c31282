import type { ContinuousGame } from '../core/continuous-game';
import { MfgError } from '../core/errors';
import { Rng } from '../core/rng';
import { ContinuousVectorEnv } from '../gym/continuous/continuous-vector-env';
import { ContinuousParticleFlow } from '../populations/continuous-particles';
import { makeContinuousPopulation } from '../populations/make-continuous-population';
import { passivePolicy } from '../populations/simulate-continuous';
import type { StopReason } from '../solvers/run-solver';
import { resolveParams, type ParamSpecs, type SolverParams } from '../solvers/solver';
import { AC_FP_PARAMS, runAcFp, type AcFpResult, type AcFpState, type FlowBuilder } from './ac-fp';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import type { LearningCurves } from './learning-result';
import { PpoBestResponse, timeEncodingOf } from './ppo';
import type { RunLearningOptions } from './run-learning';

/** The learning solvers of continuous games. */
export const CONTINUOUS_LEARNING_SOLVERS: readonly { name: string; description: string; params: ParamSpecs }[] = [
  {
    name: 'ac-fp',
    description: 'continuous fictitious play with PPO actor-critic best responses; the population is particles or a generator fitted to the visited states (GD-MFRL)',
    params: AC_FP_PARAMS,
  },
];

export function isContinuousLearningSolverName(name: string): boolean {
  return CONTINUOUS_LEARNING_SOLVERS.some((d) => d.name === name);
}

/** What a continuous learning solver returns: the finite learners' fields, with estimated exploitability. */
export interface ContinuousLearningResult {
  solver: string;
  params: Record<string, number | null>;
  seed: number;
  /** exploitability[i]: estimate for the output policy after i iterations (0 = the passive policy a = 0). */
  exploitability: number[];
  /** Monte Carlo standard errors of those estimates. */
  exploitabilityStandardError: number[];
  /**
   * 'estimated': V(PPO best response; flow) - V(output policy; flow), both by simulation in the
   * env with common random numbers. The learned best response is at most the true one, so this
   * tends to underestimate (up to the standard error).
   */
  exploitabilityKind: 'estimated';
  /** Max over epochs of W2(averaged flow, closed-form equilibrium flow) per iteration; null without a closed form. */
  w2ToEquilibrium: number[] | null;
  /** The same W2 averaged over epochs per iteration; null without a closed form. */
  w2MeanToEquilibrium: number[] | null;
  seconds: number[];
  iterations: number;
  stopped: StopReason;
  curves: LearningCurves;
  backend: string;
  population: 'particles' | 'generative';
  /** The run itself (output policy, pool), for benches and tests. */
  run: AcFpResult;
}

/**
 * Runs ac-fp on a continuous game. The learner sees only a ContinuousVectorEnv of the game in
 * `fixed` mode (reset/step) whose flow it sets between iterations; the game is read only for the
 * closed-form equilibrium flow (W2 reporting) where it has one.
 */
export interface RunContinuousLearningOptions extends Omit<RunLearningOptions, 'onIteration'> {
  /** The estimate for iteration i arrives once iteration i+1's best response is learned. */
  onIteration?: (iteration: number, exploitability: number, standardError: number) => void;
}

export async function runContinuousLearningSolver(game: ContinuousGame, name: string, options: RunContinuousLearningOptions): Promise<ContinuousLearningResult> {
  if (!isContinuousLearningSolverName(name)) {
    throw new MfgError('MFG_ERR_SOLVER_UNKNOWN', `unknown continuous learning solver ${JSON.stringify(name)}, expected ac-fp`, { details: { solver: name } });
  }
  const params = resolveParams({ name, params: AC_FP_PARAMS }, options.params ?? {});
  const N = params['agents']!;
  const generative = params['generative'] === 1;
  const kde = { maxKernelPoints: params['kdePoints']! };
  const initial = await makeContinuousPopulation(game, { kind: 'particles', policy: passivePolicy(game), numAgents: params['poolSize']!, seed: options.seed, kde });
  const env = new ContinuousVectorEnv(game, { numAgents: N, meanField: 'fixed', population: initial, populationKind: generative ? 'generative' : 'particles', dtype: 'float64', entropySeed: options.seed });
  const buildFlow: FlowBuilder = async (samples, seed) =>
    generative ? makeContinuousPopulation(game, { kind: 'generative', samples, seed }) : new ContinuousParticleFlow(samples, kde);
  const identity = { algo: name, params, seed: options.seed, horizon: game.horizon, stateDim: env.stateDim, actionDim: env.actionDim };
  const resume = options.resumeFrom === undefined ? undefined : stateFromCheckpoint(options.resumeFrom, identity);
  // Learner 0 is seeded as a single learner is; learner j > 0 by the j-th seed drawn from the run's.
  const ensembleSeeds = new Rng(options.seed);
  const learners: PpoBestResponse[] = [];
  for (let j = 0; j < (params['brEnsemble'] ?? 1); j++) learners.push(await PpoBestResponse.create(env, params, j === 0 ? options.seed : ensembleSeeds.nextSeed()));
  const ppo = learners[0]!;
  const reference = game.referencePolicy && game.exactFlow ? game.exactFlow() : undefined;
  const run = await runAcFp(env, learners, {
    iterations: options.iterations,
    seed: options.seed,
    poolSize: params['poolSize']!,
    evalBatches: params['evalBatches']!,
    firstBrIterations: params['firstBrIterations'] ?? 0,
    initialFlowMultiple: params['initialFlowMultiple'] ?? 1,
    buildFlow,
    reference,
    signal: options.signal,
    onIteration: options.onIteration,
    resume,
    onCheckpoint:
      options.checkpointDir === undefined
        ? undefined
        : async (state) => {
            const { arrays, ...meta } = state;
            writeCheckpoint(options.checkpointDir!, { identity, ...meta }, arrays);
          },
  });
  env.close();
  return {
    solver: name,
    params: { ...params },
    seed: options.seed,
    exploitability: run.exploitability,
    exploitabilityStandardError: run.standardError,
    exploitabilityKind: 'estimated',
    w2ToEquilibrium: reference ? run.w2 : null,
    w2MeanToEquilibrium: reference ? run.w2Mean : null,
    seconds: run.seconds,
    iterations: run.iterations,
    stopped: run.stopped,
    curves: run.curves,
    backend: ppo.handle.backend,
    population: generative ? 'generative' : 'particles',
    run,
  };
}

/**
 * Learner params added after checkpoints were first written, with the value that reproduces what
 * a run before them did: timeEncoding 0 (t/H), advNorm 0 (whole-rollout advantage normalisation),
 * valueLambda -1 (the critic's targets use gaeLambda), valueEpochs -1 (the critic takes `epochs` passes), criticWarmup 0 (the policy learns from the first iteration), valueBaseline 0 (the critic is the network alone),
 * firstBrIterations 0 (the first best response takes brIterations like the others), initialFlowMultiple 1
 * (the initial flow is one pool of paths), brEnsemble 1 (one learner), policyLayers 2 (a two-hidden-layer policy), naturalStep 0 (PPO's own policy step).
 */
const PARAMS_AS_BEFORE: Readonly<Record<string, number>> = { timeEncoding: 0, advNorm: 0, valueLambda: -1, valueEpochs: -1, criticWarmup: 0, valueBaseline: 0, firstBrIterations: 0, initialFlowMultiple: 1, brEnsemble: 1, policyLayers: 2, naturalStep: 0 };

/**
 * The identity a checkpoint was written with, as this version reads it: a param it lacks
 * predates that param, so the run behaved as its PARAMS_AS_BEFORE value.
 */
function savedIdentity(meta: Record<string, unknown>): Record<string, unknown> {
  const id = (meta['identity'] ?? {}) as Record<string, unknown>;
  const params = id['params'] as Record<string, unknown> | undefined;
  if (!params) return id;
  const missing = Object.entries(PARAMS_AS_BEFORE).filter(([k]) => !(k in params));
  if (missing.length === 0) return id;
  return { ...id, params: { ...params, ...Object.fromEntries(missing) } };
}

/** JSON with the keys of every object sorted, so two identities compare by content, not by key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

function stateFromCheckpoint(dir: string, identity: { params: SolverParams } & Record<string, unknown>): AcFpState {
  const { meta, arrays } = readCheckpoint(dir);
  const saved = savedIdentity(meta);
  // The epoch encoding first, by name: its mismatch would otherwise read as a params difference.
  const savedEncoding = timeEncodingOf((saved['params'] ?? {}) as SolverParams);
  const runEncoding = timeEncodingOf(identity.params);
  if (savedEncoding !== runEncoding) {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `the checkpoint ${dir} was trained with the ${savedEncoding} epoch encoding, this run asks for ${runEncoding} (timeEncoding)`, {
      details: { dir, checkpointTimeEncoding: savedEncoding, runTimeEncoding: runEncoding },
    });
  }
  if (canonical(saved) !== canonical(identity)) {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `the checkpoint ${dir} is of another run: ${JSON.stringify(meta['identity'])}, this run is ${JSON.stringify(identity)}`, {
      details: { dir, checkpoint: meta['identity'], run: identity },
    });
  }
  const { identity: _identity, ...state } = meta;
  return { ...(state as unknown as Omit<AcFpState, 'arrays'>), arrays: arrays as AcFpState['arrays'] };
}
