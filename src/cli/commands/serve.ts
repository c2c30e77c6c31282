import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MfgError } from '../../core/errors';
import { DEFAULT_LIMITS, type ServerLimits } from '../../server/limits';
import { DEFAULT_BIND, MfgServer } from '../../server/mfg-server';
import { collect, registerEnvs } from '../env-options';
import { needsMmapThreshold, reexecWithMmapThreshold, stopWithParent } from '../glibc-malloc';

interface ServeOptions {
  bind: string;
  load: string[];
  idleTimeout?: string;
  maxAgents?: string;
  maxEnvs?: string;
  maxMessageBytes?: string;
  maxEnvsTotal?: string;
  maxSessions?: string;
  maxEnvBytes?: string;
  maxTotalBytes?: string;
  maxInFlight?: string;
  insecure?: boolean;
  workers?: string;
  curveKeyFile?: string;
}

/**
 * `mfgym serve`: the ZeroMQ gym server (protocol/PROTOCOL.md). Prints `listening <endpoint>` on
 * stdout once bound (bind port 0 to get a free port), logs session events on stderr, and closes
 * every env and the socket on SIGINT or SIGTERM.
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the gym environments over ZeroMQ + msgpack (protocol/PROTOCOL.md)')
    .option('--bind <endpoint>', 'ZeroMQ endpoint to bind (loopback by default; port 0 picks a free port)', DEFAULT_BIND)
    .option('--load <module>', 'a JS module registering extra games (repeatable)', collect, [])
    .option('--idle-timeout <seconds>', `close the envs of a connection silent for that long (default ${DEFAULT_LIMITS.idleTimeoutS})`)
    .option('--max-agents <n>', `most agents per env (default ${DEFAULT_LIMITS.maxAgentsPerEnv})`)
    .option('--max-envs <n>', `most open envs per connection (default ${DEFAULT_LIMITS.maxEnvsPerConnection})`)
    .option('--max-message-bytes <n>', `largest request frame (default ${DEFAULT_LIMITS.maxMessageBytes})`)
    .option('--max-envs-total <n>', `most open envs across all connections (default ${DEFAULT_LIMITS.maxEnvsTotal})`)
    .option('--max-sessions <n>', `most sessions across all connections (default ${DEFAULT_LIMITS.maxSessions})`)
    .option('--max-env-bytes <n>', `largest estimated env, bytes (default ${DEFAULT_LIMITS.maxEnvBytes})`)
    .option('--max-total-bytes <n>', `most estimated bytes of all open envs (default ${DEFAULT_LIMITS.maxTotalBytes})`)
    .option('--max-in-flight <n>', `most unanswered requests per connection before MFG_ERR_SESSION_BUSY (default ${DEFAULT_LIMITS.maxInFlight})`)
    .option('--workers <n>', 'worker threads that build and step the envs (default: the cores, 2 to 4; 0 = all in the main thread)')
    .option('--curve-key-file <file>', 'encrypt with ZeroMQ CURVE: a JSON {"public_key", "secret_key"} (Z85), created with a fresh pair if missing')
    .option('--insecure', 'allow binding a non-loopback address without CURVE encryption (logs a warning)')
    .action(async (opts: ServeOptions) => {
      const limits: Partial<ServerLimits> = {};
      if (opts.idleTimeout !== undefined) limits.idleTimeoutS = positive(opts.idleTimeout, '--idle-timeout', false);
      if (opts.maxAgents !== undefined) limits.maxAgentsPerEnv = positive(opts.maxAgents, '--max-agents', true);
      if (opts.maxEnvs !== undefined) limits.maxEnvsPerConnection = positive(opts.maxEnvs, '--max-envs', true);
      if (opts.maxMessageBytes !== undefined) limits.maxMessageBytes = positive(opts.maxMessageBytes, '--max-message-bytes', true);
      if (opts.maxEnvsTotal !== undefined) limits.maxEnvsTotal = positive(opts.maxEnvsTotal, '--max-envs-total', true);
      if (opts.maxSessions !== undefined) limits.maxSessions = positive(opts.maxSessions, '--max-sessions', true);
      if (opts.maxEnvBytes !== undefined) limits.maxEnvBytes = positive(opts.maxEnvBytes, '--max-env-bytes', true);
      if (opts.maxTotalBytes !== undefined) limits.maxTotalBytes = positive(opts.maxTotalBytes, '--max-total-bytes', true);
      if (opts.maxInFlight !== undefined) limits.maxInFlight = positive(opts.maxInFlight, '--max-in-flight', true);
      if (!/^(tcp|ipc|inproc):\/\//.test(opts.bind)) {
        throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--bind ${opts.bind} is not a ZeroMQ endpoint; expected e.g. tcp://127.0.0.1:5555`);
      }
      const insecure = !isLoopback(opts.bind) && opts.curveKeyFile === undefined;
      if (insecure && !opts.insecure) {
        throw new MfgError(
          'MFG_ERR_CLI_BAD_ARGUMENT',
          `--bind ${opts.bind} is not a loopback address: requests and session tokens would cross the network in clear; give --curve-key-file, bind 127.0.0.1 (and tunnel), or pass --insecure to accept that`,
        );
      }
      const workers = opts.workers === undefined ? undefined : opts.workers === '0' ? 0 : positive(opts.workers, '--workers', true);
      // The arguments are valid: on glibc, serve from a child whose malloc returns freed env memory.
      if (needsMmapThreshold()) await reexecWithMmapThreshold((line) => process.stderr.write(`mfgym serve: ${line}\n`));
      if (insecure) {
        process.stderr.write(`mfgym serve: WARNING: --insecure: serving ${opts.bind} without encryption or authentication; anyone who can reach it can use it and read session tokens\n`);
      }
      const curve = opts.curveKeyFile === undefined ? undefined : await curveKeys(opts.curveKeyFile);
      await registerEnvs(opts.load);
      const server = new MfgServer({ bind: opts.bind, limits, workers, workerModules: opts.load.map((f) => path.resolve(f)), curveSecretKey: curve?.secret_key });
      if (curve) process.stderr.write(`mfgym serve: CURVE on; clients need the server public key ${curve.public_key}\n`);
      let endpoint: string;
      try {
        endpoint = await server.start();
      } catch (e) {
        throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `cannot bind ${opts.bind}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      process.stdout.write(`listening ${endpoint}\n`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        // Idempotent: a Ctrl-C reaches both a relaying parent and this process, and the parent forwards it again.
        const stop = (why: string): void => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`mfgym serve: ${why}, closing\n`);
          void server.close().then(resolve);
        };
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
        stopWithParent(() => stop('the relaying parent process is gone'));
      });
    });
}

/** The server's CURVE key pair from a JSON file, created (mode 0600) with a fresh pair if missing. */
async function curveKeys(file: string): Promise<{ public_key: string; secret_key: string }> {
  if (!fs.existsSync(file)) {
    const { curveKeyPair } = await import('zeromq');
    const pair = curveKeyPair();
    fs.writeFileSync(file, JSON.stringify({ public_key: pair.publicKey, secret_key: pair.secretKey }) + '\n', { mode: 0o600 });
  }
  let keys: { public_key?: unknown; secret_key?: unknown };
  try {
    keys = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof keys;
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--curve-key-file ${file}: ${(e as Error).message}`);
  }
  const z85 = /^[0-9a-zA-Z.\-:+=^!\/*?&<>()[\]{}@%$#]{40}$/;
  if (typeof keys.public_key !== 'string' || typeof keys.secret_key !== 'string' || !z85.test(keys.public_key) || !z85.test(keys.secret_key)) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--curve-key-file ${file} must hold {"public_key", "secret_key"}, each 40 Z85 characters`);
  }
  return { public_key: keys.public_key, secret_key: keys.secret_key };
}

/** tcp://127.x.x.x, tcp://[::1], tcp://localhost, ipc:// and inproc:// never leave the machine. */
export function isLoopback(endpoint: string): boolean {
  if (/^(ipc|inproc):\/\//.test(endpoint)) return true;
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:]+):/.exec(endpoint);
  if (!m) return false;
  const host = m[1]!;
  return /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]' || host === 'localhost';
}

function positive(text: string, flag: string, integer: boolean): number {
  const x = Number(text);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`);
  }
  return x;
}
