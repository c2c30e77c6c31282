import { MfgError } from '../core/errors';

/** An n-dimensional array on the wire (protocol/PROTOCOL.md §4). */
export interface WireArray {
  dtype: WireDtype;
  shape: number[];
  data: Uint8Array;
}

export type WireDtype = '<f8' | '<f4' | '<i8' | '<i4' | '|u1' | '|b1';

export const ITEM_SIZE: Readonly<Record<WireDtype, number>> = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4, '|u1': 1, '|b1': 1 };

/** Number of elements, checked against the byte length (a huge declared shape never allocates). */
export function checkWireArray(x: WireArray, field: string): number {
  let n = 1;
  for (const d of x.shape) n *= d;
  const expected = n * ITEM_SIZE[x.dtype];
  if (x.data.byteLength !== expected) {
    throw new MfgError('MFG_ERR_PROTOCOL_INVALID_REQUEST', `${field}: shape [${x.shape.join(', ')}] of ${x.dtype} needs ${expected} bytes of data, got ${x.data.byteLength}`, {
      details: { field: `${field}.data`, reason: 'data length does not match shape and dtype', expected_bytes: expected, got_bytes: x.data.byteLength },
    });
  }
  return n;
}

/** The bytes of x copied into a fresh, aligned buffer (msgpack bins sit at any offset). */
function alignedCopy(x: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(x.byteLength);
  out.set(x);
  return out.buffer;
}

/**
 * Any numeric wire array as float64 values (int64 read as two int32 words, exact up to 2^53).
 * Booleans are refused: the caller says why.
 */
export function wireToFloat64(x: WireArray, field: string): Float64Array {
  const n = checkWireArray(x, field);
  const buf = alignedCopy(x.data);
  switch (x.dtype) {
    case '<f8':
      return new Float64Array(buf);
    case '<f4':
      return Float64Array.from(new Float32Array(buf));
    case '<i4':
      return Float64Array.from(new Int32Array(buf));
    case '|u1':
    case '|b1':
      return Float64Array.from(new Uint8Array(buf));
    case '<i8': {
      const w = new Int32Array(buf);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
      return out;
    }
  }
}

/** A |b1 (or |u1 0/1) array as bytes 0/1. */
export function wireToBool(x: WireArray, field: string): Uint8Array {
  checkWireArray(x, field);
  if (x.dtype !== '|b1' && x.dtype !== '|u1') {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `${field} must be a |b1 array, got ${x.dtype}`, { details: { option: field, expected: '|b1', got: x.dtype } });
  }
  const out = new Uint8Array(x.data.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i] ? 1 : 0;
  return out;
}

/** Int32 values as <i8 (sign-extended high words). */
export function int32ToWire(values: Int32Array, shape: number[]): WireArray {
  const out = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[2 * i] = v;
    out[2 * i + 1] = v >> 31;
  }
  return { dtype: '<i8', shape, data: Buffer.from(out.buffer) };
}

export function float64ToWire(values: Float64Array, shape: number[]): WireArray {
  return { dtype: '<f8', shape, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength) };
}

export function boolToWire(values: Uint8Array, shape: number[]): WireArray {
  return { dtype: '|b1', shape, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength) };
}

export function float32ToWire(values: Float32Array, shape: number[]): WireArray {
  return { dtype: '<f4', shape, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength) };
}

/** A float array in its own dtype: <f4 for a Float32Array, <f8 for a Float64Array. */
export function floatToWire(values: Float32Array | Float64Array, shape: number[]): WireArray {
  return values instanceof Float32Array ? float32ToWire(values, shape) : float64ToWire(values, shape);
}
