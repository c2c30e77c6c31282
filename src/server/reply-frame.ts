import type { MfgError } from '../core/errors';
import { MAX_SEED } from '../core/rng';
import { encodeFrame } from './codec';
import { PROTOCOL_VERSION } from './protocol-version';

/** A request's id if it is a valid one (an integer in [0, 2^53-1]), else null (what error replies echo). */
export function validId(raw: unknown): number | null {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_SEED ? raw : null;
}

export function errorReply(id: number | null, err: MfgError): Buffer {
  return encodeFrame({ v: PROTOCOL_VERSION, id, ok: false, error: { code: err.code, message: err.message, details: jsonSafe(err.details) } });
}

export function describe(x: unknown): string {
  if (x === null) return 'nil';
  if (Array.isArray(x)) return 'an array';
  if (x instanceof Uint8Array) return 'bin';
  return typeof x;
}

/** Details go on the wire as msgpack: drop what msgpack cannot carry faithfully (functions, bigints, undefined). */
function jsonSafe(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details, (_k, v) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown>;
  } catch {
    return {};
  }
}
