import * as fs from 'node:fs';
import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { tabularPolicySource, type PolicySource } from '../core/streaming/index';
import type { TabularPolicy } from '../core/tabular/index';

/**
 * The binary policy file, for policies JSON cannot hold (issue 7: at 512² the JSON text passes
 * V8's string limit). Layout, little-endian:
 *
 *   bytes 0-7    magic "MFGPOLB1"
 *   bytes 8-11   uint32 n: length of the UTF-8 JSON header
 *   bytes 12-    the header, then zero padding to a multiple of 8
 *   then         per population, H·S·A float64 values of pi_t(a|s), row-major over (t, s, a)
 *
 * The header is the JSON policy file without the data arrays, plus "encoding": "binary" and per
 * population its byte `offset` (from the start of the file) and `length` (number of values).
 * Values are written and read as raw float64, so a policy round-trips bit for bit, and blocks
 * are read straight into their Float64Array (no string, no intermediate array).
 */
export const BINARY_POLICY_MAGIC = 'MFGPOLB1';

export interface BinaryPolicyHeader {
  format: 'mfgym-policy';
  version: 1;
  encoding: 'binary';
  env: string;
  kwargs: Record<string, unknown>;
  horizon: number;
  populations: { name: string; numStates: number; numActions: number; shape: [number, number, number]; dtype: 'float64'; offset: number; length: number }[];
  meta?: Record<string, unknown>;
}

export function writeBinaryPolicyFile(file: string, game: FiniteGame, env: string, kwargs: Record<string, unknown>, policy: TabularPolicy | PolicySource, meta?: Record<string, unknown>): void {
  // A policy source (a flow mixture, a compact best response) is written one epoch at a time: O(S·A) memory.
  const source = Array.isArray(policy) ? tabularPolicySource(game, policy) : (policy as PolicySource);
  const populations = game.populations.map((pop) => ({
    name: pop.name,
    numStates: pop.numStates,
    numActions: pop.numActions,
    shape: [game.horizon, pop.numStates, pop.numActions] as [number, number, number],
    dtype: 'float64' as const,
    offset: 0,
    length: game.horizon * pop.numStates * pop.numActions,
  }));
  const header: BinaryPolicyHeader = { format: 'mfgym-policy', version: 1, encoding: 'binary', env, kwargs, horizon: game.horizon, populations, ...(meta ? { meta } : {}) };
  // Offsets depend on the header's length, which depends on the offsets' digits: iterate to a fixed point.
  let bytes = Buffer.alloc(0);
  for (let round = 0; round < 4; round++) {
    bytes = Buffer.from(JSON.stringify(header), 'utf8');
    let offset = align8(12 + bytes.length);
    let changed = false;
    for (const pop of populations) {
      if (pop.offset !== offset) changed = true;
      pop.offset = offset;
      offset += 8 * pop.length;
    }
    if (!changed) break;
  }
  const fd = fs.openSync(file, 'w');
  try {
    const prefix = Buffer.alloc(align8(12 + bytes.length));
    prefix.write(BINARY_POLICY_MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(bytes.length, 8);
    bytes.copy(prefix, 12);
    fs.writeSync(fd, prefix);
    game.populations.forEach((pop, p) => {
      const row = new Float64Array(pop.numStates * pop.numActions);
      for (let t = 0; t < game.horizon; t++) {
        const le = littleEndian(source.epoch(p, t, row));
        writeAll(fd, new Uint8Array(le.buffer, le.byteOffset, le.byteLength));
      }
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** True when the file starts with the binary magic. */
export function isBinaryPolicyFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(8);
    return fs.readSync(fd, b, 0, 8, 0) === 8 && b.toString('latin1') === BINARY_POLICY_MAGIC;
  } finally {
    fs.closeSync(fd);
  }
}

/** The header and the tables of a binary policy file (checked for layout here; for the game by the caller). */
export function readBinaryPolicyFile(file: string, bad: (what: string) => MfgError): { header: BinaryPolicyHeader; policy: TabularPolicy } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(12);
    if (fs.readSync(fd, head, 0, 12, 0) !== 12) throw bad('truncated header');
    const n = head.readUInt32LE(8);
    if (12 + n > size) throw bad('truncated header');
    const text = Buffer.alloc(n);
    fs.readSync(fd, text, 0, n, 12);
    let header: BinaryPolicyHeader;
    try {
      header = JSON.parse(text.toString('utf8')) as BinaryPolicyHeader;
    } catch (e) {
      throw bad(`its header is not JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(header.populations)) throw bad('"populations" is missing or not an array');
    const policy = header.populations.map((pop, p) => {
      if (pop.dtype !== 'float64' || !Number.isInteger(pop.length) || !Number.isInteger(pop.offset) || pop.offset % 8 !== 0 || pop.offset + 8 * pop.length > size) {
        throw bad(`populations[${p}] has no valid float64 block (offset ${String(pop.offset)}, length ${String(pop.length)}, file of ${size} bytes)`);
      }
      const out = new Float64Array(pop.length);
      readAll(fd, new Uint8Array(out.buffer), pop.offset);
      return littleEndian(out, true);
    });
    return { header, policy };
  } finally {
    fs.closeSync(fd);
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Writes in chunks below 1 GiB (fs.writeSync's limit on one call is 2 GiB). */
function writeAll(fd: number, bytes: Uint8Array): void {
  const CHUNK = 2 ** 30;
  for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
}

function readAll(fd: number, into: Uint8Array, position: number): void {
  const CHUNK = 2 ** 30;
  for (let off = 0; off < into.length; ) {
    const got = fs.readSync(fd, into, off, Math.min(CHUNK, into.length - off), position + off);
    if (got <= 0) throw new MfgError('MFG_ERR_POLICY_BAD_FILE', 'binary policy file ends inside a data block');
    off += got;
  }
}

const BIG_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** The values as little-endian bytes (a copy with bytes swapped on a big-endian host; in place when reading). */
function littleEndian(x: Float64Array, inPlace = false): Float64Array {
  if (!BIG_ENDIAN_HOST) return x;
  const y = inPlace ? x : x.slice();
  const b = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  for (let i = 0; i < b.length; i += 8) b.subarray(i, i + 8).reverse();
  return y;
}
