/**
 * Client side of the protocol's array encoding (protocol/PROTOCOL.md §4): typed arrays to and
 * from {dtype, shape, data: bin}, little-endian, C order.
 */
export type Dtype = '<f8' | '<f4' | '<i8' | '<i4' | '|u1' | '|b1';

export interface WireArray {
  dtype: Dtype;
  shape: number[];
  data: Uint8Array;
}

/** A decoded array: <i8 arrives as Float64Array (exact up to 2^53), |b1 as 0/1 bytes. */
export interface NdArray {
  dtype: Dtype;
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

const ITEM: Record<Dtype, number> = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4, '|u1': 1, '|b1': 1 };

export function isWireArray(x: unknown): x is WireArray {
  return typeof x === 'object' && x !== null && 'dtype' in x && 'shape' in x && (x as WireArray).data instanceof Uint8Array;
}

export function decodeArray(w: WireArray): NdArray {
  const n = w.shape.reduce((a, b) => a * b, 1);
  if (w.data.byteLength !== n * ITEM[w.dtype]) throw new Error(`array of shape [${w.shape}] ${w.dtype} carries ${w.data.byteLength} bytes`);
  const copy = new Uint8Array(w.data.byteLength);
  copy.set(w.data);
  const buf = copy.buffer;
  switch (w.dtype) {
    case '<f8':
      return { dtype: w.dtype, shape: w.shape, data: new Float64Array(buf) };
    case '<f4':
      return { dtype: w.dtype, shape: w.shape, data: new Float32Array(buf) };
    case '<i4':
      return { dtype: w.dtype, shape: w.shape, data: new Int32Array(buf) };
    case '|u1':
    case '|b1':
      return { dtype: w.dtype, shape: w.shape, data: copy };
    case '<i8': {
      const words = new Int32Array(buf);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
      return { dtype: w.dtype, shape: w.shape, data: out };
    }
  }
}

/** Integers (exact up to 2^53) as <i8. */
export function int64Array(values: ArrayLike<number>, shape: number[] = [values.length]): WireArray {
  const words = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / 4294967296);
    words[2 * i] = v - hi * 4294967296;
    words[2 * i + 1] = hi;
  }
  return { dtype: '<i8', shape, data: Buffer.from(words.buffer) };
}

export function float64Array(values: ArrayLike<number>, shape: number[] = [values.length]): WireArray {
  const f = Float64Array.from(values);
  return { dtype: '<f8', shape, data: Buffer.from(f.buffer) };
}

export function boolArray(values: ArrayLike<number | boolean>, shape: number[] = [values.length]): WireArray {
  return { dtype: '|b1', shape, data: Buffer.from(Uint8Array.from(values as ArrayLike<number>, (x) => (x ? 1 : 0))) };
}

/** Replaces every wire array inside a decoded reply by its decoded NdArray (recursively). */
export function decodeArrays(x: unknown): unknown {
  if (isWireArray(x)) return decodeArray(x);
  if (Array.isArray(x)) return x.map(decodeArrays);
  if (typeof x === 'object' && x !== null && !(x instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = decodeArrays(v);
    return out;
  }
  return x;
}
