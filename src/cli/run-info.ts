import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What computed a result: recorded in every results file so runs can be compared. */
export interface RunInfo {
  backend: { name: string; precision: string; runtime: string; platform: string; arch: string; cpu: string; cpus: number };
  versions: { mfgym: string; node: string; v8: string };
}

export function runInfo(): RunInfo {
  const cpus = os.cpus();
  return {
    backend: {
      name: 'exact-tabular',
      precision: 'float64',
      runtime: 'node',
      platform: process.platform,
      arch: process.arch,
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cpus: cpus.length,
    },
    versions: { mfgym: packageVersion(), node: process.versions.node, v8: process.versions.v8 },
  };
}

/** The package's version, read from package.json at the root (dist/src/cli -> ../../..). */
export function packageVersion(): string {
  for (const up of ['../../..', '../..']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mfgym' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}
