import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { MfgError } from '../core/errors';
import type { KwargsSchema } from './env-spec';

// One Ajv instance: defaults are filled in, and kwargs are never coerced (a string "3" for a
// number is an error, as a user would want to hear).
const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });

/** Compiles a kwargs schema once (at registration), returning a checker that fills defaults. */
export function compileKwargs(envId: string, schema: KwargsSchema): (kwargs: unknown) => Record<string, unknown> {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwargs schema of ${envId} does not compile: ${(e as Error).message}`, { cause: e });
  }
  return (kwargs: unknown) => {
    if (kwargs === undefined || kwargs === null) kwargs = {};
    if (typeof kwargs !== 'object' || Array.isArray(kwargs)) {
      throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwargs of ${envId} must be an object, got ${Array.isArray(kwargs) ? 'an array' : typeof kwargs}`);
    }
    const copy = structuredClone(kwargs) as Record<string, unknown>;
    if (!validate(copy)) {
      const errors = validate.errors ?? [];
      throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `invalid kwargs for ${envId}: ${errors.map(describe).join('; ')}`, {
        details: { env: envId, errors: errors.map((e) => ({ path: e.instancePath, keyword: e.keyword, message: e.message, params: e.params })) },
      });
    }
    return copy;
  };
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    return `unknown kwarg "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  }
  const where = e.instancePath ? `kwarg "${e.instancePath.slice(1).replace(/\//g, '.')}"` : 'kwargs';
  return `${where} ${e.message ?? 'is invalid'}`;
}
