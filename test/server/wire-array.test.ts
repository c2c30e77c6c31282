import { expect } from 'chai';
import { decodeArray, float64Array, int64Array } from '../../clients/ts/wire';
import { MfgError } from '../../src/core/errors';
import { boolToWire, checkWireArray, int32ToWire, wireToBool, wireToFloat64, type WireArray } from '../../src/server/wire-array';

describe('server: wire arrays (numpy dtype strings, little-endian bytes)', () => {
  it('<i8 round trips exactly through the client encoder and the server decoder, negatives and > 2^32 included', () => {
    const values = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, -(2 ** 52), 2 ** 53 - 1];
    const w = int64Array(values);
    // the bytes numpy would write: -1 is eight 0xff bytes
    expect(Buffer.from(w.data.subarray(16, 24)).toString('hex')).to.equal('ffffffffffffffff');
    expect(Array.from(wireToFloat64(w as WireArray, 'x'))).to.deep.equal(values);
    const s = int32ToWire(Int32Array.of(5, -7, 2147483647), [3]);
    expect(Buffer.from(s.data).toString('hex')).to.equal('0500000000000000' + 'f9ffffffffffffff' + 'ffffff7f00000000');
    expect(Array.from(decodeArray(s as never).data)).to.deep.equal([5, -7, 2147483647]);
  });

  it('floats, bytes and bools decode at any byte offset (msgpack bins are unaligned)', () => {
    const f = float64Array([0.5, -2, NaN]);
    const shifted = Buffer.concat([Buffer.from([9]), f.data]).subarray(1);
    const out = wireToFloat64({ dtype: '<f8', shape: [3], data: shifted }, 'x');
    expect(out[0]).to.equal(0.5);
    expect(out[1]).to.equal(-2);
    expect(Number.isNaN(out[2])).to.equal(true);
    expect(Array.from(wireToFloat64({ dtype: '<f4', shape: [2], data: Buffer.from(Float32Array.of(1.5, 3).buffer) }, 'x'))).to.deep.equal([1.5, 3]);
    expect(Array.from(wireToBool({ dtype: '|b1', shape: [3], data: Uint8Array.of(0, 1, 7) }, 'm'))).to.deep.equal([0, 1, 1]);
    expect(Buffer.from(boolToWire(Uint8Array.of(1, 0), [2]).data).toString('hex')).to.equal('0100');
  });

  it('a declared shape the bytes do not fill is refused without allocating it', () => {
    const huge = { dtype: '<i8' as const, shape: [4294967295, 4294967295, 4294967295], data: new Uint8Array(8) };
    try {
      checkWireArray(huge, 'actions');
      expect.fail('should throw');
    } catch (e) {
      expect((e as MfgError).code).to.equal('MFG_ERR_PROTOCOL_INVALID_REQUEST');
      expect((e as MfgError).details.field).to.equal('actions.data');
    }
    expect(checkWireArray({ dtype: '|u1', shape: [0, 5], data: new Uint8Array(0) }, 'x')).to.equal(0);
    expect(() => wireToBool({ dtype: '<i8', shape: [1], data: new Uint8Array(8) }, 'options.reset_mask')).to.throw(MfgError, /\|b1/);
  });
});
