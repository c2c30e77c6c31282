import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MfgError } from '../core/errors';
import { isMap } from './codec';

const SCHEMA_BASE = 'https://mfgym.example/protocol/schemas/';

/** Request fields that must decode to plain maps (never a bin, array or other object). */
const MAP_FIELDS: Partial<Record<string, readonly string[]>> = { make: ['kwargs', 'options'], reset: ['options'] };

/** The package root (the directory of mfgym's package.json), found from dist/src/server or src/server. */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'protocol', 'schemas', 'common.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new MfgError('MFG_ERR_INTERNAL', `the mfgym package root (package.json next to protocol/schemas) was not found above ${__dirname}`);
}

/** The protocol/ directory shipped with the package: the schemas the server compiles. */
export function protocolDir(): string {
  return path.join(packageRoot(), 'protocol');
}

/** The ops of the protocol, in PROTOCOL.md order. */
export const OPS = ['hello', 'ping', 'list_envs', 'make', 'reset', 'step', 'population_update', 'population_report', 'close'] as const;
export type Op = (typeof OPS)[number];

/**
 * Every request and reply schema of protocol/schemas, compiled once (STYLE.md habit 4).
 * `data` fields carry the custom keyword msgpackBin: the value must be bytes.
 */
export class RequestValidator {
  readonly ajv: Ajv;
  private readonly envelope: ValidateFunction;
  private readonly requests = new Map<string, ValidateFunction>();
  private readonly replies = new Map<string, ValidateFunction>();

  constructor(dir = path.join(protocolDir(), 'schemas')) {
    this.ajv = new Ajv({ allErrors: false, strict: true });
    this.ajv.addKeyword({ keyword: 'msgpackBin', schemaType: 'boolean', validate: (_s: boolean, data: unknown) => data instanceof Uint8Array, errors: false });
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
      this.ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as object);
    }
    this.envelope = this.compiled('request.json');
    for (const op of OPS) {
      this.requests.set(op, this.compiled(`${op}.request.json`));
      this.replies.set(op, this.compiled(`${op}.reply.json`));
    }
    this.replies.set('error', this.compiled('error.reply.json'));
  }

  private compiled(name: string): ValidateFunction {
    const v = this.ajv.getSchema(SCHEMA_BASE + name);
    if (!v) throw new MfgError('MFG_ERR_INTERNAL', `schema ${name} is missing from protocol/schemas`);
    return v;
  }

  isOp(op: string): op is Op {
    return this.requests.has(op);
  }

  /** The envelope {v, id, op}: MFG_ERR_PROTOCOL_INVALID_REQUEST naming the field. */
  checkEnvelope(msg: unknown): void {
    if (!this.envelope(msg)) throw schemaError(this.envelope.errors ?? []);
  }

  /**
   * The op's own schema; a bad seed is MFG_ERR_SEED_INVALID. JSON Schema's "object" also admits
   * bins (a Buffer is an object), so the fields that must be msgpack maps are checked as such.
   */
  checkRequest(op: Op, msg: unknown): void {
    const v = this.requests.get(op)!;
    if (!v(msg)) throw schemaError(v.errors ?? []);
    for (const field of MAP_FIELDS[op] ?? []) {
      const x = (msg as Record<string, unknown>)[field];
      if (x !== undefined && !isMap(x)) {
        throw new MfgError('MFG_ERR_PROTOCOL_INVALID_REQUEST', `${field} must be a msgpack map`, { details: { field, reason: 'must be a msgpack map' } });
      }
    }
  }

  /** For tests and clients: does a reply match its op's reply schema (or the error schema)? */
  replyValidator(op: Op | 'error'): ValidateFunction {
    return this.replies.get(op)!;
  }
}

/** The first schema violation as a typed error whose details name the field by dotted path. */
export function schemaError(errors: ErrorObject[]): MfgError {
  const e = errors[0];
  if (!e) return new MfgError('MFG_ERR_PROTOCOL_INVALID_REQUEST', 'request does not match its schema', { details: { field: '', reason: 'invalid' } });
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') parts.push(String(params.missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String(params.additionalProperty));
  const field = parts.join('.');
  let reason = e.message ?? e.keyword;
  if (e.keyword === 'msgpackBin') reason = 'must be msgpack bin (bytes)';
  if (e.keyword === 'additionalProperties') reason = 'is not a field of this request';
  if (e.keyword === 'required') reason = 'is required';
  if (e.keyword === 'enum') reason = `must be one of ${JSON.stringify(params.allowedValues)}`;
  if (e.keyword === 'const') reason = `must be ${JSON.stringify(params.allowedValue)}`;
  const code = parts[0] === 'seed' ? 'MFG_ERR_SEED_INVALID' : parts[0] === 'session' ? 'MFG_ERR_SESSION_TOKEN' : 'MFG_ERR_PROTOCOL_INVALID_REQUEST';
  const hint = code === 'MFG_ERR_SEED_INVALID' ? ' (a seed is null, an integer in [0, 2^53-1], or a list of them, one per agent)' : '';
  return new MfgError(code, `${field || 'request'} ${reason}${hint}`, { details: { field, reason } });
}
