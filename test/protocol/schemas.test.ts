import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeFrame, decodeFrame } from '../../src/server/codec';
import { OPS, RequestValidator, protocolDir } from '../../src/server/request-validator';

/** The fenced examples of PROTOCOL.md, each preceded by `<!-- example: <op>.<request|reply> -->`. */
function examples(markdown: string): { op: string; kind: 'request' | 'reply'; doc: unknown }[] {
  const re = /<!-- example: ([a-z_]+)\.(request|reply) -->\n```json\n([\s\S]*?)\n```/g;
  const out: { op: string; kind: 'request' | 'reply'; doc: unknown }[] = [];
  // {"$bin": "<hex>"} stands for a msgpack bin in the examples.
  const reviver = (_k: string, v: unknown): unknown =>
    v !== null && typeof v === 'object' && '$bin' in v ? Buffer.from((v as { $bin: string }).$bin, 'hex') : v;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ op: m[1]!, kind: m[2] as 'request' | 'reply', doc: JSON.parse(m[3]!, reviver) });
  return out;
}

describe('protocol: JSON Schemas and the PROTOCOL.md examples', () => {
  const dir = protocolDir();
  const validator = new RequestValidator();
  const markdown = fs.readFileSync(path.join(dir, 'PROTOCOL.md'), 'utf8');
  const ex = examples(markdown);

  it('one request and one reply schema per op, and every schema file compiles (ajv strict)', () => {
    const files = fs.readdirSync(path.join(dir, 'schemas')).sort();
    const expected = ['common.json', 'error.reply.json', 'request.json', ...OPS.flatMap((op) => [`${op}.reply.json`, `${op}.request.json`])].sort();
    expect(files).to.deep.equal(expected);
    for (const f of files) {
      const schema = JSON.parse(fs.readFileSync(path.join(dir, 'schemas', f), 'utf8')) as { $id: string };
      expect(schema.$id).to.equal(`https://mfgym.example/protocol/schemas/${f}`);
      expect(validator.ajv.getSchema(schema.$id), f).to.be.a('function');
    }
  });

  it('PROTOCOL.md shows a request and a reply example for every op, and an error reply', () => {
    const shown = new Set(ex.map((e) => `${e.op}.${e.kind}`));
    for (const op of OPS) {
      expect(shown.has(`${op}.request`), `${op}.request`).to.equal(true);
      expect(shown.has(`${op}.reply`), `${op}.reply`).to.equal(true);
    }
    expect(shown.has('error.reply')).to.equal(true);
  });

  it('every example validates against its schema, also after a msgpack round trip', () => {
    for (const e of ex) {
      for (const doc of [e.doc, decodeFrame(encodeFrame(e.doc))]) {
        if (e.kind === 'request') {
          expect(() => validator.checkEnvelope(doc), `${e.op}.request`).not.to.throw();
          expect(() => validator.checkRequest(e.op as (typeof OPS)[number], doc), `${e.op}.request`).not.to.throw();
        } else {
          const v = validator.replyValidator(e.op as (typeof OPS)[number] | 'error');
          expect(v(doc), `${e.op}.reply: ${JSON.stringify(v.errors)}`).to.equal(true);
        }
      }
    }
  });

  it('array examples carry exactly prod(shape) * itemsize bytes', () => {
    const size: Record<string, number> = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4, '|u1': 1, '|b1': 1 };
    let arrays = 0;
    const walk = (x: unknown): void => {
      if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return;
      const a = x as { dtype?: string; shape?: number[]; data?: unknown };
      if (typeof a.dtype === 'string' && Array.isArray(a.shape) && a.data instanceof Uint8Array) {
        arrays++;
        expect(a.data.byteLength).to.equal(a.shape.reduce((p, d) => p * d, 1) * size[a.dtype]!);
        return;
      }
      Object.values(x).forEach(walk);
    };
    ex.forEach((e) => walk(e.doc));
    expect(arrays).to.be.at.least(10);
  });

  it('the schemas reject what the prose forbids: unknown fields, seeds above 2^53-1, bad dtypes, non-bytes data', () => {
    const S = '5f2c0e6d9a8b4c3d2e1f0a9b8c7d6e5f';
    const base = { v: '2.0', id: 1, op: 'reset', session: S, handle: 'h1' };
    expect(() => validator.checkRequest('reset', { ...base, seed: 2 ** 53 - 1 })).not.to.throw();
    expect(() => validator.checkRequest('reset', { ...base, seed: 2 ** 53 })).to.throw(/seed/);
    expect(() => validator.checkRequest('reset', { ...base, sed: 1 })).to.throw(/sed is not a field/);
    const arr = (dtype: string, data: unknown) => ({ v: '2.0', id: 1, op: 'step', session: S, handle: 'h1', actions: { dtype, shape: [1], data } });
    expect(() => validator.checkRequest('step', arr('<i8', Buffer.alloc(8)))).not.to.throw();
    expect(() => validator.checkRequest('step', arr('>i8', Buffer.alloc(8)))).to.throw(/actions.dtype/);
    expect(() => validator.checkRequest('step', arr('<i8', 'AAAAAAAAAAA='))).to.throw(/msgpack bin/);
    // protocol 2.0: every request but hello carries the session token (a missing one is its own code)
    const { session: _s, ...noSession } = base;
    expect(() => validator.checkRequest('reset', noSession)).to.throw(/session is required/).with.property('code', 'MFG_ERR_SESSION_TOKEN');
    expect(() => validator.checkRequest('hello', { v: '2.0', id: 0, op: 'hello', protocol: '2.0' })).not.to.throw();
  });
});
