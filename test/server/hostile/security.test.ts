import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { curveKeyPair } from 'zeromq';
import { MfgClient, MfgTimeoutError } from '../../../clients/ts/index';
import { isLoopback } from '../../../src/cli/commands/serve';
import { startServer } from '../server-harness';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

describe('hostile clients (security): loopback by default, CURVE or an explicit --insecure otherwise', function () {
  this.timeout(30_000);

  it('isLoopback tells the endpoints that never leave the machine', () => {
    for (const e of ['tcp://127.0.0.1:5555', 'tcp://127.3.2.1:0', 'tcp://[::1]:5555', 'tcp://localhost:1', 'ipc:///tmp/x', 'inproc://x']) expect(isLoopback(e), e).to.equal(true);
    for (const e of ['tcp://0.0.0.0:5555', 'tcp://*:5555', 'tcp://192.168.1.4:5555', 'tcp://[::]:5555', 'tcp://eth0:5555', 'tcp://127.0.0.1.evil.com:1']) expect(isLoopback(e), e).to.equal(false);
  });

  it('`serve --bind` on a non-loopback address without CURVE or --insecure refuses before binding', async () => {
    const p = spawn(process.execPath, [CLI, 'serve', '--bind', 'tcp://0.0.0.0:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    expect(code).to.equal(2);
    expect(err).to.match(/^mfgym: MFG_ERR_CLI_BAD_ARGUMENT: --bind tcp:\/\/0\.0\.0\.0:0 is not a loopback address.*--curve-key-file.*--insecure/);
  });

  it('with a CURVE key the traffic is encrypted: a client with the server key works, a plain one gets nothing', async () => {
    const keys = curveKeyPair();
    const { server, endpoint } = await startServer({}, { curveSecretKey: keys.secretKey });
    const good = MfgClient.connect(endpoint, { timeoutMs: 10_000, curveServerKey: keys.publicKey });
    const plain = MfgClient.connect(endpoint, { timeoutMs: 500 });
    const wrong = MfgClient.connect(endpoint, { timeoutMs: 500, curveServerKey: curveKeyPair().publicKey });
    try {
      const env = await good.make('LeftRight-v0', { numAgents: 2 });
      expect(Array.from((await env.reset(0)).obs.data)).to.deep.equal([0, 0, 0, 0]);
      for (const c of [plain, wrong]) {
        let e: unknown = null;
        try {
          await c.ping();
        } catch (x) {
          e = x;
        }
        expect(e).to.be.instanceOf(MfgTimeoutError);
      }
    } finally {
      good.close();
      plain.close();
      wrong.close();
      await server.close();
    }
  });
});
