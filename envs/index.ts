import type { EnvSpec } from '../src/registry/env-spec';
import { register, spec as lookup } from '../src/registry/registry';
import { leftRightSpec } from './left-right';

/** Every built-in environment, in the order `mfgym list` shows them. */
export const builtinSpecs: readonly EnvSpec<any>[] = [
  leftRightSpec,
];

/** Registers the built-in environments (idempotent: a second call is a no-op). */
export function registerBuiltinEnvs(): void {
  for (const s of builtinSpecs) {
    try {
      lookup(s.id);
    } catch {
      register(s);
    }
  }
}
