import { expect } from 'chai';
import { decodeFrame, encodeFrame } from '../../src/server/codec';
import { encodeReplyFrame } from '../../src/server/reply-encoder';

/** Bytes 0..n-1 mod 251 (a pattern a misplaced copy would break). */
function pattern(n: number, salt: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + salt) % 251;
  return b;
}

describe('server: reply frames with large bins written once', () => {
  it('encodes to the same msgpack value as msgpackr, large and small bins, nested and in arrays', () => {
    const value = {
      v: '2.1',
      id: 7,
      ok: true,
      result: {
        obs: { dtype: '<i8', shape: [65536, 3], data: pattern(65536 * 24, 1) },
        rewards: { dtype: '<f8', shape: [3], data: pattern(24, 2) },
        infos: [{ a: pattern(5000, 3), b: 'x', c: null, d: undefined }, pattern(4096, 4), pattern(4095, 5)],
        big64k: pattern(70000, 6),
      },
    };
    const frame = encodeReplyFrame(value);
    expect(frame.byteOffset).to.equal(0);
    expect(frame.buffer.byteLength).to.equal(frame.byteLength); // its own buffer: transferable
    const a = decodeFrame(frame) as Record<string, any>;
    const b = decodeFrame(encodeFrame(value)) as Record<string, any>;
    expect(a).to.deep.equal(b);
    expect(Buffer.compare(a.result.obs.data, value.result.obs.data)).to.equal(0);
    expect(Buffer.compare(a.result.infos[1], value.result.infos[1] as Buffer)).to.equal(0);
    expect(a.result.infos[0].d).to.equal(null);
  });

  it('without large bins the frame is msgpackr\'s bytes, in a buffer of its own', () => {
    const value = { v: '2.1', id: 1, ok: true, result: { pong: true, data: pattern(100, 9) } };
    const frame = encodeReplyFrame(value);
    expect(Buffer.compare(Buffer.from(frame), encodeFrame(value))).to.equal(0);
    expect(frame.buffer.byteLength).to.equal(frame.byteLength);
  });
});
