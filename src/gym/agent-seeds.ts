import { randomBytes } from 'node:crypto';
import { MfgError } from '../core/errors';
import { MAX_SEED, checkSeed } from '../core/rng';

/** (s + i) mod 2^53, kept exact in doubles: agent i's seed from a base seed s. */
export function offsetSeed(s: number, i: number): number {
  return i <= MAX_SEED - s ? s + i : i - (MAX_SEED - s) - 1;
}

/**
 * One seed per agent from reset's seed argument: null/undefined gives null (continue the
 * streams); an integer s seeds agent i with (s + i) mod 2^53 (Gymnasium's vector convention);
 * an array gives one seed per agent (checked).
 */
export function agentSeeds(seed: number | readonly number[] | null | undefined, N: number): number[] | null {
  if (seed === null || seed === undefined) return null;
  if (typeof seed === 'number') {
    const s = checkSeed(seed);
    const out = new Array<number>(N);
    for (let i = 0; i < N; i++) out[i] = offsetSeed(s, i);
    return out;
  }
  if (!Array.isArray(seed) && !ArrayBuffer.isView(seed)) {
    throw new MfgError('MFG_ERR_SEED_INVALID', `seed must be null, an integer or an array of ${N} integers`, { details: { seed: String(seed) } });
  }
  if (seed.length !== N) {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `seed list has ${seed.length} entries, expected one per agent (${N})`, {
      details: { option: 'seed', expected: [N], got: [seed.length] },
    });
  }
  return seed.map((x, i) => {
    try {
      return checkSeed(x, `seed[${i}]`);
    } catch (e) {
      (e as MfgError).details.index = i;
      throw e;
    }
  });
}

/** 52 bits from the OS: the entropy seed of agents reset before ever being seeded. */
export function osEntropySeed(): number {
  const b = randomBytes(8);
  return (b.readUInt32LE(0) & 0xfffff) * 4294967296 + b.readUInt32LE(4);
}
