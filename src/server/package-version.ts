import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from './request-validator';

/** mfgym's package version (hello's `server` field). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
