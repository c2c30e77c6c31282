import { randomBytes } from 'node:crypto';
import { MfgError } from '../core/errors';
import { encodeFrame } from './codec';

/** Bins at least this long are written straight into the frame instead of through msgpackr. */
const BIG_BIN = 4096;
/** A stand-in bin: c4 10, 12 bytes random per process, 4 bytes the bin's index. */
const MARK_LEN = 18;
const MARK_SALT = randomBytes(12);

/**
 * A reply frame in its own exactly sized buffer (transferable to another thread), written with
 * one copy of each large bin. msgpackr would copy every bin into its shared scratch buffer and
 * the frame would then be copied out of it again: for a 65,536-agent step (megabytes of
 * observations) those two copies and the scratch reallocations cost more than the step itself.
 * Here the small skeleton (every bin of BIG_BIN bytes or more replaced by an 18-byte stand-in)
 * goes through msgpackr, then the stand-ins are replaced by the bins.
 */
export function encodeReplyFrame(value: unknown): Uint8Array<ArrayBuffer> {
  const bins: Uint8Array[] = [];
  const skeleton = encodeFrame(withStandIns(value, bins, 0));
  if (bins.length === 0) {
    const out = Buffer.allocUnsafeSlow(skeleton.byteLength);
    out.set(skeleton);
    return out;
  }
  let size = skeleton.byteLength - bins.length * MARK_LEN;
  for (const b of bins) size += 5 + b.byteLength;
  const out = Buffer.allocUnsafeSlow(size);
  let from = 0; // next unread byte of the skeleton
  let to = 0; // next free byte of out
  let found = 0;
  for (let i = 0; i <= skeleton.byteLength - MARK_LEN && found < bins.length; i++) {
    if (skeleton[i] !== 0xc4 || skeleton[i + 1] !== 16 || !isStandIn(skeleton, i + 2, found)) continue;
    out.set(skeleton.subarray(from, i), to);
    to += i - from;
    const b = bins[found]!;
    out[to] = 0xc6;
    out.writeUInt32BE(b.byteLength, to + 1);
    out.set(b, to + 5);
    to += 5 + b.byteLength;
    from = i + MARK_LEN;
    i = from - 1;
    found++;
  }
  if (found !== bins.length) throw new MfgError('MFG_ERR_INTERNAL', `reply encoder found ${found} of ${bins.length} large bins in the frame`);
  out.set(skeleton.subarray(from), to);
  return out;
}

function isStandIn(b: Uint8Array, at: number, index: number): boolean {
  for (let k = 0; k < 12; k++) if (b[at + k] !== MARK_SALT[k]) return false;
  return b[at + 12] === ((index >>> 24) & 0xff) && b[at + 13] === ((index >>> 16) & 0xff) && b[at + 14] === ((index >>> 8) & 0xff) && b[at + 15] === (index & 0xff);
}

/** A copy of the plain objects and arrays of `v` with each large bin replaced by its stand-in (in encoding order). */
function withStandIns(v: unknown, bins: Uint8Array[], depth: number): unknown {
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (v instanceof Uint8Array) {
    if (v.byteLength < BIG_BIN) return v;
    const mark = Buffer.allocUnsafe(16);
    MARK_SALT.copy(mark, 0);
    mark.writeUInt32BE(bins.length, 12);
    bins.push(v);
    return mark;
  }
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x) => withStandIns(x, bins, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = withStandIns((v as Record<string, unknown>)[k], bins, depth + 1);
  return out;
}
