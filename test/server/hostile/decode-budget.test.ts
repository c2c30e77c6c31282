import { expect } from 'chai';
import { Packr } from 'msgpackr';
import { MfgClient } from '../../../clients/ts/index';
import { MfgError } from '../../../src/core/errors';
import { decodeFrame } from '../../../src/server/codec';
import { checkMsgpackBudget } from '../../../src/server/msgpack-budget';
import { MB, spawnServe, type ServeProcess } from './serve-process';

const packr = new Packr({ useRecords: false });
const budget = { maxElements: 1000, maxDepth: 8 };

function codeOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as MfgError).code;
  }
  return 'ok';
}

/** `0xdd` + big-endian count + `0x80` x n: an array of n empty maps (the 64 MiB ping). */
function emptyMaps(n: number): Buffer {
  const b = Buffer.alloc(5 + n, 0x80);
  b[0] = 0xdd;
  b.writeUInt32BE(n, 1);
  return b;
}

describe('hostile clients (1): the decoder has a budget', function () {
  this.timeout(30_000);

  it('the scanner accepts what msgpackr packs and counts elements and depth exactly', () => {
    const msg = { v: '1.0', id: 7, op: 'make', kwargs: { size: 3, cells: [[1, 2], [3, 4]] }, data: Buffer.alloc(100), x: -1.5, big: 2 ** 40, s: 'é'.repeat(300) };
    const frame = packr.pack(msg);
    // 1 map + 8 keys + 8 values + (kwargs: 2 keys, 1 int, 1 array of 2 arrays of 2) = 17 + 2 + 1 + 1 + 2 + 4 = 27
    expect(codeOf(() => checkMsgpackBudget(frame, { maxElements: 27, maxDepth: 4 }))).to.equal('ok');
    expect(codeOf(() => checkMsgpackBudget(frame, { maxElements: 26, maxDepth: 4 }))).to.equal('MFG_ERR_PROTOCOL_TOO_COMPLEX');
    expect(codeOf(() => checkMsgpackBudget(frame, { maxElements: 27, maxDepth: 3 }))).to.equal('MFG_ERR_PROTOCOL_TOO_COMPLEX');
    expect(decodeFrame(frame, budget)).to.deep.equal(msg);
  });

  it('refuses extension types, non-string keys, 0xc1, truncation, trailing bytes and counts the frame cannot hold', () => {
    const cases: [string, Buffer, string][] = [
      ['RegExp ext (0x78)', Buffer.from([0x81, 0xa1, 0x6b, 0xc7, 0x02, 0x78, 0x90, 0x90]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['Set ext (0x73)', Buffer.from([0xd4, 0x73, 0x90]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['timestamp (-1)', Buffer.from([0xd6, 0xff, 0, 0, 0, 0]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['int key', Buffer.from([0x81, 0x01, 0x02]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['0xc1', Buffer.from([0x91, 0xc1]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['truncated str', Buffer.from([0xa5, 0x61]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['trailing', Buffer.from([0xc0, 0xc0]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['array of 900 in 3 bytes', Buffer.from([0xdc, 0x03, 0x84, 0xc0]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['array of 2^32-1 in 1 byte', Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0]), 'MFG_ERR_PROTOCOL_MALFORMED'],
      ['array of 1001 nils', Buffer.concat([Buffer.from([0xdc, 0x03, 0xe9]), Buffer.alloc(1001, 0xc0)]), 'MFG_ERR_PROTOCOL_TOO_COMPLEX'],
      ['deep', Buffer.from('91'.repeat(9) + 'c0', 'hex'), 'MFG_ERR_PROTOCOL_TOO_COMPLEX'],
    ];
    for (const [what, frame, code] of cases) expect(codeOf(() => decodeFrame(frame, budget)), what).to.equal(code);
    expect(codeOf(() => decodeFrame(Buffer.from('91'.repeat(8) + 'c0', 'hex'), budget))).to.equal('ok');
  });

  describe('through the socket, against an `mfgym serve` process', () => {
    let serve: ServeProcess;
    let client: MfgClient;
    before(async () => {
      serve = await spawnServe();
      client = MfgClient.connect(serve.endpoint, { timeoutMs: 20_000 });
      await client.hello();
    });
    after(async () => {
      client.close();
      await serve.stop();
    });

    it('a 64 MiB ping of 64M empty maps gets a typed error in under 1 s, server RSS up by under 200 MB', async () => {
      const frame = emptyMaps(64 * MB - 5);
      const rss0 = serve.rss();
      const t0 = process.hrtime.bigint();
      const reply = await client.sendRaw(frame, 'ping');
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const grown = (serve.rss() - rss0) / MB;
      console.log(`      64 MiB of empty maps: ${reply.error?.code} in ${ms.toFixed(0)} ms, server RSS +${grown.toFixed(0)} MB`);
      expect(reply.ok).to.equal(false);
      expect(reply.error!.code).to.equal('MFG_ERR_PROTOCOL_TOO_COMPLEX');
      expect(reply.error!.details).to.deep.include({ limit: 'max_message_elements', max: 65536 });
      expect(ms).to.be.below(1000);
      expect(grown).to.be.below(200);
      expect(await client.ping()).to.equal(true);
    });

    it('an extension type or a bin as kwargs is refused, never echoed as a non-map', async () => {
      const base = { v: '1.0', id: 1, op: 'make', env_id: 'LeftRight-v0' };
      const head = packr.pack({ ...base, kwargs: null });
      // replace the final nil (kwargs) by a RegExp extension: ext8, length 2, type 0x78, [] []
      const regexp = Buffer.concat([head.subarray(0, head.length - 1), Buffer.from([0xc7, 0x02, 0x78, 0x90, 0x90])]);
      const r1 = await client.sendRaw(regexp, "make");
      expect(r1.error?.code).to.equal('MFG_ERR_PROTOCOL_MALFORMED');
      const r2 = await client.request('make', { env_id: 'LeftRight-v0', kwargs: Buffer.from('abc') });
      expect(r2.error?.code).to.equal('MFG_ERR_PROTOCOL_INVALID_REQUEST');
      expect(r2.error?.details).to.deep.equal({ field: 'kwargs', reason: 'must be a msgpack map' });
      const r3 = await client.request('reset', { handle: 'x', options: [1] });
      expect(r3.error?.code).to.equal('MFG_ERR_PROTOCOL_INVALID_REQUEST');
    });

    it('a 100 MB frame is not read whole: the connection is dropped at its header, the server stays small and serves others', async () => {
      const rss0 = serve.rss();
      const big = MfgClient.connect(serve.endpoint, { timeoutMs: 1500 });
      let err: unknown = null;
      try {
        await big.sendRaw(Buffer.alloc(100 * MB, 0xc0), 'raw');
      } catch (e) {
        err = e;
      }
      big.close();
      expect(String(err)).to.match(/no reply/);
      expect((serve.rss() - rss0) / MB).to.be.below(50);
      expect(await client.ping()).to.equal(true);
    });
  });
});
