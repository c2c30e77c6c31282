import { list } from '../../registry/registry';
import type { Handler } from '../handler-context';

/** Every registered environment with its kwargs schema, sorted by id. */
export const listEnvs: Handler = () => ({
  envs: list().map((s) => ({ id: s.id, description: s.description, kind: s.kind, kwargs_schema: s.kwargsSchema })),
});
