import type { GeneratorKind } from './fit-generative-population';

/**
 * Default training settings of a finite population's generator, chosen from the data: the kind
 * of generator, the number of states S and the training agents per epoch n. Every explicit
 * GenerativeOptions field overrides its entry here. One function holds every data-dependent
 * default so that the regimes cannot drift apart (the honesty branch adds its large-grid rules
 * here too).
 *
 * - Every finite fit stops on the NLL of a `validation` share (10%) of its training agents,
 *   never on the training loss: the training loss keeps falling while the model memorises its
 *   samples (CrowdModelling2D 32², H = 20, 10^4 agents: held-out NLL lowest near 500 Adam
 *   steps, worse at 2,000, where the old rule ran every fit to the cap; TV 0.056 at 500 steps
 *   against 0.063 at 2,000). The returned weights are the best validated ones.
 * - softmax (S·A <= 4096) trains full batch on the exact gradient (plain-train.ts) when that is
 *   cheap; without minibatch noise a window of 25 steps judges as well as 100 noisy ones.
 * - autoregressive grids judge every 50 steps with patience 2: at 512 samples a step, 50 steps
 *   are ~25,000 samples, and the validation NLL is paired (same agents each time), so a gain of
 *   1e-3 nats is resolved well within a window.
 */
export interface FiniteFitSettings {
  readonly embedding: number;
  readonly hidden: number;
  /** Adam step cap of the first fit (early stopping usually ends it sooner). */
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly window: number;
  readonly patience: number;
  /** Share of the training agents kept for validation early stopping (0: stop on the training loss). */
  readonly validation: number;
}

export function finiteFitSettings(kind: GeneratorKind, _numStates: number, _trainPerEpoch: number): FiniteFitSettings {
  const base = { embedding: 16, hidden: 64, steps: 2000, batchSize: 512, learningRate: 0.01, validation: 0.1 };
  if (kind === 'softmax') return { ...base, window: 25, patience: 3 };
  return { ...base, window: 50, patience: 2 };
}
