import type { GeneratorKind } from './fit-generative-population';

/**
 * Default training settings of a finite population's generator, chosen from the data: the kind
 * of generator, the number of states S and the training agents per epoch n. Every explicit
 * GenerativeOptions field overrides its entry here. One function holds every data-dependent
 * default so that the regimes cannot drift apart.
 *
 * Small spaces and grids below LARGE_GRID_STATES:
 * - Every fit stops on the NLL of a `validation` share (10%) of its training agents, never on
 *   the training loss: the training loss keeps falling while the model memorises its samples
 *   (CrowdModelling2D 32², H = 20, 10^4 agents: held-out NLL lowest near 500 Adam steps, worse
 *   at 2,000, where the old rule ran every fit to the cap; TV 0.056 at 500 steps against 0.063
 *   at 2,000). The returned weights are the best validated ones.
 * - softmax (S·A <= 4096) trains full batch on the exact gradient (plain-train.ts) when that is
 *   cheap; without minibatch noise a window of 25 steps judges as well as 100 noisy ones.
 * - autoregressive grids judge every 50 steps with patience 2: at 512 samples a step, 50 steps
 *   are ~25,000 samples, and the validation NLL is paired (same agents each time).
 *
 * Large grids (autoregressive, S >= 128²) train on count rows (row-training.ts): a step scores
 * whole empirical conditional rows, so it sees hundreds of samples per row, and it stops on the
 * NLL of a validation share of the training agents. Capacity grows with n: below LARGE_DATA
 * agents per epoch the conditionals are noise-limited and hidden 64 smooths best; above it the
 * model is capacity-limited (measured in bench/honesty --generator).
 */
export interface FiniteFitSettings {
  readonly embedding: number;
  readonly hidden: number;
  /** Adam step cap of the first fit (early stopping usually ends it sooner). */
  readonly steps: number;
  /** Samples per step (minibatch trainer) or rows per axis per step (row trainer). */
  readonly batchSize: number;
  readonly learningRate: number;
  readonly window: number;
  readonly patience: number;
  /** Count-row training with validation early stopping. */
  readonly rowTraining: boolean;
  /** Share of the training agents kept for validation early stopping (0: stop on the training loss). */
  readonly validation: number;
}

/** Grids with at least this many states count as large (CrowdModelling2D 128² and up). */
export const LARGE_GRID_STATES = 128 * 128;
/** Training agents per epoch from which a large grid's generator gets the larger hidden layer. */
export const LARGE_DATA = 30_000;
/** Count rows per axis that row training scores at each validation check (a fixed weighted draw beyond this; all of them below). */
export const VALIDATION_ROWS = 8192;

export function finiteFitSettings(kind: GeneratorKind, numStates: number, trainPerEpoch: number): FiniteFitSettings {
  if (kind !== 'autoregressive' || numStates < LARGE_GRID_STATES) {
    const base = { embedding: 16, hidden: 64, steps: 2000, batchSize: 512, learningRate: 0.01, validation: 0.1, rowTraining: false };
    if (kind === 'softmax') return { ...base, window: 25, patience: 3 };
    return { ...base, window: 50, patience: 2 };
  }
  return {
    embedding: 16,
    hidden: trainPerEpoch >= LARGE_DATA ? 128 : 64,
    steps: 4000,
    batchSize: 256,
    learningRate: 0.01,
    window: 50,
    patience: 3,
    rowTraining: true,
    validation: 0.1,
  };
}
