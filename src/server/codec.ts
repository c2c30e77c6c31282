import { Packr, Unpackr } from 'msgpackr';
import { MfgError } from '../core/errors';

// Plain msgpack maps both ways (no msgpackr record extension: the Python client could not read it);
// 64-bit integers decode as numbers, so anything above 2^53 fails the schemas' maximum.
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });

/** One frame to one msgpack value, or MFG_ERR_PROTOCOL_MALFORMED (not msgpack, trailing bytes, too deep). */
export function decodeFrame(frame: Uint8Array): unknown {
  try {
    return unpackr.unpack(frame);
  } catch (e) {
    throw new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `frame is not one msgpack value: ${e instanceof Error ? e.message : String(e)}`, {
      details: { bytes: frame.byteLength },
    });
  }
}

export function encodeFrame(value: unknown): Buffer {
  return packr.pack(value);
}

/** A msgpack map decodes to a plain object; arrays, scalars, bins and other objects are not maps. */
export function isMap(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
