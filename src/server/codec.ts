import { Packr, Unpackr } from 'msgpackr';
import { MfgError } from '../core/errors';
import { checkMsgpackBudget, type DecodeBudget } from './msgpack-budget';

// Plain msgpack maps both ways (no msgpackr record extension: the Python client could not read it);
// 64-bit integers decode as numbers, so anything above 2^53 fails the schemas' maximum. Extension
// types never reach msgpackr (checkMsgpackBudget refuses them); structured clone and the extra
// types are off as well, in case a frame is ever decoded without that check.
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', structuredClone: false, moreTypes: false });

const NO_BUDGET: Readonly<DecodeBudget> = { maxElements: Number.MAX_SAFE_INTEGER, maxDepth: 1024 };
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });

/**
 * One frame to one msgpack value: the bytes are first walked against the budget (no allocation),
 * so MFG_ERR_PROTOCOL_TOO_COMPLEX or MFG_ERR_PROTOCOL_MALFORMED come before any object is built.
 */
export function decodeFrame(frame: Uint8Array, budget: Readonly<DecodeBudget> = NO_BUDGET): unknown {
  checkMsgpackBudget(frame, budget);
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
