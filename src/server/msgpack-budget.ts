import { MfgError } from '../core/errors';

/** How much structure one request may carry before anything is decoded (announced in hello). */
export interface DecodeBudget {
  /** Values in the message, map keys included (a bin or string counts once, whatever its length). */
  maxElements: number;
  /** Nesting of arrays and maps (the top-level map is depth 1). */
  maxDepth: number;
}

const malformed = (what: string, at: number): MfgError =>
  new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `frame is not one msgpack value: ${what} at byte ${at}`, { details: { at } });

/**
 * Walks the msgpack bytes without allocating (a few numbers and one Int32Array stack of
 * maxDepth counts) and refuses, before msgpackr builds a single object, a frame that:
 * exceeds the element or depth budget (MFG_ERR_PROTOCOL_TOO_COMPLEX, checked against the
 * declared counts, so a 64M-element array header is refused at its first byte); uses an
 * extension type (the protocol has none: msgpackr would build RegExp, Error, Set, Date,
 * records or structured clones from them); has a non-string map key; is truncated, has
 * trailing bytes or a 0xc1 byte (MFG_ERR_PROTOCOL_MALFORMED).
 */
export function checkMsgpackBudget(b: Uint8Array, budget: DecodeBudget): void {
  const n = b.byteLength;
  // remaining[d]: values still to read in the container at depth d; keyNext[d]: the next one is a map key.
  const remaining = new Float64Array(budget.maxDepth + 1);
  const isMapAt = new Uint8Array(budget.maxDepth + 1);
  let depth = 0;
  remaining[0] = 1;
  let elements = 0;
  let p = 0;
  const need = (k: number): void => {
    if (p + k > n) throw malformed('truncated', p);
  };
  const tooComplex = (what: string, value: number, max: number): MfgError =>
    new MfgError('MFG_ERR_PROTOCOL_TOO_COMPLEX', `request ${what} ${value} exceeds ${what === 'depth' ? 'max_message_depth' : 'max_message_elements'} ${max}`, {
      details: { limit: what === 'depth' ? 'max_message_depth' : 'max_message_elements', value, max },
    });
  while (depth >= 0) {
    if (remaining[depth] === 0) {
      depth--;
      continue;
    }
    const wantKey = isMapAt[depth] === 1 && remaining[depth]! % 2 === 0;
    remaining[depth]!--;
    if (++elements > budget.maxElements) throw tooComplex('elements', elements, budget.maxElements);
    need(1);
    const t = b[p]!;
    const at = p;
    p++;
    let container = -1; // items of a new array/map (maps: 2 per entry)
    let mapOpened = false;
    let skip = 0; // payload bytes to skip
    let isString = false;
    if (t <= 0x7f || t >= 0xe0) {
      // fixint
    } else if (t <= 0x8f) {
      container = 2 * (t & 0x0f);
      mapOpened = true;
    } else if (t <= 0x9f) {
      container = t & 0x0f;
    } else if (t <= 0xbf) {
      skip = t & 0x1f;
      isString = true;
    } else {
      switch (t) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc1:
          throw malformed('byte 0xc1 (never used)', at);
        case 0xc4:
        case 0xd9:
          need(1);
          skip = b[p]!;
          p += 1;
          isString = t === 0xd9;
          break;
        case 0xc5:
        case 0xda:
          need(2);
          skip = (b[p]! << 8) | b[p + 1]!;
          p += 2;
          isString = t === 0xda;
          break;
        case 0xc6:
        case 0xdb:
          need(4);
          skip = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
          p += 4;
          isString = t === 0xdb;
          break;
        case 0xc7:
        case 0xc8:
        case 0xc9:
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          throw new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `msgpack extension types are not part of the protocol (byte 0x${t.toString(16)} at ${at})`, {
            details: { at, reason: 'extension type' },
          });
        case 0xca:
          skip = 4;
          break;
        case 0xcb:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xdc:
        case 0xde:
          need(2);
          container = (b[p]! << 8) | b[p + 1]!;
          p += 2;
          if (t === 0xde) (container *= 2), (mapOpened = true);
          break;
        case 0xdd:
        case 0xdf:
          need(4);
          container = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
          p += 4;
          if (t === 0xdf) (container *= 2), (mapOpened = true);
          break;
      }
    }
    if (wantKey && !isString) {
      throw new MfgError('MFG_ERR_PROTOCOL_MALFORMED', `map keys are strings (byte 0x${t.toString(16)} at ${at} starts a key)`, { details: { at, reason: 'non-string key' } });
    }
    if (skip > 0) {
      need(skip);
      p += skip;
    }
    if (container >= 0) {
      // Every value takes at least one byte: a declared count beyond the frame is malformed, one beyond the budget too complex.
      if (container > n - p) throw malformed(`a container declaring ${container} values in ${n - p} bytes`, at);
      if (elements + container > budget.maxElements) throw tooComplex('elements', elements + container, budget.maxElements);
      if (depth + 1 > budget.maxDepth) throw tooComplex('depth', depth + 1, budget.maxDepth);
      depth++;
      remaining[depth] = container;
      isMapAt[depth] = mapOpened ? 1 : 0;
    }
  }
  if (p !== n) throw malformed(`${n - p} trailing bytes`, p);
}
