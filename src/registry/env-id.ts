import { MfgError } from '../core/errors';

/** A parsed environment id, after Gymnasium's `[namespace/]Name[-vN]` grammar. */
export interface EnvId {
  namespace: string | null;
  name: string;
  version: number | null;
}

// Gymnasium's envs/registration.py ENV_ID_RE.
const ENV_ID_RE = /^(?:(?<namespace>[\w:-]+)\/)?(?:(?<name>[\w:.-]+?))(?:-v(?<version>\d+))?$/;

export function parseEnvId(id: string): EnvId {
  const m = typeof id === 'string' ? ENV_ID_RE.exec(id) : null;
  if (!m || !m.groups) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_ID', `malformed environment id ${JSON.stringify(id)}: expected [namespace/]Name-vN, e.g. "BeachBar-v0" or "mylab/Traffic-v2"`, {
      details: { id },
    });
  }
  const { namespace, name, version } = m.groups;
  return { namespace: namespace ?? null, name: name!, version: version === undefined ? null : Number(version) };
}

export function formatEnvId(id: EnvId): string {
  return `${id.namespace ? `${id.namespace}/` : ''}${id.name}${id.version === null ? '' : `-v${id.version}`}`;
}
