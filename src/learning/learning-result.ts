import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { evaluatePolicy, type PolicyEvaluation, type TabularPolicy } from '../core/tabular/index';
import type { FitHonesty } from '../solvers/fitted-flow-source';
import type { StopReason } from '../solvers/run-solver';

/** Above this many (t, s, a) entries the exact evaluation of a learned policy is not attempted. */
export const EXACT_EVALUATION_LIMIT = 5_000_000;

/** What every learning solver returns: the exact solvers' fields plus the learning curves. */
export interface LearningResult {
  solver: string;
  params: Record<string, number | null>;
  seed: number;
  /** exploitability[i] is that of the output policy after i iterations (0 = uniform). */
  exploitability: number[];
  /**
   * 'exact': the learned policy (tabulated over every (t, s)) evaluated by backward induction
   * on the game (measurement only: the learners never read the model).
   */
  exploitabilityKind: 'exact';
  seconds: number[];
  iterations: number;
  stopped: StopReason;
  policy: TabularPolicy;
  evaluation: PolicyEvaluation;
  curves: LearningCurves;
  /** The TensorFlow.js backend that trained the networks, null for the tabular learners. */
  backend: string | null;
  /**
   * With params.generative = 1: the generative population's fits (one per iteration), their
   * seconds and each fit's honesty verdict (null for verdict-less fits); else null.
   */
  generative: { fits: number; seconds: number; reports: (FitHonesty | null)[] } | null;
}

/** Per batch of N agent-episodes: mean return; per training step window: mean loss. */
export interface LearningCurves {
  episodeReturn: number[];
  loss: number[];
}

/** Learning solvers read the game only to measure: a single-population finite game of reasonable size. */
export function checkLearnable(game: FiniteGame, solver: string): void {
  if (game.populations.length !== 1) {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${solver} learns a single population's policy; this game has ${game.populations.length}`, {
      details: { solver, populations: game.populations.length },
    });
  }
  const pop = game.populations[0]!;
  const size = game.horizon * pop.numStates * pop.numActions;
  if (size > EXACT_EVALUATION_LIMIT) {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${solver}: H*S*A = ${size} is above ${EXACT_EVALUATION_LIMIT}, too large to evaluate the learned policy exactly`, {
      details: { solver, size, limit: EXACT_EVALUATION_LIMIT },
    });
  }
}

/** Records the exact exploitability of each iterate with the cumulative wall time. */
export class CurveRecorder {
  readonly exploitability: number[] = [];
  readonly seconds: number[] = [];
  readonly curves: LearningCurves = { episodeReturn: [], loss: [] };
  evaluation: PolicyEvaluation | null = null;
  private t0 = process.hrtime.bigint();

  constructor(private readonly game: FiniteGame) {}

  /** Evaluates a policy of population 0 exactly; push = false only refreshes `evaluation` (a resume). */
  record(policy: Float64Array, push = true): PolicyEvaluation {
    this.evaluation = evaluatePolicy(this.game, [policy]);
    if (push) {
      this.exploitability.push(this.evaluation.exploitability);
      this.seconds.push(Number(process.hrtime.bigint() - this.t0) / 1e9);
    }
    return this.evaluation;
  }

  /** A resumed run's clock continues from the seconds already recorded. */
  offsetSeconds(seconds: number): void {
    this.t0 -= BigInt(Math.round(seconds * 1e9));
  }
}
