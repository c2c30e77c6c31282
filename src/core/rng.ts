import { MfgError } from './errors';

/** Largest seed accepted anywhere (seeds travel as JSON/msgpack numbers). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER; // 2^53 - 1

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 step (Steele, Lea, Flood 2014): the seeding generator Vigna recommends for xoshiro. */
function splitMix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  z = z ^ (z >> 31n);
  return [next, z];
}

export function checkSeed(seed: unknown, what = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new MfgError('MFG_ERR_SEED_INVALID', `${what} must be an integer in [0, 2^53-1], got ${String(seed)}`, {
      details: { seed: typeof seed === 'number' ? seed : String(seed) },
    });
  }
  return seed;
}

/**
 * The project's one random generator: xoshiro128** 1.1 (Blackman & Vigna 2018), a documented
 * standard generator with 32-bit arithmetic (exact in JavaScript, so the same seed gives the
 * same stream on every machine). The 128-bit state is filled from the 53-bit seed by SplitMix64.
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    checkSeed(seed);
    let st = BigInt(seed);
    let a: bigint;
    let b: bigint;
    [st, a] = splitMix64(st);
    [st, b] = splitMix64(st);
    this.setState([Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)]);
  }

  /** Builds a generator from a raw 128-bit state (four uint32; not all zero). */
  static fromState(state: readonly number[]): Rng {
    const r = Object.create(Rng.prototype) as Rng;
    r.spareNormal = null;
    r.setState(state);
    return r;
  }

  getState(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  private setState(state: readonly number[]): void {
    this.s0 = state[0]! >>> 0;
    this.s1 = state[1]! >>> 0;
    this.s2 = state[2]! >>> 0;
    this.s3 = state[3]! >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next uint32 of the xoshiro128** stream. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling), n <= 2^32. */
  int(n: number): number {
    if (n <= 1) return 0;
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** Standard normal by the Marsaglia polar method (pairs cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** Index drawn from the probabilities p[offset .. offset+n) (they need not be normalised). */
  categorical(p: ArrayLike<number>, offset = 0, n = p.length - offset): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += p[offset + i]!;
    let u = this.random() * total;
    let last = 0;
    for (let i = 0; i < n; i++) {
      const w = p[offset + i]!;
      if (w > 0) {
        last = i;
        if (u < w) return i;
        u -= w;
      }
    }
    return last; // rounding left u just above the total: the last positive entry
  }

  /** A fresh integer seed in [0, 2^53-1] drawn from this stream, to seed child generators. */
  nextSeed(): number {
    return (this.nextUint32() & 0x1fffff) * 4294967296 + this.nextUint32();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
