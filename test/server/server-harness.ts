import { MfgClient } from '../../clients/ts/index';
import { register } from '../../src/registry/registry';
import type { ServerLimits } from '../../src/server/limits';
import { MfgServer, type ServerOptions } from '../../src/server/mfg-server';
import { RequestValidator, type Op } from '../../src/server/request-validator';
import { noisyGridSpec } from '../gym/noisy-grid';
import * as path from 'node:path';

/** The fixture envs as a module the server's workers load (they have registries of their own). */
export const FIXTURE_ENVS = path.join(__dirname, 'fixture-envs.js');

/** A server on a free loopback port with the test fixture env registered, its log kept in memory. */
export async function startServer(limits: Partial<ServerLimits> = {}, options: Partial<ServerOptions> = {}): Promise<{ server: MfgServer; endpoint: string; log: string[] }> {
  register(noisyGridSpec, { override: true });
  const log: string[] = [];
  const server = new MfgServer({ bind: 'tcp://127.0.0.1:0', limits, log: (l) => log.push(l), workerModules: [FIXTURE_ENVS], ...options });
  const endpoint = await server.start();
  return { server, endpoint, log };
}

export function connect(endpoint: string): MfgClient {
  return MfgClient.connect(endpoint, { timeoutMs: 10_000, clientName: 'mfgym-test' });
}

let validator: RequestValidator | null = null;

/** Checks a raw reply against protocol/schemas (its op's reply schema, or error.reply.json). */
export function replyErrors(op: Op, reply: unknown): string | null {
  validator ??= new RequestValidator();
  const ok = (reply as { ok?: unknown }).ok === true;
  const v = validator.replyValidator(ok ? op : 'error');
  return v(reply) ? null : JSON.stringify(v.errors);
}
