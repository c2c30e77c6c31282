import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { meanFieldFlow, type TabularPolicy } from '../core/tabular/index';
import { makePopulation } from '../populations/make-population';
import type { FiniteFlowSamples, FinitePopulationFlow } from '../populations/population';

/**
 * What a GD-MFRL solver fits: the STATE marginals mu_t(s) of the simulated agents, not their
 * joint cells (s, a). The solver reads L^_t(s, a) = mu^_t(s) · pi_t(a | s) with the policy it
 * knows, so a generator of the action axis would model a known quantity, and badly: a best
 * response is deterministic, so its action conditional is a sharp map over every (t, s) that
 * took most of the Adam steps of a fit and most of the discriminator's rejections
 * (CrowdModelling2D 32², H = 20: a best response's joint fit ran 1,750 steps and was rejected
 * three rounds running on action errors that never reached L^). The honesty verdict then tests
 * exactly the distribution the solver uses.
 *
 * The fit runs on a view of the game with one action per state (the population's states, no
 * dynamics: only fitting may use it) and samples whose cells are the states.
 */
export function stateMarginalGame(game: FiniteGame): FiniteGame {
  const noDynamics = (): never => {
    throw new MfgError('MFG_ERR_INTERNAL', 'the state-marginal view of a game is for fitting populations only (it has no rewards or dynamics)');
  };
  return {
    kind: 'finite',
    horizon: game.horizon,
    dynamicsDependOnMeanField: game.dynamicsDependOnMeanField,
    populations: game.populations.map((pop) => ({ name: pop.name, numStates: pop.numStates, numActions: 1, stateShape: pop.stateShape, actionShape: [1], mu0: pop.mu0, legal: null })),
    reward: noDynamics,
    transition: noDynamics,
  };
}

/** fitGenerativePopulation's 'auto' rule: softmax up to this many joint cells, else autoregressive. */
const SOFTMAX_MAX_CELLS = 4096;

/**
 * Consensus rounds of a solver's autoregressive fit (the library default is 3): each fit is
 * still tested on held-out agents and reported with its verdict, but a rejected fit is not
 * refitted. In FP the outer loop averages the fits (weight 1/(k+1) each), while a refit round
 * (twice the steps and the batch) costs 2-4x the first fit: at CrowdModelling2D 32², H = 20 the
 * refits of a best response's fit took its cost from 8 to 26 CPU-s and its verdict p from 0.015
 * to 0.06. With one round the test uses the whole held-out set (more power per verdict).
 * Softmax fits (small spaces) keep the library's rounds: theirs are cheap and rarely needed.
 * --settings '{"maxRounds": 3}' restores the refits.
 */
export const SOLVER_FIT_ROUNDS = 1;

/** Joint-cell samples (s·A + a) as state samples (s), epoch by epoch. */
export function stateSamples(game: FiniteGame, samples: FiniteFlowSamples): FiniteFlowSamples {
  return {
    horizon: samples.horizon,
    cells: samples.cells.map((perEpoch, p) => {
      const A = game.populations[p]!.numActions;
      // A plain loop: Int32Array.from with a map callback was 5.6% of a BeachBar gd-fp run's CPU (bench/beachbar).
      return perEpoch.map((c) => {
        const out = new Int32Array(c.length);
        for (let i = 0; i < c.length; i++) out[i] = Math.floor(c[i]! / A);
        return out;
      });
    }),
  };
}

/** The exact state marginals of a policy's flow in the view's layout (t·S + s), for a report's TV. */
function exactStateFlow(game: FiniteGame, policy: TabularPolicy): Float64Array[] {
  const L = meanFieldFlow(game, policy);
  return game.populations.map((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const out = new Float64Array(game.horizon * S);
    const x = L[p]!;
    for (let i = 0; i < out.length; i++) for (let a = 0; a < A; a++) out[i]! += x[i * A + a]!;
    return out;
  });
}

/**
 * Fits a representation of kind `kind` to the state marginals of joint-cell samples. Its
 * stateMass(p, t, s) is the fitted mu^_t(s) (the view has one action, so cells are states).
 * settings.exactTv (a table of the policy's flow, for the report) is honoured with the exact
 * state marginals of `policy`.
 */
export async function fitStateMarginals(
  game: FiniteGame,
  kind: string,
  samples: FiniteFlowSamples,
  options: { numAgents: number; seed: number; settings: Readonly<Record<string, unknown>>; policy?: TabularPolicy },
): Promise<FinitePopulationFlow> {
  const { exactTv, ...settings } = options.settings as Record<string, unknown>;
  const exact = exactTv === true && options.policy ? { exact: exactStateFlow(game, options.policy) } : {};
  // The generator class the joint cells would have had: a softmax over S states has a free
  // per-epoch bias row, i.e. it is the histogram, where the autoregressive model smooths.
  const joint = Math.max(...game.populations.map((pop) => pop.numStates * pop.numActions));
  const generator = settings['generator'] ?? (kind === 'generative' ? (joint <= SOFTMAX_MAX_CELLS ? 'softmax' : 'autoregressive') : undefined);
  // One consensus round per autoregressive fit unless asked for more (see SOLVER_FIT_ROUNDS).
  const rounds = generator === 'autoregressive' && settings['maxRounds'] === undefined ? { maxRounds: SOLVER_FIT_ROUNDS } : {};
  return makePopulation(stateMarginalGame(game), {
    kind,
    samples: stateSamples(game, samples),
    numAgents: options.numAgents,
    seed: options.seed,
    settings: { ...settings, ...exact, ...(generator !== undefined ? { generator } : {}), ...rounds },
  });
}
