import Ajv, { type ErrorObject } from 'ajv';
import { MfgError } from '../core/errors';
import type { FiniteGame, MeanFieldQuery, SparseKernel } from '../core/finite-game';
import { buildKernel } from '../core/kernel';
import { singlePopulationGame } from '../core/single-population-game';
import type { EnvSpec } from './env-spec';
import schema from './declarative-game.schema.json';

/** The JSON form of a finite game (`declarative-game.schema.json` documents every field). */
export interface DeclarativeGameDocument {
  id: string;
  description: string;
  horizon: number;
  numStates: number;
  numActions: number;
  stateShape?: number[];
  stateLabels?: string[];
  actionLabels?: string[];
  mu0: number[];
  legal?: (boolean | number)[][];
  noopAction?: number;
  transitions?: TransitionTable;
  transitionsByEpoch?: TransitionTable[];
  rewards?: number[][];
  rewardsByEpoch?: number[][][];
  meanFieldTerms?: MeanFieldTerm[];
}

export type TransitionTable = { dense: number[][][] } | { sparse: [number, number][][][] } | { deterministic: number[][] };

export type MeanFieldTerm =
  | { type: 'log'; coef?: number; eps?: number; epochs?: number[] }
  | { type: 'linear'; W: number[][]; epochs?: number[] }
  | { type: 'congestion'; coef?: number; cost: number[]; epochs?: number[] }
  | { type: 'power'; coef?: number; exponent: number; epochs?: number[] };

/** The JSON Schema every document is checked against (for `mfgym list`, docs and editors). */
export const DECLARATIVE_GAME_SCHEMA = schema;

// Compiled once, at module load (STYLE: every schema compiled once at start-up).
const ajv = new Ajv({ allErrors: false, strict: false, discriminator: true });
const validateSchema = ajv.compile(schema);

const ROW_TOL = 1e-9;

/**
 * Checks a document against the JSON Schema, then its shapes and probabilities, and builds
 * the game. Errors (MFG_ERR_REGISTRY_BAD_GAME_DOCUMENT) name the offending entry, e.g.
 * `transitions.sparse[3][1] sums to 0.9, expected 1`. `source` (a file name) prefixes messages.
 */
export function declarativeGame(doc: unknown, source?: string): FiniteGame {
  return compile(checkDocument(doc, source), source);
}

/** The EnvSpec of a document: no kwargs, a game built (and checked) once, here. */
export function declarativeGameSpec(doc: unknown, source?: string): EnvSpec {
  const d = checkDocument(doc, source);
  const game = compile(d, source);
  return {
    id: d.id,
    kind: 'finite',
    description: d.description,
    kwargsSchema: { type: 'object', properties: {}, additionalProperties: false },
    create: () => game,
  };
}

/** Schema validation alone; returns the document typed. */
export function checkDocument(doc: unknown, source?: string): DeclarativeGameDocument {
  if (!validateSchema(doc)) {
    const e = validateSchema.errors![0]!;
    throw fail(source, doc, `${fieldName(e.instancePath) || 'the document'} ${describe(e)}`, { path: e.instancePath, keyword: e.keyword });
  }
  return doc as unknown as DeclarativeGameDocument;
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `has an unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'required') return `is missing the required field "${(e.params as { missingProperty: string }).missingProperty}"`;
  if (e.keyword === 'enum') return `${e.message}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  if (e.keyword === 'discriminator') return 'needs "type" to be one of "log", "linear", "congestion", "power"';
  if (e.keyword === 'minProperties' || e.keyword === 'maxProperties') return 'must have exactly one of "dense", "sparse", "deterministic"';
  return e.message ?? 'is invalid';
}

/** "/transitions/sparse/3/1" -> "transitions.sparse[3][1]". */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function fail(source: string | undefined, doc: unknown, msg: string, details: Record<string, unknown> = {}): MfgError {
  const id = doc && typeof doc === 'object' && typeof (doc as { id?: unknown }).id === 'string' ? (doc as { id: string }).id : null;
  const where = [source, id].filter(Boolean).join(' ');
  return new MfgError('MFG_ERR_REGISTRY_BAD_GAME_DOCUMENT', `declarative game${where ? ` ${where}` : ''}: ${msg}`, {
    details: { ...(source ? { file: source } : {}), ...(id ? { id } : {}), ...details },
  });
}

/** A term ready to evaluate: which epochs it is paid at, and its tables. */
type CompiledTerm =
  | { type: 'log'; active: Uint8Array; coef: number; eps: number }
  | { type: 'linear'; active: Uint8Array; rowStart: Int32Array; col: Int32Array; w: Float64Array }
  | { type: 'congestion'; active: Uint8Array; coef: number; cost: Float64Array }
  | { type: 'power'; active: Uint8Array; coef: number; exponent: number };

function compile(d: DeclarativeGameDocument, source?: string): FiniteGame {
  const { horizon: H, numStates: S, numActions: A } = d;
  const bad = (msg: string, field?: string): never => {
    throw fail(source, d, msg, field ? { field } : {});
  };
  const expectLength = (arr: { length: number }, n: number, field: string, what: string): void => {
    if (arr.length !== n) bad(`${field} has length ${arr.length}, expected ${n} (${what})`, field);
  };

  if (d.stateShape && d.stateShape.reduce((x, y) => x * y, 1) !== S) {
    bad(`stateShape [${d.stateShape.join(', ')}] multiplies to ${d.stateShape.reduce((x, y) => x * y, 1)}, expected numStates = ${S}`, 'stateShape');
  }
  if (d.stateLabels) expectLength(d.stateLabels, S, 'stateLabels', 'numStates');
  if (d.actionLabels) expectLength(d.actionLabels, A, 'actionLabels', 'numActions');

  expectLength(d.mu0, S, 'mu0', 'numStates');
  const mu0 = Float64Array.from(d.mu0);
  const mass = mu0.reduce((x, y) => x + y, 0);
  if (Math.abs(mass - 1) > ROW_TOL) bad(`mu0 sums to ${mass}, expected 1`, 'mu0');

  let legal: Uint8Array | null = null;
  if (d.legal) {
    expectLength(d.legal, S, 'legal', 'numStates');
    legal = new Uint8Array(S * A);
    for (let s = 0; s < S; s++) {
      expectLength(d.legal[s]!, A, `legal[${s}]`, 'numActions');
      let any = false;
      for (let a = 0; a < A; a++) {
        const ok = d.legal[s]![a] === true || d.legal[s]![a] === 1;
        legal[s * A + a] = ok ? 1 : 0;
        any ||= ok;
      }
      if (!any) bad(`legal[${s}] allows no action: every state needs at least one legal action`, `legal[${s}]`);
    }
  }
  const noop = d.noopAction;
  if (noop !== undefined) {
    if (!Number.isInteger(noop) || noop < 0 || noop >= A) bad(`noopAction must be an action index in [0, ${A}), got ${noop}`, 'noopAction');
    for (let s = 0; s < S && legal; s++) if (legal[s * A + noop] === 0) bad(`noopAction ${noop} is illegal in state ${s}: the no-op must be legal everywhere`, 'noopAction');
  }

  // Transitions: one shared kernel, or one per epoch t < H-1.
  if (d.transitions && d.transitionsByEpoch) bad('give either transitions or transitionsByEpoch, not both', 'transitionsByEpoch');
  let kernels: SparseKernel[];
  if (d.transitionsByEpoch) {
    expectLength(d.transitionsByEpoch, H - 1, 'transitionsByEpoch', 'one table per epoch t < horizon - 1');
    kernels = d.transitionsByEpoch.map((tab, t) => kernelOf(tab, S, A, `transitionsByEpoch[${t}]`, bad));
  } else if (d.transitions) {
    const k = kernelOf(d.transitions, S, A, 'transitions', bad);
    kernels = new Array<SparseKernel>(Math.max(0, H - 1)).fill(k);
  } else {
    if (H > 1) bad(`a game with horizon ${H} needs transitions (or transitionsByEpoch)`, 'transitions');
    kernels = [];
  }

  // Base rewards: one S*A table per epoch (shared when time-independent).
  if (d.rewards && d.rewardsByEpoch) bad('give either rewards or rewardsByEpoch, not both', 'rewardsByEpoch');
  let base: Float64Array[];
  if (d.rewardsByEpoch) {
    expectLength(d.rewardsByEpoch, H, 'rewardsByEpoch', 'one table per epoch');
    base = d.rewardsByEpoch.map((m, t) => matrixOf(m, S, A, `rewardsByEpoch[${t}]`, bad));
  } else {
    const m = d.rewards ? matrixOf(d.rewards, S, A, 'rewards', bad) : new Float64Array(S * A);
    base = new Array<Float64Array>(H).fill(m);
  }

  const terms = (d.meanFieldTerms ?? []).map((term, i) => compileTerm(term, S, A, H, `meanFieldTerms[${i}]`, bad));
  const anyTerm = (t: number): boolean => terms.some((c) => c.active[t] === 1);
  const mu = new Float64Array(S);
  const wmu = new Float64Array(S);

  return singlePopulationGame({
    name: 'population',
    horizon: H,
    numStates: S,
    numActions: A,
    ...(d.stateShape ? { stateShape: d.stateShape } : {}),
    ...(d.stateLabels ? { stateLabels: d.stateLabels } : {}),
    ...(d.actionLabels ? { actionLabels: d.actionLabels } : {}),
    mu0,
    legal,
    ...(noop !== undefined ? { noopAction: noop } : {}),
    dynamicsDependOnMeanField: false,
    reward(t, L, out) {
      out.set(base[t]!);
      if (!anyTerm(t)) return;
      for (let s = 0; s < S; s++) {
        let m = 0;
        for (let a = 0; a < A; a++) m += L[s * A + a]!;
        mu[s] = m;
      }
      // Terms are added one after another in document order, as rewardAt does, so the two agree exactly.
      for (const c of terms) {
        if (c.active[t] === 0) continue;
        if (c.type === 'linear') {
          for (let s = 0; s < S; s++) wmu[s] = linearRow(c, s, (j) => mu[j]!);
          for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) out[s * A + a]! += wmu[s]!;
        } else {
          for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) out[s * A + a]! += pointTerm(c, a, mu[s]!);
        }
      }
    },
    transition: (t) => kernels[t]!,
    rewardAt(t, s, a, q: MeanFieldQuery) {
      let r = base[t]![s * A + a]!;
      for (const c of terms) {
        if (c.active[t] === 0) continue;
        r += c.type === 'linear' ? linearRow(c, s, (j) => q.stateMass(0, j)) : pointTerm(c, a, q.stateMass(0, s));
      }
      return r;
    },
  });
}

/** (W mu)(s) over the non-zero entries of row s of W. */
function linearRow(c: Extract<CompiledTerm, { type: 'linear' }>, s: number, mu: (j: number) => number): number {
  let v = 0;
  for (let k = c.rowStart[s]!; k < c.rowStart[s + 1]!; k++) v += c.w[k]! * mu(c.col[k]!);
  return v;
}

/** A term that reads only the agent's own state's mass. */
function pointTerm(c: Exclude<CompiledTerm, { type: 'linear' }>, a: number, m: number): number {
  switch (c.type) {
    case 'log':
      return -c.coef * Math.log(m + c.eps);
    case 'congestion':
      return -c.coef * m * c.cost[a]!;
    case 'power':
      return -c.coef * Math.pow(m, c.exponent);
  }
}

function compileTerm(term: MeanFieldTerm, S: number, A: number, H: number, field: string, bad: (msg: string, field?: string) => never): CompiledTerm {
  const active = new Uint8Array(H);
  if (term.epochs) {
    term.epochs.forEach((t, i) => {
      if (t >= H) bad(`${field}.epochs[${i}] = ${t} is not an epoch (0..${H - 1})`, `${field}.epochs[${i}]`);
      active[t] = 1;
    });
  } else active.fill(1);
  switch (term.type) {
    case 'log':
      return { type: 'log', active, coef: term.coef ?? 1, eps: term.eps ?? 1e-25 };
    case 'power':
      return { type: 'power', active, coef: term.coef ?? 1, exponent: term.exponent };
    case 'congestion':
      if (term.cost.length !== A) bad(`${field}.cost has length ${term.cost.length}, expected ${A} (numActions)`, `${field}.cost`);
      return { type: 'congestion', active, coef: term.coef ?? 1, cost: Float64Array.from(term.cost) };
    case 'linear': {
      if (term.W.length !== S) bad(`${field}.W has ${term.W.length} rows, expected ${S} (numStates)`, `${field}.W`);
      const rowStart = new Int32Array(S + 1);
      const col: number[] = [];
      const w: number[] = [];
      term.W.forEach((row, s) => {
        if (row.length !== S) bad(`${field}.W[${s}] has length ${row.length}, expected ${S} (numStates)`, `${field}.W[${s}]`);
        rowStart[s] = col.length;
        row.forEach((x, j) => {
          if (x !== 0) {
            col.push(j);
            w.push(x);
          }
        });
      });
      rowStart[S] = col.length;
      return { type: 'linear', active, rowStart, col: Int32Array.from(col), w: Float64Array.from(w) };
    }
  }
}

function matrixOf(m: number[][], S: number, A: number, field: string, bad: (msg: string, field?: string) => never): Float64Array {
  if (m.length !== S) bad(`${field} has ${m.length} rows, expected ${S} (numStates)`, field);
  const out = new Float64Array(S * A);
  m.forEach((row, s) => {
    if (row.length !== A) bad(`${field}[${s}] has length ${row.length}, expected ${A} (numActions)`, `${field}[${s}]`);
    out.set(row, s * A);
  });
  return out;
}

/** A transition table as a CSR kernel, every row checked to be a distribution over 0..S-1. */
function kernelOf(tab: TransitionTable, S: number, A: number, field: string, bad: (msg: string, field?: string) => never): SparseKernel {
  const form = Object.keys(tab)[0] as 'dense' | 'sparse' | 'deterministic';
  const f = `${field}.${form}`;
  const rows = (tab as Record<string, unknown[][]>)[form]!;
  if (rows.length !== S) bad(`${f} has ${rows.length} rows, expected ${S} (numStates)`, f);
  rows.forEach((r, s) => {
    if (r.length !== A) bad(`${f}[${s}] has length ${r.length}, expected ${A} (numActions)`, `${f}[${s}]`);
  });
  const state = (x: number, where: string): number => (x < S ? x : bad(`${where} = ${x} is not a state (0..${S - 1})`, where));
  const kernel = buildKernel(S * A, (row, emit) => {
    const s = Math.floor(row / A);
    const a = row - s * A;
    const at = `${f}[${s}][${a}]`;
    let total = 0;
    if (form === 'deterministic') {
      emit(state((tab as { deterministic: number[][] }).deterministic[s]![a]!, at), 1);
      return;
    }
    if (form === 'dense') {
      const p = (tab as { dense: number[][][] }).dense[s]![a]!;
      if (p.length !== S) bad(`${at} has length ${p.length}, expected ${S} (numStates)`, at);
      for (let j = 0; j < S; j++) {
        emit(j, p[j]!);
        total += p[j]!;
      }
    } else {
      (tab as { sparse: [number, number][][][] }).sparse[s]![a]!.forEach(([to, p], k) => {
        emit(state(to, `${at}[${k}][0]`), p);
        total += p;
      });
    }
    if (Math.abs(total - 1) > ROW_TOL) bad(`${at} sums to ${total}, expected 1`, at);
  });
  return kernel;
}
