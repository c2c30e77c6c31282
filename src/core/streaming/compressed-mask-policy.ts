import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { FiniteGame } from '../finite-game';
import { maskArray, maskRows, type ActionMasks, type MaskPolicy, type PolicySource } from './policy-source';

/**
 * A greedy best response with each epoch's masks deflated (raw DEFLATE, node:zlib). A MaskPolicy
 * holds H·S bytes: 210 MB per best response on CrowdModelling2D 1024², H = 200, so ten fp
 * iterations held 2.1 GB of masks alone. Greedy actions on a grid form large regions of one
 * direction, which DEFLATE stores in a small fraction of that. An epoch is inflated when read
 * (the streaming passes read epochs in order, so the last one is kept), and the rows are
 * MaskPolicy's, bit for bit: the compression is lossless.
 */
export class CompressedMaskPolicy implements PolicySource {
  private readonly epochMasks: ActionMasks[];
  private readonly epochRead: number[];

  private constructor(
    readonly game: FiniteGame,
    /** chunks[p][t]: the deflated bytes of epoch t's masks of population p. */
    private readonly chunks: readonly Buffer[][],
  ) {
    this.epochMasks = game.populations.map((pop) => maskArray(pop.numActions, pop.numStates)!);
    this.epochRead = game.populations.map(() => -1);
  }

  /** The same policy, each epoch deflated (level 1: masks compress well at the fastest level). */
  static of(policy: MaskPolicy): CompressedMaskPolicy {
    const { game } = policy;
    const chunks = game.populations.map((pop, p) => {
      const masks = policy.masks[p]!;
      const bytesPerEpoch = pop.numStates * masks.BYTES_PER_ELEMENT;
      const bytes = new Uint8Array(masks.buffer, masks.byteOffset, masks.byteLength);
      return Array.from({ length: game.horizon }, (_v, t) => deflateRawSync(bytes.subarray(t * bytesPerEpoch, (t + 1) * bytesPerEpoch), { level: 1 }));
    });
    return new CompressedMaskPolicy(game, chunks);
  }

  get horizon(): number {
    return this.game.horizon;
  }

  epoch(p: number, t: number, out: Float64Array): Float64Array {
    const { numStates: S, numActions: A } = this.game.populations[p]!;
    const masks = this.epochMasks[p]!;
    if (this.epochRead[p] !== t) {
      new Uint8Array(masks.buffer, masks.byteOffset, masks.byteLength).set(inflateRawSync(this.chunks[p]![t]!));
      this.epochRead[p] = t;
    }
    return maskRows(masks, 0, S, A, out);
  }

  /** The deflated epochs plus one inflated epoch per population. */
  memoryBytes(): number {
    let n = 0;
    for (const perEpoch of this.chunks) for (const c of perEpoch) n += c.byteLength;
    for (const m of this.epochMasks) n += m.byteLength;
    return n;
  }
}

/** The smaller of a mask policy and its deflated form (tiny games' masks do not shrink: DEFLATE has a per-chunk cost). */
export function compactMaskPolicy(policy: MaskPolicy): MaskPolicy | CompressedMaskPolicy {
  const packed = CompressedMaskPolicy.of(policy);
  return packed.memoryBytes() < policy.memoryBytes() ? packed : policy;
}
