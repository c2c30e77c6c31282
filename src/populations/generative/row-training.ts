import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import type { Tf, TfHandle } from './backend';
import { splitCells, type CategoricalModel } from './categorical-generator';
import { drawBatch, type Examples } from './examples';
import type { TrainOptions, TrainResult } from './train';
import { VALIDATION_ROWS } from './fit-settings';
import type { NamedWeights } from './weights';

type Tensor = import('@tensorflow/tfjs').Tensor;

/**
 * Count-row maximum likelihood for the autoregressive generator (large grids).
 *
 * Axis k's log-likelihood depends on the data only through, for each context (t, x_<k), the
 * counts of x_k among the examples with that context. So instead of a minibatch of single
 * samples, a step draws contexts (in proportion to their counts) and scores each against its
 * whole empirical conditional row: on CrowdModelling2D 128² with 7·10^4 training agents per
 * epoch, a row of axis 1 carries about 550 samples, so a step of 256 rows sees ~1.4·10^5 samples
 * for the cost of 256. The objective is the same likelihood; only its gradient noise shrinks.
 *
 * Stopping is on the held-out NLL of a validation split (never the consensus loop's held-out
 * set): the weights' moving average is scored every `window` steps, the best is kept, and
 * `patience` windows without a gain stop the fit (each one halves the learning rate).
 */
export interface AxisRows {
  readonly axis: number;
  /** Distinct contexts. */
  readonly count: number;
  /** Size of the axis. */
  readonly n: number;
  readonly t: Int32Array;
  /** coords[j][i]: context i's coordinate on earlier axis j < axis. */
  readonly coords: readonly Int32Array[];
  /**
   * The empirical conditional rows (each sums to 1), sparse: row r's nonzero entries are
   * cols/vals[rowStart[r] .. rowStart[r + 1]). Dense rows were count × n float32: on a 1024²
   * grid with H = 200, ~2·10^5 contexts x 1,024 entries, 0.8 GB for the training rows and as much
   * for the validation ones, where the data has at most one entry per example.
   */
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float32Array;
  /** Total weight of each context's examples. */
  readonly weights: Float64Array;
}

/** The count rows of axis k of the examples. */
export function axisRows(model: CategoricalModel, data: Examples, k: number): AxisRows {
  const c = model.config;
  const coords = splitCells(c, data.cells!);
  const n = c.axes[k]!;
  const index = new Map<number, number>();
  const rowOf = new Int32Array(data.count);
  for (let i = 0; i < data.count; i++) {
    let key = data.t[i]!;
    for (let j = 0; j < k; j++) key = key * c.axes[j]! + coords[j]![i]!;
    let r = index.get(key);
    if (r === undefined) index.set(key, (r = index.size));
    rowOf[i] = r;
  }
  const m = index.size;
  const t = new Int32Array(m);
  const ctx = Array.from({ length: k }, () => new Int32Array(m));
  const weights = new Float64Array(m);
  const perRow = new Int32Array(m + 1);
  for (let i = 0; i < data.count; i++) {
    const r = rowOf[i]!;
    t[r] = data.t[i]!;
    for (let j = 0; j < k; j++) ctx[j]![r] = coords[j]![i]!;
    weights[r]! += data.weights ? data.weights[i]! : 1;
    perRow[r + 1]!++;
  }
  // The examples grouped by row, each group in example order (a stable counting sort).
  for (let r = 0; r < m; r++) perRow[r + 1]! += perRow[r]!;
  const order = new Int32Array(data.count);
  const fill = perRow.slice(0, m);
  for (let i = 0; i < data.count; i++) order[fill[rowOf[i]!]!++] = i;
  // Each row's entries accumulated in float32 in example order, then divided by the row's weight:
  // the numbers the dense rows held (Math.fround at each addition, as a Float32Array entry rounds).
  const acc = new Float32Array(n);
  const seen = new Uint8Array(n);
  const rowStart = new Int32Array(m + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const touched: number[] = [];
  for (let r = 0; r < m; r++) {
    touched.length = 0;
    for (let q = perRow[r]!; q < perRow[r + 1]!; q++) {
      const i = order[q]!;
      const x = coords[k]![i]!;
      if (!seen[x]) {
        seen[x] = 1;
        touched.push(x);
      }
      acc[x]! += data.weights ? data.weights[i]! : 1;
    }
    touched.sort((a, b) => a - b);
    for (const x of touched) {
      cols.push(x);
      vals.push(weights[r]! > 0 ? acc[x]! / weights[r]! : acc[x]!);
      acc[x] = 0;
      seen[x] = 0;
    }
    rowStart[r + 1] = cols.length;
  }
  return { axis: k, count: m, n, t, coords: ctx, rowStart, cols: Int32Array.from(cols), vals: Float32Array.from(vals), weights };
}

/** Row r of `rows` written densely into out[at .. at + n) (which must be zero there). */
function scatterRow(rows: AxisRows, r: number, out: Float32Array, at: number): void {
  for (let q = rows.rowStart[r]!; q < rows.rowStart[r + 1]!; q++) out[at + rows.cols[q]!] = rows.vals[q]!;
}

/** A batch of rows of one axis: all of them weighted by their totals, or a draw in proportion to them (weight 1 each). */
interface RowBatch {
  readonly rows: AxisRows;
  readonly idx: Int32Array;
  readonly w: Float32Array;
}

function fullBatch(rows: AxisRows): RowBatch {
  return { rows, idx: Int32Array.from({ length: rows.count }, (_x, i) => i), w: Float32Array.from(rows.weights) };
}

function drawRows(rows: AxisRows, n: number, rng: Rng): RowBatch {
  if (rows.count <= n) return fullBatch(rows);
  return { rows, idx: drawBatch({ count: rows.count, t: rows.t, cells: null, x: null, dim: 0, weights: rows.weights }, n, rng), w: new Float32Array(n).fill(1) };
}

/** Mean NLL per example (nats), summed over the axes, of the batches. Call inside tf.tidy. */
function rowLoss(tf: Tf, model: CategoricalModel, v: ReadonlyMap<string, Tensor>, batches: readonly RowBatch[]): Tensor {
  const c = model.config;
  let total: Tensor = tf.scalar(0);
  for (const { rows, idx, w } of batches) {
    const B = idx.length;
    const tIdx = new Int32Array(B);
    const target = new Float32Array(B * rows.n);
    for (let i = 0; i < B; i++) {
      const r = idx[i]!;
      tIdx[i] = rows.t[r]!;
      scatterRow(rows, r, target, i * rows.n);
    }
    const T = tf.oneHot(tf.tensor1d(tIdx, 'int32'), c.horizon).toFloat();
    const onehots = rows.coords.map((x, j) => tf.oneHot(tf.tensor1d(Int32Array.from(idx, (r) => x[r]!), 'int32'), c.axes[j]!).toFloat());
    const ll = tf.sum(tf.mul(tf.tensor2d(target, [B, rows.n]), tf.logSoftmax(model.axisLogits(tf, v, rows.axis, T, onehots))), 1);
    const wt = tf.tensor1d(w);
    total = tf.sub(total, tf.div(tf.sum(tf.mul(ll, wt)), tf.sum(wt)));
  }
  return total;
}

/** The mean NLL per example (nats) of `data` under `weights`, from all count rows of every axis (full batch). */
export function countRowNll(h: TfHandle, model: CategoricalModel, weights: NamedWeights, data: Examples): number {
  const { tf } = h;
  const batches = model.config.axes.map((_n, k) => fullBatch(axisRows(model, data, k)));
  return tf.tidy(() => {
    const v = new Map<string, Tensor>();
    for (const [name, w] of weights) v.set(name, tf.tensor(w.data, [...w.shape], 'float32'));
    return rowLoss(tf, model, v, batches).dataSync()[0]!;
  });
}


export interface RowTrainOptions extends TrainOptions {
  /** Validation examples for early stopping (disjoint from the training examples); null: stop on the training loss. */
  readonly valid: Examples | null;
}

/** Count-row Adam with a weight moving average and validation early stopping (see the file comment). */
export async function trainRows(h: TfHandle, model: CategoricalModel, weights: NamedWeights, data: Examples, opts: RowTrainOptions): Promise<TrainResult> {
  const { tf } = h;
  if (data.count === 0) throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', 'no training examples');
  const start = performance.now();
  const rng = new Rng(opts.seed);
  const K = model.config.axes.length;
  const rows = Array.from({ length: K }, (_x, k) => axisRows(model, data, k));
  const validRng = new Rng((opts.seed ^ 0x5bd1e995) >>> 0);
  const valid = opts.valid && opts.valid.count > 0 ? Array.from({ length: K }, (_x, k) => drawRows(axisRows(model, opts.valid!, k), VALIDATION_ROWS, validRng)) : null;
  const vars = new Map<string, import('@tensorflow/tfjs').Variable>();
  for (const [name, w] of weights) vars.set(name, tf.tidy(() => tf.variable(tf.tensor(w.data, [...w.shape], 'float32'), true)));
  const list = [...vars.values()];
  const ema = new Map<string, Float64Array>();
  for (const [name, w] of weights) ema.set(name, Float64Array.from(w.data));
  let bestWeights: Map<string, Float64Array> | null = null;
  const optimizer = tf.train.adam(opts.learningRate);
  const window = opts.window ?? 100;
  const tol = opts.tolerance ?? (valid ? 1e-4 : 1e-3);
  const patience = opts.patience ?? 3;
  const validNll = (): number =>
    tf.tidy(() => {
      const v = new Map<string, Tensor>();
      for (const [name, w] of weights) v.set(name, tf.tensor(Float32Array.from(ema.get(name)!), [...w.shape], 'float32'));
      return rowLoss(tf, model, v, valid!).dataSync()[0]!;
    });
  let best = Infinity;
  let bad = 0;
  let sum = 0;
  let inWindow = 0;
  let last = NaN;
  let steps = 0;
  let stoppedEarly = false;
  const curve: number[] = [];
  try {
    if (valid) {
      best = validNll();
      bestWeights = new Map([...ema].map(([k, a]) => [k, Float64Array.from(a)]));
    }
    while (steps < opts.maxSteps) {
      if (opts.signal?.aborted) throw new MfgError('MFG_ERR_GENERATIVE_ABORTED', 'generative fit aborted');
      const batches = rows.map((r) => drawRows(r, opts.batchSize, rng));
      const lossT = optimizer.minimize(() => rowLoss(tf, model, vars, batches) as import('@tensorflow/tfjs').Scalar, true, list);
      const loss = lossT!.dataSync()[0]!;
      lossT!.dispose();
      if (!Number.isFinite(loss)) throw new MfgError('MFG_ERR_INTERNAL', `training loss became ${loss} at step ${steps}`);
      // The same moving average as trainModel (train.ts).
      const decay = Math.min(0.99, (1 + steps) / (10 + steps));
      for (const [name, v] of vars) {
        const cur = v.dataSync() as Float32Array;
        const avg = ema.get(name)!;
        for (let i = 0; i < avg.length; i++) avg[i] = decay * avg[i]! + (1 - decay) * cur[i]!;
      }
      steps++;
      sum += loss;
      inWindow++;
      opts.onStep?.(steps, opts.maxSteps, loss);
      if (inWindow < window) continue;
      last = sum / window;
      sum = 0;
      inWindow = 0;
      const score = valid ? validNll() : last;
      curve.push(score);
      if (opts.targetLoss !== undefined && last <= opts.targetLoss) {
        stoppedEarly = true;
        if (valid && score < best) bestWeights = new Map([...ema].map(([k, a]) => [k, Float64Array.from(a)]));
        break;
      }
      if (score < best - tol) {
        best = score;
        bad = 0;
        if (valid) bestWeights = new Map([...ema].map(([k, a]) => [k, Float64Array.from(a)]));
      } else {
        if (valid && score < best) {
          best = score;
          bestWeights = new Map([...ema].map(([k, a]) => [k, Float64Array.from(a)]));
        }
        if (++bad >= patience) {
          stoppedEarly = true;
          break;
        }
        (optimizer as unknown as { learningRate: number }).learningRate /= 2;
      }
      await new Promise<void>((r) => setImmediate(r));
    }
    if (Number.isNaN(last) && inWindow > 0) last = sum / inWindow;
    const result = bestWeights ?? ema;
    for (const [name] of vars) weights.get(name)!.data.set(result.get(name)!);
  } finally {
    optimizer.dispose();
    for (const v of list) v.dispose();
  }
  return { steps, loss: last, seconds: (performance.now() - start) / 1000, stoppedEarly, curve };
}
