import type { CategoricalDensity } from './categorical-generator';
import type { NamedWeights } from './weights';

/** Held-out agents per epoch the warm-start check scores (enough for a 0.01-nat comparison). */
const TRANSFER_NLL_MAX = 1000;

/**
 * Transfer quality of a warm start (finite games), measured before any training: the mean
 * held-out NLL of the knowledge-base source (sourceNll) and of the cold data initialisation
 * (coldNll, the per-epoch axis marginals of the training samples), and after the fit
 * klGap = sourceNll - final meanNll, an estimate in nats of KL(target || source) - KL(target || fit),
 * i.e. of how far the source flow is from the target's when the fit is good.
 * Rule: the source is refused (the fit starts cold, `reason` says why) when its held-out NLL is
 * not below the cold start's: it would begin further from the target than the data
 * initialisation. This is the one-sided version of what bench/warm-start measured (a nearby
 * source, noise 1.0 -> 0.9 on a 64x64 crowd, reaches the same loss in 500
 * instead of 800 steps); a source that starts higher has nothing to save.
 */
export interface TransferReport {
  readonly population: number;
  readonly used: boolean;
  readonly reason: string;
  readonly sourceNll: number;
  readonly coldNll: number;
  readonly klGap?: number;
}

/** Mean negative log-likelihood (nats) of up to TRANSFER_NLL_MAX held-out cells per epoch. */
export function heldOutNll(g: CategoricalDensity, heldOut: readonly Int32Array[]): number {
  let s = 0;
  let n = 0;
  for (let t = 0; t < heldOut.length; t++) {
    const cells = heldOut[t]!;
    const k = Math.min(cells.length, TRANSFER_NLL_MAX);
    for (let i = 0; i < k; i++) s -= g.logCellMass(t, cells[i]!);
    n += k;
  }
  return s / Math.max(n, 1);
}

export function transferDecision(population: number, sourceNll: number, coldNll: number): TransferReport {
  const used = sourceNll < coldNll;
  const reason = used
    ? `source starts ${(coldNll - sourceNll).toFixed(4)} nats/agent below the cold start on held-out agents`
    : `refused: the source's held-out NLL ${sourceNll.toFixed(4)} is not below the cold start's ${coldNll.toFixed(4)} (it would start further from the target)`;
  return { population, used, reason, sourceNll, coldNll };
}

export function cloneWeights(w: NamedWeights): NamedWeights {
  return new Map([...w].map(([k, v]) => [k, { shape: [...v.shape], data: v.data.slice() }]));
}
