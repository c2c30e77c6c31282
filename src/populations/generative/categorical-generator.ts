import { MfgError } from '../../core/errors';
import type { FinitePopulation } from '../../core/finite-game';
import type { Rng } from '../../core/rng';
import type { Tf } from './backend';
import { addRow, affine, logSoftmaxGivenMax, logSoftmaxInPlace, logSumExp, reluInPlace, sampleLogProbs } from './dense';
import type { Examples } from './examples';
import type { PlainObjective, TrainableModel, Variables } from './model';
import { RowSummaryCache, summarisesRows } from './row-summary-cache';
import { oneHotFloat } from './one-hot';
import { softmaxObjective } from './softmax-objective';
import { WasmAffine } from './wasm-affine';
import { f64, get, glorot, normalWeight, weight, type NamedWeights } from './weights';

type Tensor = import('@tensorflow/tfjs').Tensor;

/**
 * A time-conditioned categorical generator over a finite population's joint cells (s, a).
 *
 * - `softmax` (small spaces): one axis, a softmax over all S·A cells.
 * - `autoregressive` (large grids): the axes of the state grid then the action,
 *   log L_t(x) = sum_k log p(x_k | x_<k, t). Each conditional is a small MLP over the epoch
 *   embedding and embeddings of the earlier coordinates, so parameters grow like d·n·width, not n^d.
 *   The action is the last axis, so log mu_t(s) is the sum over the state axes alone: no sum
 *   over actions, no table.
 * Every axis also has a per-epoch bias row (H × n_k): the epoch's marginal of the first axis is
 * then free, and the MLP only has to learn the dependence between coordinates.
 */
export interface CategoricalConfig {
  readonly kind: 'softmax' | 'autoregressive';
  readonly horizon: number;
  readonly numStates: number;
  readonly numActions: number;
  /** Sizes of the modelled axes: [S·A] (softmax) or [...stateShape, A] (autoregressive). */
  readonly axes: readonly number[];
  readonly embedding: number;
  readonly hidden: number;
}

export function categoricalConfig(pop: FinitePopulation, horizon: number, kind: 'softmax' | 'autoregressive', embedding = 16, hidden = 64): CategoricalConfig {
  const { numStates: S, numActions: A } = pop;
  const axes = kind === 'softmax' ? [S * A] : [...pop.stateShape, A];
  if (!Number.isInteger(embedding) || embedding < 1 || !Number.isInteger(hidden) || hidden < 1) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `embedding and hidden must be positive integers, got ${embedding}, ${hidden}`);
  }
  return { kind, horizon, numStates: S, numActions: A, axes, embedding, hidden };
}

/** Input width of axis k's MLP: the epoch embedding plus one embedding per earlier axis. */
const inputWidth = (c: CategoricalConfig, k: number): number => c.embedding * (k + 1);

export class CategoricalModel implements TrainableModel<CategoricalConfig> {
  constructor(readonly config: CategoricalConfig) {}

  init(rng: Rng): NamedWeights {
    const c = this.config;
    const w: NamedWeights = new Map();
    w.set('time', normalWeight([c.horizon, c.embedding], 0.5, rng));
    c.axes.forEach((n, k) => {
      for (let j = 0; j < k; j++) w.set(`emb${k}_${j}`, normalWeight([c.axes[j]!, c.embedding], 0.5, rng));
      w.set(`w1_${k}`, glorot(inputWidth(c, k), c.hidden, rng));
      w.set(`b1_${k}`, weight([c.hidden]));
      w.set(`w2_${k}`, glorot(c.hidden, n, rng, 0.1));
      w.set(`b2_${k}`, weight([n]));
      w.set(`bias${k}`, weight([c.horizon, n]));
    });
    return w;
  }

  /**
   * Data-dependent start: every axis's per-epoch bias row becomes the log of that axis's
   * smoothed empirical marginal at that epoch (counts + 1/2). Cells the data never visit start
   * near -log(2n) instead of at the uniform logit, which Adam would need many steps to push down.
   */
  initFromData(w: NamedWeights, data: Examples): void {
    const c = this.config;
    const coords = splitCells(c, data.cells!);
    const perEpoch = new Float64Array(c.horizon);
    const mult = (i: number): number => (data.weights ? data.weights[i]! : 1);
    for (let i = 0; i < data.count; i++) perEpoch[data.t[i]!]! += mult(i);
    c.axes.forEach((n, k) => {
      const counts = new Float64Array(c.horizon * n);
      for (let i = 0; i < data.count; i++) counts[data.t[i]! * n + coords[k]![i]!]! += mult(i);
      const bias = get(w, `bias${k}`).data;
      for (let t = 0; t < c.horizon; t++) {
        const total = perEpoch[t]! + 0.5 * n;
        for (let x = 0; x < n; x++) bias[t * n + x] = Math.log((counts[t * n + x]! + 0.5) / total);
      }
    });
  }

  /**
   * Warm-start alignment: keeps the loaded network (the learned dependence between coordinates)
   * but shifts the first axis's per-epoch bias so that axis's marginal equals the new data's
   * smoothed marginal exactly: log p(x_0 | t) moves by log(empirical) - log(current).
   */
  alignFirstAxis(w: NamedWeights, data: Examples): void {
    const c = this.config;
    const n = c.axes[0]!;
    const fresh = new CategoricalModel(c);
    const target = new Map([[`bias0`, weight([c.horizon, n])]]);
    // The smoothed empirical marginal of axis 0 per epoch, computed as initFromData would.
    const tmp: NamedWeights = new Map(w);
    tmp.set('bias0', target.get('bias0')!);
    for (let k = 1; k < c.axes.length; k++) tmp.set(`bias${k}`, weight([c.horizon, c.axes[k]!]));
    fresh.initFromData(tmp, data);
    const current = new CategoricalDensity(c, w);
    const bias = get(w, 'bias0').data;
    for (let t = 0; t < c.horizon; t++) {
      const logEmp = target.get('bias0')!.data;
      for (let x = 0; x < n; x++) {
        // logCellMass of the first axis alone: the row of axis 0 (no earlier coordinates).
        const lp = current.axisLogProb(t, 0, x);
        bias[t * n + x]! += logEmp[t * n + x]! - lp;
      }
    }
  }

  /**
   * Axis k's logits for a batch of contexts: T is the one-hot epoch [B, H], onehots[j] the one-hot
   * earlier coordinates [B, n_j] (j < k; later entries are ignored). Call inside tf.tidy.
   */
  axisLogits(tf: Tf, v: ReadonlyMap<string, Tensor>, k: number, T: Tensor, onehots: readonly Tensor[]): Tensor {
    const timeE = tf.matMul(T, v.get('time')!);
    const parts = [timeE];
    for (let j = 0; j < k; j++) parts.push(tf.matMul(onehots[j]!, v.get(`emb${k}_${j}`)!));
    const input = parts.length === 1 ? timeE : tf.concat(parts, 1);
    const hid = tf.relu(tf.add(tf.matMul(input, v.get(`w1_${k}`)!), v.get(`b1_${k}`)!));
    return tf.add(tf.add(tf.matMul(hid, v.get(`w2_${k}`)!), v.get(`b2_${k}`)!), tf.matMul(T, v.get(`bias${k}`)!));
  }

  loss(tf: Tf, v: Variables, batch: Examples): import('@tensorflow/tfjs').Scalar {
    const c = this.config;
    const coords = splitCells(c, batch.cells!);
    return tf.tidy(() => {
      const T = tf.oneHot(tf.tensor1d(batch.t, 'int32'), c.horizon).toFloat();
      const timeE = tf.matMul(T, v.get('time')!);
      // One-hot × matrix instead of tf.gather: the wasm backend lacks UnsortedSegmentSum (gather's gradient).
      const onehots = coords.map((x, k) => oneHotFloat(tf, x, c.axes[k]!));
      let ll: import('@tensorflow/tfjs').Tensor = tf.zeros([batch.count]);
      c.axes.forEach((_n, k) => {
        const parts = [timeE];
        for (let j = 0; j < k; j++) parts.push(tf.matMul(onehots[j]!, v.get(`emb${k}_${j}`)!));
        const input = parts.length === 1 ? timeE : tf.concat(parts, 1);
        const hid = tf.relu(tf.add(tf.matMul(input, v.get(`w1_${k}`)!), v.get(`b1_${k}`)!));
        const logits = tf.add(tf.add(tf.matMul(hid, v.get(`w2_${k}`)!), v.get(`b2_${k}`)!), tf.matMul(T, v.get(`bias${k}`)!));
        ll = tf.add(ll, tf.sum(tf.mul(onehots[k]!, tf.logSoftmax(logits)), 1));
      });
      if (!batch.weights) return tf.neg(tf.mean(ll)) as import('@tensorflow/tfjs').Scalar;
      const w = Float32Array.from(batch.weights);
      const total = w.reduce((a, b) => a + b, 0);
      return tf.div(tf.neg(tf.sum(tf.mul(ll, tf.tensor1d(w)))), total) as import('@tensorflow/tfjs').Scalar;
    });
  }

  /** The softmax kind's loss as plain JavaScript (its logits depend on the epoch alone): see softmax-objective.ts. */
  plainObjective(data: Examples): PlainObjective {
    return this.config.kind === 'softmax' ? softmaxObjective(this.config, data) : { flops: Infinity, rows: 0, evaluate: () => NaN };
  }
}

/** Per-axis coordinates of joint cells s*A + a (row-major state grid, then the action). */
export function splitCells(c: CategoricalConfig, cells: Int32Array): Int32Array[] {
  const K = c.axes.length;
  const out = c.axes.map(() => new Int32Array(cells.length));
  for (let i = 0; i < cells.length; i++) {
    let r = cells[i]!;
    for (let k = K - 1; k >= 0; k--) {
      const n = c.axes[k]!;
      out[k]![i] = r % n;
      r = Math.floor(r / n);
    }
  }
  return out;
}

/**
 * Bounded cache of conditional log-probability rows (queries walk states in order, so rows
 * repeat). When full it starts over, and the rows it drops become the buffers of the next ones:
 * a 1024² step computes ~1,024 rows of 8 KiB, which as fresh arrays were a tenth of the step in
 * allocation and GC. A row is read at once by every caller (never kept across row calls), and
 * every new row overwrites its whole buffer.
 */
class RowCache {
  private readonly map = new Map<number, Float64Array>();
  private readonly spare: Float64Array[] = [];
  constructor(private readonly maxRows: number) {}
  get(key: number): Float64Array | undefined {
    return this.map.get(key);
  }
  /** A buffer of n numbers for a new row: a dropped row's, or a new one. */
  buffer(n: number): Float64Array {
    const b = this.spare.pop();
    return b && b.length === n ? b : new Float64Array(n);
  }
  set(key: number, row: Float64Array): void {
    if (this.map.size >= this.maxRows) {
      for (const r of this.map.values()) this.spare.push(r);
      this.map.clear();
    }
    this.map.set(key, row);
  }
  /** Bytes of the rows held: cached and spare (together at most maxRows rows). */
  get bytes(): number {
    let n = 0;
    for (const r of this.map.values()) n += r.byteLength;
    for (const r of this.spare) n += r.byteLength;
    return n;
  }
}

/**
 * Rows kept for axis k > 0: every context of two epochs (a step with two epochs present, a
 * sampling pass over one epoch: on a 1024² grid each epoch's queries hit all 1024 rows of axis 1,
 * which a 256-row cache recomputed about three times each), within 4096 rows and 16 MiB.
 */
function rowCacheSize(axes: readonly number[], k: number, n: number): number {
  let contexts = 1;
  for (let j = 0; j < k; j++) contexts *= axes[j]!;
  return Math.max(256, Math.min(2 * contexts, 4096, Math.floor((16 << 20) / (8 * n))));
}

/**
 * Output widths from which an axis's output layer runs in WebAssembly SIMD (wasm-affine.ts, the
 * same numbers): the per-call overhead pays from a few hundred outputs (a 1024² grid's axes).
 */
const WASM_MIN_WIDTH = 256;

/**
 * The fitted generator as plain JavaScript over float64 copies of its weights: log-masses of
 * cells and states, batched state queries, and sampling with the project RNG.
 */
export class CategoricalDensity {
  private readonly time: Float64Array;
  private readonly emb: Float64Array[][];
  private readonly w1: Float64Array[];
  private readonly b1: Float64Array[];
  private readonly w2: (Float64Array | null)[];
  /** Axes whose output layer runs in WebAssembly SIMD (wide, even axes: see WASM_MIN_WIDTH), else null. */
  private readonly w2Wasm: (WasmAffine | null)[];
  private readonly b2: Float64Array[];
  private readonly bias: Float64Array[];
  private readonly caches: RowCache[];
  /** Axis k > 0: what each computed row is made of, for single-entry queries after its eviction. */
  private readonly summaries: RowSummaryCache[];
  private readonly input: Float64Array;
  private readonly hid: Float64Array;
  private readonly coord: Int32Array;
  /** The softmax kind keeps its per-epoch state marginals (S·H numbers: small spaces only). */
  private readonly stateLog: (Float64Array | null)[];
  readonly parameterCount: number;

  constructor(
    readonly config: CategoricalConfig,
    readonly weights: NamedWeights,
  ) {
    const c = config;
    this.time = f64(weights, 'time');
    this.emb = c.axes.map((_n, k) => Array.from({ length: k }, (_x, j) => f64(weights, `emb${k}_${j}`)));
    this.w1 = c.axes.map((_n, k) => f64(weights, `w1_${k}`));
    this.b1 = c.axes.map((_n, k) => f64(weights, `b1_${k}`));
    this.w2Wasm = c.axes.map((n, k) => (n >= WASM_MIN_WIDTH ? WasmAffine.create(get(weights, `w2_${k}`).data, c.hidden, n) : null));
    // The float64 copy of an output layer lives in the WebAssembly memory when it runs there.
    this.w2 = c.axes.map((_n, k) => (this.w2Wasm[k] ? null : f64(weights, `w2_${k}`)));
    this.b2 = c.axes.map((_n, k) => f64(weights, `b2_${k}`));
    this.bias = c.axes.map((_n, k) => f64(weights, `bias${k}`));
    this.caches = c.axes.map((n, k) => new RowCache(k === 0 ? c.horizon : rowCacheSize(c.axes, k, n)));
    this.summaries = c.axes.map(() => new RowSummaryCache());
    this.input = new Float64Array(inputWidth(c, c.axes.length - 1));
    this.hid = new Float64Array(c.hidden);
    this.coord = new Int32Array(c.axes.length);
    this.stateLog = new Array<Float64Array | null>(c.horizon).fill(null);
    let n = 0;
    for (const w of weights.values()) n += w.data.length;
    this.parameterCount = n;
  }

  /** The context (t, x_<k = coord[0..k)) of axis k as one number. */
  private contextKey(t: number, k: number): number {
    let key = t;
    for (let j = 0; j < k; j++) key = key * this.config.axes[j]! + this.coord[j]!;
    return key;
  }

  /** log p(x_k = x | x_<k = coord[0..k), t): from the cached row, else its summary, else a new row. */
  private entry(t: number, k: number, x: number): number {
    const key = this.contextKey(t, k);
    const row = this.caches[k]!.get(key);
    if (row) return row[x]!;
    const W2 = this.w2[k] ?? this.w2Wasm[k]!.weights;
    const kept = this.summaries[k]!.entry(key, W2, this.b2[k]!, this.bias[k]!, t, this.config.axes[k]!, x);
    return kept ?? this.row(t, k, key)[x]!;
  }

  /**
   * log p(x_k = . | x_<k = coord[0..k), t) as a cached row. `summarise` false skips its summary:
   * a whole-grid walk reads every row in full, and its summaries (96 MiB per generator at 1024²)
   * would only serve single-entry queries that walk never makes.
   */
  private row(t: number, k: number, key = this.contextKey(t, k), summarise = true): Float64Array {
    const c = this.config;
    const cache = this.caches[k]!;
    const hit = cache.get(key);
    if (hit) return hit;
    const e = c.embedding;
    const input = this.input;
    // The input: the epoch's embedding, then each earlier coordinate's (copied, no views).
    const time = this.time;
    for (let i = 0; i < e; i++) input[i] = time[t * e + i]!;
    for (let j = 0; j < k; j++) {
      const emb = this.emb[k]![j]!;
      const from = this.coord[j]! * e;
      for (let i = 0; i < e; i++) input[(j + 1) * e + i] = emb[from + i]!;
    }
    affine(input, 0, inputWidth(c, k), this.w1[k]!, this.b1[k]!, c.hidden, this.hid);
    reluInPlace(this.hid);
    const n = c.axes[k]!;
    const out = cache.buffer(n);
    let lz: number;
    const wasm = this.w2Wasm[k];
    if (wasm) {
      // logits + the epoch's bias row, written into the row with their maximum in one pass (what
      // affine, addRow and logSoftmaxInPlace's first pass compute, in the same order).
      const logits = wasm.affineInPlace(this.hid, 0, this.b2[k]!);
      const bias = this.bias[k]!;
      const base = t * n;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = logits[j]! + bias[base + j]!;
        out[j] = v;
        if (v > m) m = v;
      }
      lz = logSoftmaxGivenMax(out, n, m);
    } else {
      affine(this.hid, 0, c.hidden, this.w2[k]!, this.b2[k]!, n, out);
      addRow(this.bias[k]!, t, n, out);
      lz = logSoftmaxInPlace(out);
    }
    cache.set(key, out);
    if (summarise && k > 0 && summarisesRows(n, c.hidden)) this.summaries[k]!.add(key, this.hid, c.hidden, lz);
    return out;
  }

  private setCoords(cell: number): void {
    const axes = this.config.axes;
    for (let k = axes.length - 1; k >= 0; k--) {
      this.coord[k] = cell % axes[k]!;
      cell = Math.floor(cell / axes[k]!);
    }
  }

  /** log p(x_0 = x | t): the first axis's marginal. */
  axisLogProb(t: number, k: 0, x: number): number {
    return this.row(t, k)[x]!;
  }

  /** log L_t(s, a) for the joint cell s*A + a. */
  logCellMass(t: number, cell: number): number {
    this.setCoords(cell);
    let lp = 0;
    for (let k = 0; k < this.config.axes.length; k++) lp += this.entry(t, k, this.coord[k]!);
    return lp;
  }

  /** log mu_t(s). */
  logStateMass(t: number, s: number): number {
    const c = this.config;
    if (c.kind === 'softmax') {
      let table = this.stateLog[t];
      if (!table) {
        const r = this.row(t, 0);
        table = new Float64Array(c.numStates);
        for (let i = 0; i < c.numStates; i++) table[i] = logSumExp(r, i * c.numActions, c.numActions);
        this.stateLog[t] = table;
      }
      return table[s]!;
    }
    // The action is the last axis: the state's mass is the product of the state-axis conditionals.
    this.setCoords(s * c.numActions);
    let lp = 0;
    for (let k = 0; k + 1 < c.axes.length; k++) lp += this.entry(t, k, this.coord[k]!);
    return lp;
  }

  /** log mu_t(s) for many states into out (the batched query of large grids). */
  logStateMassBatch(t: number, states: Int32Array, out = new Float64Array(states.length)): Float64Array {
    for (let i = 0; i < states.length; i++) out[i] = this.logStateMass(t, states[i]!);
    return out;
  }

  /**
   * log mu_t(s) of every state s = 0 .. S-1 into out: what the streaming solvers read per epoch.
   * It walks the contexts in order and reads each conditional row once, instead of one cache
   * lookup per axis per state (most of a 256² gd-fp iteration went to those lookups). The sums
   * are logStateMass's, in its order (0 + axis 0 + axis 1 + ...), from the same rows, so every
   * entry equals logStateMass(t, s) bit for bit.
   */
  logStateMassAll(t: number, out = new Float64Array(this.config.numStates)): Float64Array {
    const c = this.config;
    if (c.kind === 'softmax') {
      for (let s = 0; s < c.numStates; s++) out[s] = this.logStateMass(t, s);
      return out;
    }
    this.fillStates(t, 0, 0, 0, out);
    return out;
  }

  /** States whose first k coordinates are coord[0..k) (index `prefix` so far, log-mass lp so far). */
  private fillStates(t: number, k: number, prefix: number, lp: number, out: Float64Array): void {
    const n = this.config.axes[k]!;
    // Rows of axis k live in caches[k]; the deeper axes fill their own caches, so this row stays valid.
    const r = this.row(t, k, this.contextKey(t, k), false);
    const last = k + 2 === this.config.axes.length;
    for (let x = 0; x < n; x++) {
      const v = lp + r[x]!;
      if (last) out[prefix * n + x] = v;
      else {
        this.coord[k] = x;
        this.fillStates(t, k + 1, prefix * n + x, v, out);
      }
    }
  }

  /** n joint cells s*A + a drawn from L_t (ancestral sampling, axis by axis). */
  sampleCells(t: number, n: number, rng: Rng): Int32Array {
    const axes = this.config.axes;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let cell = 0;
      for (let k = 0; k < axes.length; k++) {
        const r = this.row(t, k);
        const x = sampleLogProbs(r, axes[k]!, rng.random());
        this.coord[k] = x;
        cell = cell * axes[k]! + x;
      }
      out[i] = cell;
    }
    return out;
  }

  /** Float32 weights + their float64 copies (in WebAssembly memory for wide output layers, pages rounded up) + cached rows. */
  memoryBytes(): number {
    let cached = 0;
    for (const c of this.caches) cached += c.bytes;
    for (const s of this.summaries) cached += s.bytes;
    for (const s of this.stateLog) cached += s ? s.byteLength : 0;
    let wasmExtra = 0;
    this.w2Wasm.forEach((w, k) => (wasmExtra += w ? w.bytes - 8 * this.config.hidden * this.config.axes[k]! : 0));
    return this.parameterCount * (4 + 8) + wasmExtra + cached;
  }
}
