import { MfgError } from '../../core/errors';

/** Checks one population's per-epoch cells: H epochs, at least 4 agents each, every cell in [0, numCells). */
export function checkCells(cells: readonly Int32Array[], H: number, numCells: number, p: number): void {
  if (!Array.isArray(cells) || cells.length !== H) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `population ${p}: samples must have one Int32Array per epoch (${H}), got ${(cells as unknown[])?.length}`);
  }
  cells.forEach((c, t) => {
    if (c.length < 4) throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `population ${p}, epoch ${t}: need at least 4 samples, got ${c.length}`);
    for (let i = 0; i < c.length; i++) {
      if (!(c[i]! >= 0 && c[i]! < numCells)) {
        throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `population ${p}, epoch ${t}: cell ${c[i]} is outside [0, ${numCells})`, { details: { p, t, cell: c[i] } });
      }
    }
  });
}

/** Per epoch: the first (1 - holdout) share to fit, the rest held out (agents are i.i.d.). */
export function splitFinite(cells: readonly Int32Array[], holdout: number): [Int32Array[], Int32Array[]] {
  const train: Int32Array[] = [];
  const test: Int32Array[] = [];
  for (const c of cells) {
    const k = Math.max(1, Math.min(c.length - 2, Math.round(c.length * (1 - holdout))));
    train.push(c.subarray(0, k));
    test.push(c.subarray(k));
  }
  return [train, test];
}

export function splitContinuous(points: readonly Float64Array[], d: number, holdout: number): [Float64Array[], Float64Array[]] {
  const train: Float64Array[] = [];
  const test: Float64Array[] = [];
  for (const x of points) {
    const n = x.length / d;
    if (!Number.isInteger(n) || n < 4) throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `each epoch needs at least 4 points of dimension ${d}, got ${x.length} numbers`);
    const k = Math.max(1, Math.min(n - 2, Math.round(n * (1 - holdout))));
    train.push(x.subarray(0, k * d));
    test.push(x.subarray(k * d));
  }
  return [train, test];
}
