import * as fs from 'node:fs';
import * as path from 'node:path';
import { MfgError } from '../core/errors';

export type CheckpointArray = Float64Array | Float32Array | Int32Array | Uint8Array;

const KINDS = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array } as const;
type Kind = keyof typeof KINDS;

function kindOf(a: CheckpointArray): Kind {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/**
 * A checkpoint folder: checkpoint.json (metadata and the index of the arrays) and one raw
 * little-endian .bin file per array, so networks, replay buffers and flows reload bit for bit.
 * Written to a temporary folder first and renamed, so an interrupted write never leaves a
 * half checkpoint behind the name.
 */
export function writeCheckpoint(dir: string, meta: Record<string, unknown>, arrays: Record<string, CheckpointArray>): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const index: Record<string, { kind: Kind; length: number; file: string }> = {};
    for (const [name, a] of Object.entries(arrays)) {
      const file = `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.bin`;
      fs.writeFileSync(path.join(tmp, file), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      index[name] = { kind: kindOf(a), length: a.length, file };
    }
    fs.writeFileSync(path.join(tmp, 'checkpoint.json'), `${JSON.stringify({ format: 'mfgym-learning-checkpoint/1', meta, arrays: index }, null, 1)}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (e) {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `cannot write the checkpoint ${dir}: ${(e as Error).message}`, { cause: e, details: { dir } });
  }
}

export function readCheckpoint(dir: string): { meta: Record<string, unknown>; arrays: Record<string, CheckpointArray> } {
  let doc: { format?: string; meta: Record<string, unknown>; arrays: Record<string, { kind: Kind; length: number; file: string }> };
  try {
    doc = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8'));
  } catch (e) {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `cannot read the checkpoint ${dir}: ${(e as Error).message}`, { cause: e, details: { dir } });
  }
  if (doc.format !== 'mfgym-learning-checkpoint/1') {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `${dir} is not an mfgym learning checkpoint (format ${JSON.stringify(doc.format)})`, { details: { dir } });
  }
  const arrays: Record<string, CheckpointArray> = {};
  for (const [name, { kind, length, file }] of Object.entries(doc.arrays)) {
    const bytes = fs.readFileSync(path.join(dir, file));
    const Ctor = KINDS[kind];
    if (!Ctor || bytes.byteLength !== length * Ctor.BYTES_PER_ELEMENT) {
      throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `${dir}/${file} holds ${bytes.byteLength} bytes, expected ${length} ${kind}`, { details: { dir, file } });
    }
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    arrays[name] = new Ctor(copy.buffer);
  }
  return { meta: doc.meta, arrays };
}
