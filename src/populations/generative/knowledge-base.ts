import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { MfgError } from '../../core/errors';
import { loadTf } from './backend';
import { CategoricalDensity, type CategoricalConfig } from './categorical-generator';
import { FlowDensity, type FlowConfig } from './coupling-flow-generator';
import type { GeneratorConfig, GeneratorKind, GeneratorModels } from './fit-generative-population';
import { GenerativeContinuousPopulation, GenerativeFinitePopulation } from './generative-population';
import { MdnDensity, type MdnConfig } from './mdn-generator';
import type { NamedWeights } from './weights';

/** What a knowledge-base entry records next to the weights. */
export interface GeneratorMetadata {
  readonly envId: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Solver iteration (or any counter) the generator was fitted at; later entries win ties. */
  readonly iteration: number;
  readonly kind: GeneratorKind;
  readonly horizon: number;
  readonly configs: readonly GeneratorConfig[];
  readonly fitStats: Readonly<Record<string, number | boolean | string>>;
  readonly backend: string;
  readonly savedAt: string;
}

export interface SavedGenerator {
  readonly dir: string;
  readonly metadata: GeneratorMetadata;
  readonly models: GeneratorModels;
}

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const FORMAT = 'mfgym-generator/1';

/**
 * Saves a fitted generator as TensorFlow.js model files: `model.json` (a weightsManifest in
 * tfjs's own layout, plus the mfgym metadata) and `weights.bin` (float32, encoded by
 * tf.io.encodeWeights). Written with node:fs rather than a file:// handler, which the wasm
 * backend does not have, so both backends save and load the same files.
 */
export async function saveGenerator(
  dir: string,
  models: GeneratorModels,
  meta: { envId: string; kwargs?: Readonly<Record<string, unknown>>; iteration?: number; fitStats?: Readonly<Record<string, number | boolean | string>> },
): Promise<GeneratorMetadata> {
  const { tf, backend } = await loadTf();
  const tensors: Record<string, import('@tensorflow/tfjs').Tensor> = {};
  models.weights.forEach((ws, p) => {
    for (const [name, w] of ws) tensors[`p${p}/${name}`] = tf.tensor(w.data, [...w.shape], 'float32');
  });
  let encoded: { data: ArrayBuffer | ArrayBuffer[]; specs: unknown[] };
  try {
    encoded = (await tf.io.encodeWeights(tensors)) as typeof encoded;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  const data = Array.isArray(encoded.data) ? tf.io.concatenateArrayBuffers(encoded.data) : encoded.data;
  const metadata: GeneratorMetadata = {
    envId: meta.envId,
    kwargs: meta.kwargs ?? {},
    iteration: meta.iteration ?? 0,
    kind: models.kind,
    horizon: models.configs[0]!.horizon,
    configs: models.configs,
    fitStats: meta.fitStats ?? {},
    backend,
    savedAt: new Date().toISOString(),
  };
  const json = {
    format: FORMAT,
    generatedBy: `TensorFlow.js ${tf.version_core}`,
    modelTopology: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: encoded.specs }],
    userDefinedMetadata: { mfgym: metadata },
  };
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(data));
  await fs.writeFile(path.join(dir, MODEL_FILE), JSON.stringify(json, null, 1));
  return metadata;
}

/** Loads a saved generator: the float32 weights come back bit for bit. */
export async function loadGenerator(dir: string): Promise<SavedGenerator> {
  const bad = (msg: string, cause?: unknown): never => {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_MODEL_FILE', `${dir}: ${msg}`, { details: { dir }, ...(cause ? { cause } : {}) });
  };
  let json: { format?: string; weightsManifest?: { paths: string[]; weights: { name: string; shape: number[] }[] }[]; userDefinedMetadata?: { mfgym?: GeneratorMetadata } };
  let bin: Buffer;
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), 'utf8'));
    bin = await fs.readFile(path.join(dir, WEIGHTS_FILE));
  } catch (e) {
    return bad(`cannot read ${MODEL_FILE} and ${WEIGHTS_FILE}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  if (json.format !== FORMAT || !json.weightsManifest?.[0] || !json.userDefinedMetadata?.mfgym) bad(`not an mfgym generator (format ${String(json.format)})`);
  const metadata = json.userDefinedMetadata!.mfgym!;
  const { tf } = await loadTf();
  const buffer = new Uint8Array(bin).buffer as ArrayBuffer;
  const specs = json.weightsManifest![0]!.weights;
  const expected = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (expected !== buffer.byteLength) bad(`${WEIGHTS_FILE} has ${buffer.byteLength} bytes, the manifest needs ${expected}`);
  const decoded = tf.io.decodeWeights(buffer, specs as Parameters<typeof tf.io.decodeWeights>[1]);
  const weights: NamedWeights[] = metadata.configs.map(() => new Map());
  try {
    for (const s of specs) {
      const m = /^p(\d+)\/(.+)$/.exec(s.name);
      const set = m ? weights[Number(m[1])] : undefined;
      if (!m || !set) bad(`unexpected weight ${s.name}`);
      set!.set(m![2]!, { shape: [...s.shape], data: Float32Array.from(decoded[s.name]!.dataSync() as Float32Array) });
    }
  } finally {
    for (const t of Object.values(decoded)) t.dispose();
  }
  return { dir, metadata, models: { kind: metadata.kind, configs: metadata.configs, weights } };
}

/** A population from saved models (no discriminator attached, so no correction). */
export function populationFromModels(models: GeneratorModels): GenerativeFinitePopulation | GenerativeContinuousPopulation {
  const c0 = models.configs[0]!;
  if (c0.kind === 'softmax' || c0.kind === 'autoregressive') {
    return new GenerativeFinitePopulation(
      c0.horizon,
      models.configs.map((c, p) => new CategoricalDensity(c as CategoricalConfig, models.weights[p]!)),
    );
  }
  const dens = c0.kind === 'mdn' ? new MdnDensity(c0 as MdnConfig, models.weights[0]!) : new FlowDensity(c0 as FlowConfig, models.weights[0]!);
  return new GenerativeContinuousPopulation(c0.horizon, dens);
}

/** What a new fit looks for in the knowledge base. */
export interface WarmStartQuery {
  readonly envId: string;
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly kind?: GeneratorKind;
  readonly horizon?: number;
}

/**
 * Distance between two kwargs objects: per key, relative difference |a-b|/(|a|+|b|) for
 * numbers, 0 for equal values, 1 for different or missing ones.
 */
export function kwargsDistance(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): number {
  let d = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k];
    const y = b[k];
    if (typeof x === 'number' && typeof y === 'number') d += x === y ? 0 : Math.abs(x - y) / (Math.abs(x) + Math.abs(y));
    else d += JSON.stringify(x) === JSON.stringify(y) ? 0 : 1;
  }
  return d;
}

/**
 * A directory of saved generators, one sub-directory per entry. `closest` picks the warm start
 * for a related task: same env id (and kind and horizon when given), then the nearest kwargs,
 * then the latest iteration.
 */
export class KnowledgeBase {
  constructor(readonly root: string) {}

  async save(name: string, models: GeneratorModels, meta: Parameters<typeof saveGenerator>[2]): Promise<string> {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `knowledge-base entry names use letters, digits, '.', '_' and '-', got '${name}'`);
    }
    const dir = path.join(this.root, name);
    await saveGenerator(dir, models, meta);
    return dir;
  }

  /** Every readable entry's directory and metadata. */
  async entries(): Promise<{ dir: string; metadata: GeneratorMetadata }[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.root);
    } catch {
      return [];
    }
    const out: { dir: string; metadata: GeneratorMetadata }[] = [];
    for (const n of names.sort()) {
      const dir = path.join(this.root, n);
      try {
        const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), 'utf8'));
        if (json.format === FORMAT && json.userDefinedMetadata?.mfgym) out.push({ dir, metadata: json.userDefinedMetadata.mfgym });
      } catch {
        // not an entry
      }
    }
    return out;
  }

  /** The closest entry for a query, or null when none shares its env id (kind, horizon). */
  async closest(q: WarmStartQuery): Promise<SavedGenerator | null> {
    const candidates = (await this.entries()).filter(
      (e) => e.metadata.envId === q.envId && (q.kind === undefined || e.metadata.kind === q.kind) && (q.horizon === undefined || e.metadata.horizon === q.horizon),
    );
    if (candidates.length === 0) return null;
    candidates.sort((a, b) => {
      const da = kwargsDistance(a.metadata.kwargs, q.kwargs ?? {});
      const db = kwargsDistance(b.metadata.kwargs, q.kwargs ?? {});
      return da - db || b.metadata.iteration - a.metadata.iteration || b.metadata.savedAt.localeCompare(a.metadata.savedAt);
    });
    return loadGenerator(candidates[0]!.dir);
  }
}
