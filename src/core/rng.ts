import { MfgError } from './errors';

/** Largest seed accepted anywhere (seeds travel as JSON/msgpack numbers). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER; // 2^53 - 1

/**
 * SplitMix64 (Steele, Lea, Flood 2014), the seeding generator Vigna recommends for xoshiro, in
 * 32-bit halves: seeding runs once per agent per reset (65,536 agents at a time), where BigInt
 * arithmetic cost a hundred times more. state is [hi, lo]; returns the output as [hi, lo].
 */
function splitMix64(state: Uint32Array): [number, number] {
  // state += 0x9e3779b97f4a7c15
  const lo = (state[1]! + 0x7f4a7c15) >>> 0;
  const carry = lo < state[1]! ? 1 : 0;
  state[0] = (state[0]! + 0x9e3779b9 + carry) >>> 0;
  state[1] = lo;
  let zh = state[0]!;
  let zl = state[1]!;
  // z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
  [zh, zl] = mul64(zh, (zl ^ ((zl >>> 30) | (zh << 2))) >>> 0, 0xbf58476d, 0x1ce4e5b9, zh >>> 30);
  // z = (z ^ (z >> 27)) * 0x94d049bb133111eb
  [zh, zl] = mul64(zh, (zl ^ ((zl >>> 27) | (zh << 5))) >>> 0, 0x94d049bb, 0x133111eb, zh >>> 27);
  // z ^ (z >> 31)
  return [(zh ^ (zh >>> 31)) >>> 0, (zl ^ ((zl >>> 31) | (zh << 1))) >>> 0];
}

/** ((ah ^ ahShift):al) * (bh:bl) mod 2^64 as [hi, lo]; ahShift folds in the high word of the xor-shift. */
function mul64(ah: number, al: number, bh: number, bl: number, ahShift: number): [number, number] {
  const aHi = (ah ^ ahShift) >>> 0;
  // Full 64-bit product of the low words from 16-bit limbs (every partial product is exact in a double).
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hiLow = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  const hi = (hiLow + Math.imul(aHi, bl) + Math.imul(al, bh)) >>> 0;
  return [hi, lo];
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
    const st = Uint32Array.of(Math.floor(seed / 4294967296), seed >>> 0);
    const [ah, al] = splitMix64(st);
    const [bh, bl] = splitMix64(st);
    this.setState([al, ah, bl, bh]);
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
