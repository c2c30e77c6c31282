/**
 * dense.ts's `affine` for one large weight matrix, with its inner loop in WebAssembly SIMD.
 *
 * Why: on a 1024² grid a table-free env step needs ~1,024 conditional rows of the generator's
 * second axis, each a 64 -> 1,024 affine layer; in JavaScript that loop is scalar (~1 ns a
 * multiply-add) and was about half of the step (bench/generative-rows.ts).
 * Same bits: the module does, two outputs per instruction, exactly what affine does per output:
 * out[j] = b[j], then for the nonzero inputs in ascending order, four at a time,
 * acc = out[j]; acc += x0·W0[j]; acc += x1·W1[j]; acc += x2·W2[j]; acc += x3·W3[j]; out[j] = acc,
 * then one at a time for the rest. f64x2.mul and f64x2.add are IEEE binary64 operations rounded
 * to nearest, lane by lane, and WebAssembly never contracts a multiply and an add into an FMA,
 * so every output is the scalar loop's number (test/populations/generative/wasm-affine.test.ts
 * compares them bit for bit). The weights are copied once, as float64, into the instance's memory.
 *
 * The module is assembled here from its bytes (a few hundred): the project has no wasm toolchain.
 */

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const simd = (op: number): number[] => [0xfd, ...leb(op)];
const LOAD = [...simd(0x00), 3, 0]; // v128.load align=8 offset=0
const STORE = [...simd(0x0b), 3, 0]; // v128.store
const SPLAT = simd(0x14); // f64x2.splat
const ADD = simd(0xf0); // f64x2.add
const MUL = simd(0xf2); // f64x2.mul
const I32_ADD = [0x6a];
const I32_GE_U = [0x4f];

/**
 * acc4(out, w0, w1, w2, w3, x0, x1, x2, x3, bytes): out[j] = (((out[j] + x0·w0[j]) + x1·w1[j]) + x2·w2[j]) + x3·w3[j]
 * over `bytes` bytes (addresses in bytes, two float64 a step).
 */
function acc4Body(): number[] {
  // params 0..9; locals: 10 j (i32), 11..14 splats (v128), 15 acc (v128)
  const code: number[] = [];
  for (let k = 0; k < 4; k++) code.push(...get(5 + k), ...SPLAT, ...set(11 + k));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(10), ...get(9), ...I32_GE_U, 0x0d, 1); // j >= bytes: exit
  code.push(...get(0), ...get(10), ...I32_ADD, ...LOAD, ...set(15));
  for (let k = 0; k < 4; k++) code.push(...get(15), ...get(11 + k), ...get(1 + k), ...get(10), ...I32_ADD, ...LOAD, ...MUL, ...ADD, ...set(15));
  code.push(...get(0), ...get(10), ...I32_ADD, ...get(15), ...STORE);
  code.push(...get(10), 0x41, 16, ...I32_ADD, ...set(10), 0x0c, 0); // j += 16; continue
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = vec([[1, I32], [5, V128]]);
  const body = [...locals, ...code];
  return [...leb(body.length), ...body];
}

/** acc1(out, w, x, bytes): out[j] = out[j] + x·w[j]. */
function acc1Body(): number[] {
  // params 0..3; locals: 4 j (i32), 5 splat (v128)
  const code: number[] = [...get(2), ...SPLAT, ...set(5)];
  code.push(0x02, 0x40, 0x03, 0x40);
  code.push(...get(4), ...get(3), ...I32_GE_U, 0x0d, 1);
  code.push(...get(0), ...get(4), ...I32_ADD); // store address
  code.push(...get(0), ...get(4), ...I32_ADD, ...LOAD);
  code.push(...get(5), ...get(1), ...get(4), ...I32_ADD, ...LOAD, ...MUL, ...ADD, ...STORE);
  code.push(...get(4), 0x41, 16, ...I32_ADD, ...set(4), 0x0c, 0);
  code.push(0x0b, 0x0b, 0x0b);
  const body = [...vec([[1, I32], [1, V128]]), ...code];
  return [...leb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const types = vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [F64], [F64], [F64], [F64], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [F64], [I32]]), 0],
  ]);
  const imports = vec([[...name('m'), ...name('mem'), 0x02, 0x00, 1]]); // memory, min 1 page
  const funcs = vec([[0], [1]]);
  const exports = vec([
    [...name('acc4'), 0x00, 0],
    [...name('acc1'), 0x00, 1],
  ]);
  const code = vec([acc4Body(), acc1Body()]);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}

/** The few members of the WebAssembly JS API used here (the project's TypeScript lib declares none). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (affine in JavaScript then). */
function wasmModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;

/**
 * W (row-major [inDim, outDim], float32 weights) in WebAssembly memory as float64, and
 * affine(x) -> out with dense.affine's numbers. `create` returns null when outDim is odd (the
 * loop takes two outputs a step) or SIMD is unavailable: callers keep dense.affine then.
 */
export class WasmAffine {
  private readonly acc4: (out: number, w0: number, w1: number, w2: number, w3: number, x0: number, x1: number, x2: number, x3: number, bytes: number) => void;
  private readonly acc1: (out: number, w: number, x: number, bytes: number) => void;
  private readonly view: Float64Array;
  private readonly outAt: number;
  private readonly row: Float64Array;
  private readonly nonzero: Int32Array;
  /** Bytes of WebAssembly memory held (the float64 weights, one output row, page rounding). */
  readonly bytes: number;
  /** W as float64, row-major [inDim, outDim]: a view of the instance's memory (fixed size, never detached). */
  readonly weights: Float64Array;

  static create(W: Float32Array, inDim: number, outDim: number): WasmAffine | null {
    const mod = wasmModule();
    if (!mod || outDim % 2 !== 0 || W.length !== inDim * outDim) return null;
    return new WasmAffine(mod, W, inDim, outDim);
  }

  private constructor(
    mod: object,
    W: Float32Array,
    private readonly inDim: number,
    private readonly outDim: number,
  ) {
    const pages = Math.ceil((8 * (inDim * outDim + outDim)) / PAGE);
    const memory = new wasmApi!.Memory({ initial: pages, maximum: pages });
    const inst = new wasmApi!.Instance(mod, { m: { mem: memory } });
    this.acc4 = inst.exports['acc4'] as WasmAffine['acc4'];
    this.acc1 = inst.exports['acc1'] as WasmAffine['acc1'];
    this.view = new Float64Array(memory.buffer);
    this.view.set(W, 0);
    this.outAt = inDim * outDim;
    this.row = this.view.subarray(this.outAt, this.outAt + outDim);
    this.weights = this.view.subarray(0, this.outAt);
    this.nonzero = new Int32Array(inDim);
    this.bytes = pages * PAGE;
  }

  /** out[j] = b[j] + sum_i x[xOff + i] W[i, j], as dense.affine computes it. */
  affine(x: ArrayLike<number>, xOff: number, b: Float64Array | null, out: Float64Array): Float64Array {
    out.set(this.affineInPlace(x, xOff, b));
    return out;
  }

  /** The same outputs, left in the instance's memory: a view valid until the next call. */
  affineInPlace(x: ArrayLike<number>, xOff: number, b: Float64Array | null): Float64Array {
    const { inDim, outDim, view, outAt, nonzero: nz } = this;
    const row = this.row;
    if (b) row.set(b.subarray(0, outDim));
    else row.fill(0);
    let k = 0;
    for (let i = 0; i < inDim; i++) if (x[xOff + i] !== 0) nz[k++] = i;
    const outByte = 8 * outAt;
    const rowBytes = 8 * outDim;
    let m = 0;
    for (; m + 4 <= k; m += 4) {
      const i0 = nz[m]!, i1 = nz[m + 1]!, i2 = nz[m + 2]!, i3 = nz[m + 3]!;
      this.acc4(outByte, i0 * rowBytes, i1 * rowBytes, i2 * rowBytes, i3 * rowBytes, x[xOff + i0]!, x[xOff + i1]!, x[xOff + i2]!, x[xOff + i3]!, rowBytes);
    }
    for (; m < k; m++) this.acc1(outByte, nz[m]! * rowBytes, x[xOff + nz[m]!]!, rowBytes);
    return row;
  }
}
