import type { GeneratorKind } from './fit-generative-population';

/**
 * Default training settings of a finite population's generator, chosen from the data: the kind
 * of generator, the grid's size S and the training agents per epoch n. Every explicit
 * GenerativeOptions field overrides its entry here.
 *
 * One function holds every data-dependent default so that the regimes cannot drift apart:
 * - small spaces and grids below LARGE_GRID_STATES keep the per-sample minibatch trainer and the
 *   historical defaults (hidden 64, 2,000 steps of 512 samples, training-loss early stopping);
 * - large grids (autoregressive, S >= 128²) train on count rows (row-training.ts): a step scores
 *   whole empirical conditional rows, so it sees hundreds of samples per row, and it stops on the
 *   NLL of a validation share of the training agents. Capacity grows with n: below
 *   LARGE_DATA agents per epoch the conditionals are noise-limited and hidden 64 smooths best;
 *   above it the model is capacity-limited (measured in bench/honesty --generator).
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
  /** Share of the training agents kept for validation early stopping (row training only). */
  readonly validation: number;
}

/** Grids with at least this many states count as large (CrowdModelling2D 128² and up). */
export const LARGE_GRID_STATES = 128 * 128;
/** Training agents per epoch from which a large grid's generator gets the larger hidden layer. */
export const LARGE_DATA = 30_000;

export function finiteFitSettings(kind: GeneratorKind, numStates: number, trainPerEpoch: number): FiniteFitSettings {
  if (kind !== 'autoregressive' || numStates < LARGE_GRID_STATES) {
    return { embedding: 16, hidden: 64, steps: 2000, batchSize: 512, learningRate: 0.01, window: 100, patience: 3, rowTraining: false, validation: 0 };
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
